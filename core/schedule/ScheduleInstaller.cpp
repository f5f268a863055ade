#include "ScheduleInstaller.h"

#include "remote/SshDestination.h"
#include "util/AtomicFile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>

#include <pwd.h>
#include <unistd.h>

namespace coffre {
namespace {

struct ToolRun
{
    bool started = false;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    bool ok() const { return started && exitCode == 0; }
    QString why() const { return QString::fromLocal8Bit(err).trimmed(); }
};

// The program an environment variable names (a path or a name), or the one on the PATH.
QString tool(const char* variable, const QString& name)
{
    const QString given = qEnvironmentVariable(variable);
    if (given.contains(u'/'))
        return QFileInfo(given).isExecutable() ? given : QString();
    return QStandardPaths::findExecutable(given.isEmpty() ? name : given);
}

ToolRun runTool(const QString& program, const QStringList& arguments, const QByteArray& input = {}, int timeoutMs = 20000)
{
    ToolRun run;
    if (program.isEmpty())
        return run;
    QProcess process;
    process.start(program, arguments);
    if (!process.waitForStarted(5000))
        return run;
    run.started = true;
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(2000);
        run.err = "timed out";
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

QString systemctl() { return tool("COFFRE_SYSTEMCTL", QStringLiteral("systemctl")); }
QString crontab() { return tool("COFFRE_CRONTAB", QStringLiteral("crontab")); }
QString loginctl() { return tool("COFFRE_LOGINCTL", QStringLiteral("loginctl")); }

// One word of an ExecStart= or Environment= line: quoted when needed; % and $ are systemd's own.
QString unitWord(const QString& word)
{
    QString escaped = word;
    escaped.replace(u'%', QStringLiteral("%%")).replace(u'$', QStringLiteral("$$"));
    static const QRegularExpression safe(QRegularExpression::anchoredPattern(QStringLiteral("[A-Za-z0-9_./=:@%$+,-]+")));
    if (safe.match(escaped).hasMatch())
        return escaped;
    escaped.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""));
    return u'"' + escaped + u'"';
}

QString userName()
{
    const passwd* entry = ::getpwuid(::geteuid());
    return entry ? QString::fromLocal8Bit(entry->pw_name) : qEnvironmentVariable("USER");
}

Result<QStringList> crontabLines()
{
    const ToolRun listed = runTool(crontab(), {QStringLiteral("-l")});
    if (!listed.started)
        return Error{ScheduleInstaller::tr("crontab could not be run."), {}};
    if (!listed.ok()) {
        if (listed.err.contains("no crontab"))
            return QStringList();
        return Error{ScheduleInstaller::tr("The crontab could not be read."), listed.why()};
    }
    QStringList lines = QString::fromLocal8Bit(listed.out).split(u'\n');
    while (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

Status writeCrontab(const QStringList& lines)
{
    const QByteArray text = lines.isEmpty() ? QByteArray() : (lines.join(u'\n') + u'\n').toLocal8Bit();
    const ToolRun written = runTool(crontab(), {QStringLiteral("-")}, text);
    if (!written.ok())
        return Error{ScheduleInstaller::tr("The crontab could not be written."), written.why()};
    return {};
}

QStringList withoutMarked(const QStringList& lines, const QString& marker)
{
    QStringList kept;
    for (const QString& line : lines)
        if (!line.trimmed().endsWith(marker))
            kept << line;
    return kept;
}

} // namespace

ScheduleInstaller::ScheduleInstaller(QString cliPath) : m_cli(std::move(cliPath)) {}

QString ScheduleInstaller::defaultCli()
{
    const QString self = QCoreApplication::applicationFilePath();
    if (QFileInfo(self).fileName() == u"coffre-cli")
        return self;
    if (const QString sibling = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("coffre-cli"));
        QFileInfo(sibling).isExecutable())
        return sibling;
    const QString onPath = QStandardPaths::findExecutable(QStringLiteral("coffre-cli"));
    return onPath.isEmpty() ? QStringLiteral("/usr/bin/coffre-cli") : onPath;
}

QString ScheduleInstaller::unitFolder()
{
    // XDG_CONFIG_HOME, else ~/.config: where systemd's user manager reads units too.
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)).filePath(QStringLiteral("systemd/user"));
}

bool ScheduleInstaller::systemdUsable()
{
    return runTool(systemctl(), {QStringLiteral("--user"), QStringLiteral("show-environment")}, {}, 10000).ok();
}

bool ScheduleInstaller::cronAvailable()
{
    return !crontab().isEmpty();
}

QStringList ScheduleInstaller::environment() const
{
    // The scheduled run must find the profile where this coffre-cli found it.
    QStringList pairs;
    for (const char* name : {"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"}) {
        if (const QString value = qEnvironmentVariable(name); !value.isEmpty())
            pairs << QStringLiteral("%1=%2").arg(QLatin1String(name), value);
    }
    return pairs;
}

