#pragma once

#include "Result.h"
#include "Schedule.h"

#include <QCoreApplication>
#include <QStringList>

namespace coffre {

// What is installed for a profile's schedule, and what is left for a person to do.
struct ScheduleInstall
{
    QString method;       // "systemd", "cron", or empty: nothing installed
    QStringList files;    // the unit files written
    QString cronLine;     // the crontab line
    bool active = false;  // the timer is enabled, or the line is in the crontab
    QStringList todo;     // commands to run by hand (no systemd user manager reachable, say)
    QStringList notes;    // for people: lingering, missed runs under cron
};

// Installs a schedule as a systemd user timer (`~/.config/systemd/user/coffre-<profile>.timer`
// and `.service`, Persistent=true: a run missed while the machine was off happens at the next
// boot), or as a line of the user's crontab where systemd's user manager does not answer. The
// service runs `coffre-cli --profile P create --scheduled`, then `coffre-cli --profile P prune`
// when the backup worked. Environment overrides for tests and odd systems: COFFRE_SYSTEMCTL,
// COFFRE_CRONTAB, COFFRE_LOGINCTL (the programs); XDG_CONFIG_HOME moves the unit folder.
class ScheduleInstaller
{
    Q_DECLARE_TR_FUNCTIONS(ScheduleInstaller)

public:
    enum class Method { Auto, Systemd, Cron };
    explicit ScheduleInstaller(QString cliPath = defaultCli());

    // The coffre-cli that scheduled runs start: this one, the window's neighbour, or the PATH's.
    static QString defaultCli();

    static QString unitFolder();
    static QString unitName(const QString& profile) { return QStringLiteral("coffre-") + profile; }
    static QString cronMarker(const QString& profile) { return QStringLiteral("# coffre schedule: ") + profile; }

    QString serviceUnit(const QString& profile, const Schedule& schedule) const;
    QString timerUnit(const QString& profile, const Schedule& schedule) const;
    QString cronLine(const QString& profile, const Schedule& schedule) const;

    Result<ScheduleInstall> install(const QString& profile, const Schedule& schedule, Method method = Method::Auto) const;
    Result<ScheduleInstall> remove(const QString& profile) const;
    // What is there now, systemd's and cron's.
    ScheduleInstall installed(const QString& profile) const;

    static bool systemdUsable();
    static bool cronAvailable();

private:
    Result<ScheduleInstall> installSystemd(const QString& profile, const Schedule& schedule) const;
    Result<ScheduleInstall> installCron(const QString& profile, const Schedule& schedule) const;
    Status removeSystemd(const QString& profile, ScheduleInstall* report) const;
    Status removeCron(const QString& profile) const;
    QStringList environment() const; // NAME=value pairs the scheduled run needs (XDG_CONFIG_HOME…)

    QString m_cli;
};

} // namespace coffre
