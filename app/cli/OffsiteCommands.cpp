#include "OffsiteCommands.h"

#include "CliJobRunner.h"
#include "CliTarget.h"
#include "ServerCommands.h"
#include "TextTable.h"
#include "catalog/BackupDescription.h"
#include "catalog/Catalog.h"
#include "catalog/ScanJson.h"
#include "offsite/OffsiteStore.h"
#include "util/Background.h"
#include "util/HumanSize.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>

namespace coffre {
namespace {

// Runs `work` on a store of its own with the progress line and Ctrl-C of every CLI job.
template<typename T, typename Work>
Result<T> onStore(const CliContext& cli, const s3::S3Location& location, Work work)
{
    const QString secret = CliPassword::offsiteSecret(location);
    auto control = std::make_shared<JobControl>();
    QFuture<Result<T>> future = runOnOffsiteStore<T>(location, secret, control, work);
    CliJobRunner(control, !cli.json() && CliJobRunner::stderrIsTerminal()).wait(QFuture<void>(future));
    return future.result();
}

Result<bool> done(const Status& status)
{
    if (!status)
        return status.error();
    return true;
}

QString oneName(const CliContext& cli)
{
    const QStringList names = cli.parser.positionalArguments().mid(1);
    return names.size() == 1 ? names.first() : QString();
}

int runList(const CliContext& cli, const Profile& profile, bool cached)
{
    const auto backups = cached ? Result<QList<Backup>>(OffsiteStore::cachedList(profile.offsite))
                                : onStore<QList<Backup>>(cli, profile.offsite, [](OffsiteStore& store) { return store.list(); });
    if (!backups)
        return cli.fail(backups.error());
    if (cli.json()) {
        QJsonArray array;
        for (const Backup& backup : *backups)
            array.append(ScanJson::backupToJson(backup, false));
        return cli.succeed(array);
    }
    if (backups->isEmpty()) {
        cli.out << OffsiteCommands::tr("No backups in %1.").arg(profile.offsite.url()) << Qt::endl;
        return ExitSuccess;
    }
    TextTable table({OffsiteCommands::tr("NAME"), OffsiteCommands::tr("CREATED"), OffsiteCommands::tr("SIZE"),
                     OffsiteCommands::tr("STATUS"), OffsiteCommands::tr("CONTENTS")});
    qint64 total = 0;
    for (const Backup& backup : *backups) {
        table.addRow({backup.name, backup.created.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                      humanSize(backup.sizeBytes), statusToString(backup.status), backup.components().join(QStringLiteral(", "))});
        total += backup.sizeBytes;
    }
    cli.out << table.render();
    cli.out << OffsiteCommands::tr("%n backup(s), %1 in %2.", nullptr, int(backups->size())).arg(humanSize(total), profile.offsite.url())
            << Qt::endl;
    return ExitSuccess;
}

int runInfo(const CliContext& cli, const Profile& profile, const QString& name)
{
    const auto backup = onStore<Backup>(cli, profile.offsite, [name](OffsiteStore& store) { return store.find(name); });
    if (!backup)
        return cli.fail(backup.error());
    if (cli.json())
        return cli.succeed(ScanJson::backupToJson(*backup, true));
    cli.out << BackupDescription::text(*backup);
    return ExitSuccess;
}

int runVerify(const CliContext& cli, const Profile& profile, const QString& name)
{
    const auto checked = onStore<bool>(cli, profile.offsite, [name](OffsiteStore& store) { return done(store.verify(name)); });
    if (!checked)
        return cli.fail(checked.error());
    if (cli.json())
        return cli.succeed(QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("ok"), true}});
    cli.out << OffsiteCommands::tr("%1 in %2: every file matches its checksum.").arg(name, profile.offsite.url()) << Qt::endl;
    return ExitSuccess;
}

int runDelete(const CliContext& cli, const Profile& profile)
{
    const QStringList names = cli.parser.positionalArguments().mid(1);
    if (names.isEmpty())
        return cli.usage(OffsiteCommands::tr("Name the backups to delete."));
    if (!cli.parser.isSet(QStringLiteral("yes")))
        return cli.usage(OffsiteCommands::tr("Deleting off-site copies asks for --yes."));
    const auto removed = onStore<bool>(cli, profile.offsite, [names](OffsiteStore& store) -> Result<bool> {
        for (const QString& name : names)
            if (Status status = store.remove(name); !status)
                return status.error();
        return true;
    });
    if (!removed)
        return cli.fail(removed.error());
    if (cli.json())
        return cli.succeed(QJsonObject{{QStringLiteral("deleted"), QJsonArray::fromStringList(names)}});
    cli.out << OffsiteCommands::tr("Deleted from %1: %2").arg(profile.offsite.url(), names.join(QStringLiteral(", "))) << Qt::endl;
    return ExitSuccess;
}

