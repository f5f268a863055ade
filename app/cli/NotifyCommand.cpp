#include "NotifyCommand.h"

#include "CliTarget.h"

#include "notify/Notifier.h"
#include "profile/ProfileStore.h"

#include <QJsonObject>
#include <QSysInfo>

namespace coffre {
namespace {


int answer(const CliContext& cli, const Profile& profile, const QString& said)
{
    if (cli.json()) {
        QJsonObject o = profile.notify.toJson();
        o.insert(QStringLiteral("profile"), profile.name);
        return cli.succeed(o);
    }
    if (!said.isEmpty())
        cli.out << said << Qt::endl;
    cli.out << NotifyCommand::tr("%1: %2. Warnings when the disk is %3 % full, or a part shrank by %4 %.")
                   .arg(profile.name, profile.notify.describe())
                   .arg(profile.notify.diskPercent)
                   .arg(profile.notify.shrinkPercent)
            << Qt::endl;
    return ExitSuccess;
}

int runSet(const CliContext& cli, Profile profile)
{
    const QCommandLineParser& p = cli.parser;
    NotifySettings& n = profile.notify;
    if (p.isSet(QStringLiteral("webhook")))
        n.webhook = p.value(QStringLiteral("webhook"));
    if (p.isSet(QStringLiteral("mail")))
        n.mailTo = p.value(QStringLiteral("mail"));
    if (p.isSet(QStringLiteral("on-success")) && p.isSet(QStringLiteral("failures-only")))
        return cli.usage(NotifyCommand::tr("--on-success and --failures-only contradict each other."));
    if (p.isSet(QStringLiteral("on-success")))
        n.onSuccess = true;
    if (p.isSet(QStringLiteral("failures-only")))
        n.onSuccess = false;
    for (const auto& [option, field] : {std::pair{QStringLiteral("disk-percent"), &n.diskPercent},
                                        std::pair{QStringLiteral("shrink-percent"), &n.shrinkPercent}}) {
        if (!p.isSet(option))
            continue;
        bool ok = false;
        *field = p.value(option).toInt(&ok);
        if (!ok)
            return cli.usage(NotifyCommand::tr("--%1 takes a number from 0 to 100.").arg(option));
    }
    if (Status valid = n.validate(); !valid)
        return cli.usage(valid.error().message);
    if (Status saved = ProfileStore().save(profile); !saved)
        return cli.fail(saved.error());
    return answer(cli, profile, {});
}

int runTest(const CliContext& cli, const Profile& profile)
{
    if (!profile.notify.sendsAnything())
        return cli.fail(Error{NotifyCommand::tr("%1 has no webhook or mail to test: notify set --webhook URL or --mail ADDRESS.").arg(profile.name), {}});
    Notification test;
    test.event = QStringLiteral("test");
    test.profile = profile.name;
    test.host = QSysInfo::machineHostName();
    test.outcome = QStringLiteral("ok");
    test.time = QDateTime::currentDateTime();
    test.message = NotifyCommand::tr("A test from coffre-cli notify test: notifications of this profile reach you.");
    const QStringList failures = Notifier::send(profile.notify, test);
    if (!failures.isEmpty())
        return cli.fail(Error{failures.join(QStringLiteral("; ")), {}});
    return answer(cli, profile, NotifyCommand::tr("Sent a test notification (%1).").arg(profile.notify.describe()));
}

int runNotify(const CliContext& cli)
{
    const QStringList words = cli.parser.positionalArguments();
    const QString action = words.value(1);
    if (!QStringList{u"set"_qs, u"show"_qs, u"test"_qs, u"remove"_qs}.contains(action))
        return cli.usage(NotifyCommand::tr("notify takes set, show, test or remove."));
    Result<Profile> profile = CliTarget::storedProfile(cli.parser, NotifyCommand::tr("Notifications belong to a stored profile: give --profile NAME."));
    if (!profile)
        return cli.usage(profile.error().message);
    if (action == u"set")
        return runSet(cli, *profile);
    if (action == u"test")
        return runTest(cli, *profile);
    if (action == u"remove") {
        Profile changed = *profile;
        changed.notify = NotifySettings();
        if (Status saved = ProfileStore().save(changed); !saved)
            return cli.fail(saved.error());
        return answer(cli, changed, NotifyCommand::tr("No more notifications for %1.").arg(changed.name));
    }
    return answer(cli, *profile, {});
}

} // namespace

CliCommand NotifyCommand::command()
{
    return {QStringLiteral("notify"),
            tr("Who hears about scheduled backups (a webhook, mail) and when a backup warns: set, show, test, remove."),
            QStringLiteral("set|show|test|remove"),
            [] {
                return QList<QCommandLineOption>{
                    {QStringLiteral("webhook"), tr("set: POST a JSON notification to this https:// address."), QStringLiteral("URL")},
                    {QStringLiteral("mail"), tr("set: mail these addresses (comma-separated) through the local sendmail."),
                     QStringLiteral("ADDRESSES")},
                    {QStringLiteral("on-success"), tr("set: notify after every scheduled backup, not only failures and warnings.")},
                    {QStringLiteral("failures-only"), tr("set: notify only failures and warnings (the default).")},
                    {QStringLiteral("disk-percent"), tr("set: warn when the backups' disk is this full (default 80; 0: never)."),
                     QStringLiteral("N")},
                    {QStringLiteral("shrink-percent"),
                     tr("set: warn when the dump or a folder shrank by more than this share since the backup before (default 50; 0: never)."),
                     QStringLiteral("N")}};
            },
            runNotify};
}

} // namespace coffre
