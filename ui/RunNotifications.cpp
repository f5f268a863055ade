#include "RunNotifications.h"

#include "DesktopNotifier.h"

namespace coffre {

void RunNotifications::send(const QString& summary, const QString& body, bool critical)
{
    DesktopNotifier::notify(summary, body, critical ? DesktopNotifier::Urgency::Critical : DesktopNotifier::Urgency::Normal);
    emit notified(summary, body, critical);
}

void RunNotifications::scanned(const QString& profile, const RepositoryScan& scan, const QHash<QString, QStringList>& warnings)
{
    const bool known = profile == m_profile;
    QSet<QString> names;
    for (const Backup& backup : scan.backups)
        names.insert(backup.name);
    const QDateTime lastRun = scan.lastScheduledRun ? scan.lastScheduledRun->time : QDateTime();
    QString toldAbout; // the backup a scheduled run's notification named already
    if (known && scan.lastScheduledRun && lastRun > m_lastRunSeen) {
        const AuditEntry& run = *scan.lastScheduledRun;
        const NotifySettings& notify = scan.targetProfile.notify;
        if (!run.ok())
            send(tr("Scheduled backup of %1 failed").arg(profile), run.message, true);
        else if (!run.message.isEmpty() || !warnings.value(run.backup).isEmpty())
            send(tr("Scheduled backup of %1 made, with warnings").arg(profile),
                 run.message.isEmpty() ? warnings.value(run.backup).join(u'\n') : run.message, false);
        else if (notify.onSuccess)
            send(tr("Scheduled backup of %1 made").arg(profile), run.backup, false);
        toldAbout = run.backup;
    }
    if (known) {
        for (const QString& name : names) {
            if (!m_backupsSeen.contains(name) && name != toldAbout && warnings.contains(name))
                send(tr("Backup %1 of %2 looks wrong").arg(name, profile), warnings.value(name).join(u'\n'), false);
        }
    }
    m_profile = profile;
    m_lastRunSeen = lastRun;
    m_backupsSeen = names;
}

void RunNotifications::jobFinished(const QString& profile, bool ok, const QString& message, bool windowActive)
{
    if (!ok && !windowActive)
        send(tr("Coffre: a job of %1 failed").arg(profile), message, true);
}

} // namespace coffre