Result<Backup> fetch(const CliContext& cli, const Profile& profile, const QString& name, const QString& into)
{
    return onStore<Backup>(cli, profile.offsite, [name, into](OffsiteStore& store) { return store.download(name, into); });
}

int runDownload(const CliContext& cli, const Profile& profile, const QString& name)
{
    const QString into = cli.parser.isSet(QStringLiteral("to")) ? QDir(cli.parser.value(QStringLiteral("to"))).absolutePath()
                                                                 : profile.repository;
    const auto fetched = fetch(cli, profile, name, into);
    if (!fetched)
        return cli.fail(fetched.error());
    if (cli.json())
        return cli.succeed(QJsonObject{{QStringLiteral("name"), fetched->name}, {QStringLiteral("size_bytes"), fetched->sizeBytes},
                                       {QStringLiteral("repository"), into}});
    cli.out << OffsiteCommands::tr("Downloaded %1 (%2) from %3 into %4; every checksum was verified.")
                   .arg(name, humanSize(fetched->sizeBytes), profile.offsite.url(), into)
            << Qt::endl;
    return ExitSuccess;
}

int runUpload(const CliContext& cli, const Profile& profile, const QString& name)
{
    const auto local = CliTarget::completeBackup(profile, name);
    if (!local)
        return cli.fail(local.error());
    const auto sent = onStore<Backup>(cli, profile.offsite, [backup = *local](OffsiteStore& store) { return store.upload(backup); });
    if (!sent)
        return cli.fail(sent.error());
    if (cli.json())
        return cli.succeed(ScanJson::backupToJson(*sent, false));
    cli.out << OffsiteCommands::tr("Copied %1 (%2) to %3; every checksum matched.").arg(name, humanSize(sent->sizeBytes), profile.offsite.url())
            << Qt::endl;
    return ExitSuccess;
}

// Restore from off-site: fetched (verified) into the local repository, then the normal restore.
int runRestore(const CliContext& cli, const Profile& profile, const QString& name, const CliCommand& restore)
{
    if (!QFileInfo::exists(QDir(profile.repository).filePath(name))) {
        const auto fetched = fetch(cli, profile, name, profile.repository);
        if (!fetched)
            return cli.fail(fetched.error());
        if (!cli.json())
            cli.err << OffsiteCommands::tr("Fetched %1 from %2 into %3; every checksum was verified.").arg(name, profile.offsite.url(), profile.repository)
                    << Qt::endl;
    }
    return restore.run(cli);
}

} // namespace

bool OffsiteCommands::handles(const QCommandLineParser& parser, const QString& command)
{
    if (CliTarget::repositoryIsOffsite(parser))
        return true;
    if (command != u"download" && command != u"upload")
        return false;
    if (ServerCommands::isSet(parser))
        return false;
    const auto profile = CliTarget::resolve(parser);
    return profile.ok() && !profile->offsite.isEmpty();
}

int OffsiteCommands::run(const CliContext& cli, const CliCommand& command)
{
    const auto profile = CliTarget::resolve(cli.parser);
    if (!profile)
        return cli.usage(profile.error().message);
    const QString& name = command.name;
    if (name == u"list" || name == u"scan")
        return runList(cli, *profile, name == u"list" && cli.parser.isSet(QStringLiteral("cached")));
    if (name == u"delete")
        return runDelete(cli, *profile);
    if (name == u"create" || name == u"prune")
        return command.run(cli); // they know off-site themselves: a copy after create; the off-site rules
    const QString backup = oneName(cli);
    const bool namesOne = !backup.isEmpty();
    if (name == u"info" && namesOne)
        return runInfo(cli, *profile, backup);
    if (name == u"verify" && namesOne)
        return runVerify(cli, *profile, backup);
    if (name == u"download" && namesOne)
        return runDownload(cli, *profile, backup);
    if (name == u"upload" && namesOne)
        return runUpload(cli, *profile, backup);
    if (name == u"restore" && namesOne)
        return runRestore(cli, *profile, backup, command);
    if (QStringList{u"info"_qs, u"verify"_qs, u"download"_qs, u"upload"_qs, u"restore"_qs}.contains(name))
        return cli.usage(tr("Name one backup."));
    return cli.usage(tr("%1 works on a repository of this computer. Off-site (%2), use list, info, verify, delete, "
                        "download, upload, restore, create or prune; download a backup first for the rest.")
                         .arg(name, profile->offsite.url()));
}

} // namespace coffre