QString ScheduleInstaller::serviceUnit(const QString& profile, const Schedule& schedule) const
{
    QString text = tr("# Written by coffre-cli; `coffre-cli --profile %1 schedule remove` removes it.\n").arg(profile);
    text += QStringLiteral("[Unit]\nDescription=%1\n\n[Service]\nType=oneshot\n")
                .arg(tr("Coffre: scheduled backup of the profile %1").arg(profile));
    for (const QString& pair : environment())
        text += QStringLiteral("Environment=%1\n").arg(unitWord(pair));
    const QString cli = unitWord(m_cli);
    // Two ExecStart= of a oneshot run in turn, the second only when the first worked: retention
    // never runs after a failed backup.
    text += QStringLiteral("ExecStart=%1 --profile %2 create --scheduled\n").arg(cli, unitWord(profile));
    text += QStringLiteral("ExecStart=%1 --profile %2 prune\n").arg(cli, unitWord(profile));
    if (schedule.drillDays > 0) // it runs only when the last good drill is that old
        text += QStringLiteral("ExecStart=%1 --profile %2 drill --latest --due\n").arg(cli, unitWord(profile));
    text += QStringLiteral("Nice=10\nIOSchedulingClass=best-effort\nIOSchedulingPriority=7\n");
    return text;
}

QString ScheduleInstaller::timerUnit(const QString& profile, const Schedule& schedule) const
{
    return tr("# Written by coffre-cli; `coffre-cli --profile %1 schedule remove` removes it.\n").arg(profile) +
           QStringLiteral("[Unit]\nDescription=%1\n\n[Timer]\nOnCalendar=%2\nPersistent=true\nUnit=%3.service\n\n"
                          "[Install]\nWantedBy=timers.target\n")
               .arg(tr("Coffre: when the profile %1 is backed up (%2)").arg(profile, schedule.describe()), schedule.onCalendar(),
                    unitName(profile));
}

QString ScheduleInstaller::cronLine(const QString& profile, const Schedule& schedule) const
{
    QString command;
    for (const QString& pair : environment()) {
        const QString name = pair.section(u'=', 0, 0);
        command += QStringLiteral("export %1=%2; ").arg(name, SshDestination::shellQuote(pair.section(u'=', 1)));
    }
    const QString cli = SshDestination::shellQuote(m_cli);
    const QString name = SshDestination::shellQuote(profile);
    command += QStringLiteral("%1 --profile %2 create --scheduled && %1 --profile %2 prune").arg(cli, name);
    if (schedule.drillDays > 0)
        command += QStringLiteral(" && %1 --profile %2 drill --latest --due").arg(cli, name);
    command.replace(u'%', QStringLiteral("\\%")); // cron makes a bare % a line break
    return QStringLiteral("%1 %2 %3").arg(schedule.cronFields(), command, cronMarker(profile));
}

Result<ScheduleInstall> ScheduleInstaller::install(const QString& profile, const Schedule& schedule, Method method) const
{
    if (!schedule.isSet())
        return remove(profile);
    if (method == Method::Auto)
        method = systemdUsable() || !cronAvailable() ? Method::Systemd : Method::Cron;
    // One way at a time: a profile scheduled twice would back up twice.
    if (method == Method::Systemd) {
        if (cronAvailable()) {
            if (Status removed = removeCron(profile); !removed)
                return removed.error();
        }
        return installSystemd(profile, schedule);
    }
    ScheduleInstall ignored;
    if (Status removed = removeSystemd(profile, &ignored); !removed)
        return removed.error();
    return installCron(profile, schedule);
}

Result<ScheduleInstall> ScheduleInstaller::installSystemd(const QString& profile, const Schedule& schedule) const
{
    ScheduleInstall report;
    report.method = QStringLiteral("systemd");
    const QString folder = unitFolder();
    if (!QDir().mkpath(folder))
        return Error{tr("The folder %1 cannot be created.").arg(folder), {}};
    const QString service = QDir(folder).filePath(unitName(profile) + QStringLiteral(".service"));
    const QString timer = QDir(folder).filePath(unitName(profile) + QStringLiteral(".timer"));
    const auto readable = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther;
    if (Status written = AtomicFile::write(service, serviceUnit(profile, schedule).toUtf8(), readable); !written)
        return written.error();
    if (Status written = AtomicFile::write(timer, timerUnit(profile, schedule).toUtf8(), readable); !written)
        return written.error();
    report.files = {timer, service};
    const QString enable = QStringLiteral("systemctl --user daemon-reload && systemctl --user enable --now %1.timer").arg(unitName(profile));
    if (!systemdUsable()) {
        report.todo << enable;
        report.notes << tr("systemd's user manager did not answer (no login session?): the timer is written but not "
                           "enabled yet.");
        if (!cronAvailable())
            report.notes << tr("There is no crontab program either (install cron to schedule without systemd).");
        return report;
    }
    const ToolRun reload = runTool(systemctl(), {QStringLiteral("--user"), QStringLiteral("daemon-reload")});
    const ToolRun enabled = reload.ok() ? runTool(systemctl(), {QStringLiteral("--user"), QStringLiteral("enable"), QStringLiteral("--now"),
                                                               unitName(profile) + QStringLiteral(".timer")})
                                        : reload;
    if (!enabled.ok()) {
        report.todo << enable;
        report.notes << tr("systemctl refused: %1").arg(enabled.why());
        return report;
    }
    report.active = true;
    // Without lingering, a user's timers stop at logout: a server's backups would run only while
    // someone is logged in.
    const ToolRun linger = runTool(loginctl(), {QStringLiteral("show-user"), userName(), QStringLiteral("--property=Linger"),
                                                QStringLiteral("--value")});
    if (linger.ok() && linger.out.trimmed() == "no")
        report.notes << tr("Your timers run only while you are logged in: `loginctl enable-linger %1` (as root, or with "
                           "sudo) lets them run at any time.").arg(userName());
    return report;
}

