#include "ScheduleCommand.h"

#include "CliTarget.h"

#include "audit/AuditLog.h"
#include "profile/ProfileStore.h"
#include "schedule/ScheduleInstaller.h"

#include <QJsonArray>
#include <QJsonObject>

namespace coffre {
namespace {


Result<Schedule> scheduleFromOptions(const CliContext& cli)
{
    const QCommandLineParser& p = cli.parser;
    const int given = int(p.isSet(QStringLiteral("daily"))) + int(p.isSet(QStringLiteral("hourly"))) + int(p.isSet(QStringLiteral("weekly")));
    if (given != 1)
        return Error{ScheduleCommand::tr("Give one of --daily HH:MM, --hourly or --weekly DAY HH:MM."), {}};
    Schedule schedule;
    if (p.isSet(QStringLiteral("drill-every"))) {
        bool number = false;
        schedule.drillDays = p.value(QStringLiteral("drill-every")).toInt(&number);
        if (!number || schedule.drillDays < 0 || schedule.drillDays > 366)
            return Error{ScheduleCommand::tr("--drill-every takes a number of days (0 for none)."), {}};
    }
    if (p.isSet(QStringLiteral("hourly"))) {
        schedule.every = Schedule::Every::Hourly;
        return schedule;
    }
    if (p.isSet(QStringLiteral("daily"))) {
        const Result<QTime> at = Schedule::parseTime(p.value(QStringLiteral("daily")));
        if (!at)
            return at.error();
        schedule.every = Schedule::Every::Daily;
        schedule.at = *at;
        return schedule;
    }
    // "--weekly mon 03:00": the time is the word after the day (or "--weekly 'mon 03:00'").
    QStringList words = p.value(QStringLiteral("weekly")).split(u' ', Qt::SkipEmptyParts);
    words += p.positionalArguments().mid(2);
    if (words.size() != 2)
        return Error{ScheduleCommand::tr("--weekly takes a day and a time: --weekly mon 03:00."), {}};
    const Result<int> day = Schedule::parseWeekday(words[0]);
    if (!day)
        return day.error();
    const Result<QTime> at = Schedule::parseTime(words[1]);
    if (!at)
        return at.error();
    schedule.every = Schedule::Every::Weekly;
    schedule.weekday = *day;
    schedule.at = *at;
    return schedule;
}

QJsonObject installToJson(const ScheduleInstall& install)
{
    QJsonObject o{{QStringLiteral("method"), install.method},
                  {QStringLiteral("active"), install.active},
                  {QStringLiteral("files"), QJsonArray::fromStringList(install.files)},
                  {QStringLiteral("todo"), QJsonArray::fromStringList(install.todo)},
                  {QStringLiteral("notes"), QJsonArray::fromStringList(install.notes)}};
    if (!install.cronLine.isEmpty())
        o.insert(QStringLiteral("cron_line"), install.cronLine);
    return o;
}

QJsonObject stateToJson(const Profile& profile, const ScheduleInstall& install)
{
    const QDateTime now = QDateTime::currentDateTime();
    QJsonObject o{{QStringLiteral("profile"), profile.name},
                  {QStringLiteral("schedule"), profile.schedule.toJson()},
                  {QStringLiteral("description"), profile.schedule.describe()},
                  {QStringLiteral("installed"), installToJson(install)}};
    if (profile.schedule.isSet())
        o.insert(QStringLiteral("next_run"), profile.schedule.nextAfter(now).toOffsetFromUtc(now.offsetFromUtc()).toString(Qt::ISODate));
    const auto last = AuditLog::lastMatching(profile.repository, [](const AuditEntry& e) {
        return e.action == AuditAction::Create && e.kind == u"scheduled";
    });
    if (last)
        o.insert(QStringLiteral("last_run"), last->toJson());
    return o;
}

void printInstall(const CliContext& cli, const ScheduleInstall& install)
{
    for (const QString& file : install.files)
        cli.out << "  " << file << Qt::endl;
    if (!install.cronLine.isEmpty())
        cli.out << "  " << install.cronLine << Qt::endl;
    for (const QString& note : install.notes)
        cli.err << note << Qt::endl;
    if (!install.todo.isEmpty()) {
        cli.err << ScheduleCommand::tr("To finish, run:") << Qt::endl;
        for (const QString& command : install.todo)
            cli.err << "  " << command << Qt::endl;
    }
}

QString methodWords(const ScheduleInstall& install, const QString& profile)
{
    if (install.method == u"systemd")
        return install.active ? ScheduleCommand::tr("systemd user timer %1.timer, enabled").arg(ScheduleInstaller::unitName(profile))
                              : ScheduleCommand::tr("systemd user timer %1.timer, not enabled yet").arg(ScheduleInstaller::unitName(profile));
    if (install.method == u"cron")
        return ScheduleCommand::tr("a line of your crontab");
    return ScheduleCommand::tr("not installed");
}

ScheduleInstaller::Method methodOption(const CliContext& cli, bool* ok)
{
    const QString via = cli.parser.value(QStringLiteral("via"));
    *ok = via.isEmpty() || via == u"systemd" || via == u"cron";
    return via == u"systemd" ? ScheduleInstaller::Method::Systemd
           : via == u"cron"  ? ScheduleInstaller::Method::Cron
                             : ScheduleInstaller::Method::Auto;
}

int runSet(const CliContext& cli, Profile profile)
{
    Result<Schedule> schedule = scheduleFromOptions(cli);
    if (!schedule)
        return cli.usage(schedule.error().message);
    if (!cli.parser.isSet(QStringLiteral("drill-every"))) // a new time keeps the drills asked for before
        schedule.value().drillDays = profile.schedule.drillDays;
    bool viaOk = false;
    const ScheduleInstaller::Method method = methodOption(cli, &viaOk);
    if (!viaOk)
        return cli.usage(ScheduleCommand::tr("--via takes systemd or cron."));
    // Installed first: a profile never says it is scheduled when nothing will run it.
    const Result<ScheduleInstall> installed = ScheduleInstaller().install(profile.name, *schedule, method);
    if (!installed)
        return cli.fail(installed.error());
    profile.schedule = *schedule;
    if (Status saved = ProfileStore().save(profile); !saved)
        return cli.fail(saved.error());
    if (cli.json()) {
        QJsonObject o = stateToJson(profile, *installed);
        return cli.succeed(o);
    }
    const QDateTime now = QDateTime::currentDateTime();
    cli.out << ScheduleCommand::tr("%1 is backed up %2 (%3); next run %4.")
                   .arg(profile.name, schedule->describe(), methodWords(*installed, profile.name),
                        ScheduleText::when(schedule->nextAfter(now), now))
            << Qt::endl;
    if (schedule->drillDays > 0)
        cli.out << ScheduleCommand::tr("Then %1, on the latest backup.").arg(schedule->describeDrill()) << Qt::endl;
    printInstall(cli, *installed);
    return ExitSuccess;
}

int runShow(const CliContext& cli, const Profile& profile)
{
    const ScheduleInstall installed = ScheduleInstaller().installed(profile.name);
    if (cli.json())
        return cli.succeed(stateToJson(profile, installed));
    const QDateTime now = QDateTime::currentDateTime();
    if (!profile.schedule.isSet()) {
        cli.out << ScheduleCommand::tr("%1 has no schedule. coffre-cli --profile %1 schedule set --daily 02:30 makes one.").arg(profile.name) << Qt::endl;
    } else {
        cli.out << ScheduleCommand::tr("%1 is backed up %2 (%3).").arg(profile.name, profile.schedule.describe(), methodWords(installed, profile.name))
                << Qt::endl;
        cli.out << ScheduleCommand::tr("Next run: %1.").arg(ScheduleText::when(profile.schedule.nextAfter(now), now)) << Qt::endl;
        if (profile.schedule.drillDays > 0)
            cli.out << ScheduleCommand::tr("Then %1, on the latest backup.").arg(profile.schedule.describeDrill()) << Qt::endl;
    }
    const auto last = AuditLog::lastMatching(profile.repository, [](const AuditEntry& e) {
        return e.action == AuditAction::Create && e.kind == u"scheduled";
    });
    if (last)
        cli.out << ScheduleCommand::tr("Last scheduled run: %1, %2%3.")
                       .arg(ScheduleText::when(last->time, now), last->outcome,
                            last->ok() ? QString() : QStringLiteral(" (") + last->message + u')')
                << Qt::endl;
    printInstall(cli, installed);
    return ExitSuccess;
}

int runRemove(const CliContext& cli, Profile profile)
{
    const Result<ScheduleInstall> removed = ScheduleInstaller().remove(profile.name);
    if (!removed)
        return cli.fail(removed.error());
    profile.schedule = Schedule();
    if (Status saved = ProfileStore().save(profile); !saved)
        return cli.fail(saved.error());
    if (cli.json())
        return cli.succeed(QJsonObject{{QStringLiteral("profile"), profile.name}, {QStringLiteral("removed"), installToJson(*removed)}});
    cli.out << ScheduleCommand::tr("%1 is no longer scheduled.").arg(profile.name) << Qt::endl;
    printInstall(cli, *removed);
    return ExitSuccess;
}

int runSchedule(const CliContext& cli)
{
    const QStringList words = cli.parser.positionalArguments();
    const QString action = words.value(1);
    if (action != u"set" && action != u"show" && action != u"remove")
        return cli.usage(ScheduleCommand::tr("schedule takes set, show or remove."));
    if (action != u"set" && words.size() > 2)
        return cli.usage(ScheduleCommand::tr("Unexpected “%1”.").arg(words[2]));
    const Result<Profile> profile = CliTarget::storedProfile(cli.parser, ScheduleCommand::tr("A schedule belongs to a stored profile: give --profile NAME."));
    if (!profile)
        return cli.usage(profile.error().message);
    if (action == u"set")
        return runSet(cli, *profile);
    if (action == u"remove")
        return runRemove(cli, *profile);
    return runShow(cli, *profile);
}

} // namespace

CliCommand ScheduleCommand::command()
{
    return {QStringLiteral("schedule"),
            tr("Run a profile's backups by themselves (a systemd user timer, or cron): set, show, remove."),
            QStringLiteral("set|show|remove"),
            [] {
                return QList<QCommandLineOption>{
                    {QStringLiteral("daily"), tr("set: every day at this time (HH:MM)."), QStringLiteral("HH:MM")},
                    {QStringLiteral("hourly"), tr("set: every hour, on the hour.")},
                    {QStringLiteral("weekly"), tr("set: every week on this day at a time: --weekly mon 03:00."), QStringLiteral("DAY")},
                    {QStringLiteral("via"), tr("set: systemd or cron (default: systemd when its user manager answers, else cron)."),
                     QStringLiteral("METHOD")},
                    {QStringLiteral("drill-every"),
                     tr("set: after the scheduled run, a restore drill of the latest backup once the last good one is this many "
                        "days old (coffre-cli drill --latest --due)."),
                     QStringLiteral("DAYS")}};
            },
            runSchedule};
}

} // namespace coffre