Result<ScheduleInstall> ScheduleInstaller::installCron(const QString& profile, const Schedule& schedule) const
{
    if (!cronAvailable())
        return Error{tr("There is no crontab program: install cron, or use systemd (--via systemd)."), {}};
    const Result<QStringList> lines = crontabLines();
    if (!lines)
        return lines.error();
    ScheduleInstall report;
    report.method = QStringLiteral("cron");
    report.cronLine = cronLine(profile, schedule);
    if (Status written = writeCrontab(withoutMarked(*lines, cronMarker(profile)) << report.cronLine); !written)
        return written.error();
    report.active = true;
    report.notes << tr("cron does not catch up a run missed while the machine was off; a systemd timer does.");
    return report;
}

Status ScheduleInstaller::removeSystemd(const QString& profile, ScheduleInstall* report) const
{
    const QString folder = unitFolder();
    const QString timer = QDir(folder).filePath(unitName(profile) + QStringLiteral(".timer"));
    const QString service = QDir(folder).filePath(unitName(profile) + QStringLiteral(".service"));
    if (!QFileInfo::exists(timer) && !QFileInfo::exists(service))
        return {};
    const bool systemd = systemdUsable();
    if (systemd)
        runTool(systemctl(), {QStringLiteral("--user"), QStringLiteral("disable"), QStringLiteral("--now"), unitName(profile) + QStringLiteral(".timer")});
    for (const QString& file : {timer, service}) {
        if (QFileInfo::exists(file) && !QFile::remove(file))
            return Error{tr("%1 cannot be removed.").arg(file), {}};
        report->files << file;
    }
    if (systemd)
        runTool(systemctl(), {QStringLiteral("--user"), QStringLiteral("daemon-reload")});
    else
        report->todo << QStringLiteral("systemctl --user disable %1.timer; systemctl --user daemon-reload").arg(unitName(profile));
    return {};
}

Status ScheduleInstaller::removeCron(const QString& profile) const
{
    const Result<QStringList> lines = crontabLines();
    if (!lines)
        return lines.error();
    const QStringList kept = withoutMarked(*lines, cronMarker(profile));
    if (kept.size() == lines->size())
        return {};
    return writeCrontab(kept);
}

Result<ScheduleInstall> ScheduleInstaller::remove(const QString& profile) const
{
    ScheduleInstall report;
    if (Status removed = removeSystemd(profile, &report); !removed)
        return removed.error();
    if (cronAvailable()) {
        if (Status removed = removeCron(profile); !removed)
            return removed.error();
    }
    return report;
}

ScheduleInstall ScheduleInstaller::installed(const QString& profile) const
{
    ScheduleInstall state;
    const QString timer = QDir(unitFolder()).filePath(unitName(profile) + QStringLiteral(".timer"));
    if (QFileInfo::exists(timer)) {
        state.method = QStringLiteral("systemd");
        state.files << timer << QDir(unitFolder()).filePath(unitName(profile) + QStringLiteral(".service"));
        state.active = runTool(systemctl(), {QStringLiteral("--user"), QStringLiteral("is-enabled"), QStringLiteral("--quiet"),
                                             unitName(profile) + QStringLiteral(".timer")}, {}, 10000).ok();
        if (!state.active)
            state.todo << QStringLiteral("systemctl --user daemon-reload && systemctl --user enable --now %1.timer").arg(unitName(profile));
        return state;
    }
    if (!cronAvailable())
        return state;
    if (const Result<QStringList> lines = crontabLines()) {
        for (const QString& line : *lines) {
            if (line.trimmed().endsWith(cronMarker(profile))) {
                state.method = QStringLiteral("cron");
                state.cronLine = line;
                state.active = true;
            }
        }
    }
    return state;
}

} // namespace coffre
