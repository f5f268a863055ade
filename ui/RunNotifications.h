#pragma once

#include "catalog/Catalog.h"

#include <QHash>
#include <QObject>
#include <QSet>

namespace coffre {

// Which runs deserve a desktop notification from the window: a scheduled run that failed or
// warned (seen in the audit log through a scan), a new backup that looks wrong, and a job of the
// window that failed while the person looked elsewhere. The first scan of a profile only sets
// what is known: opening the window never replays old news.
class RunNotifications : public QObject
{
    Q_OBJECT

public:
    explicit RunNotifications(QObject* parent = nullptr) : QObject(parent) {}

    void scanned(const QString& profile, const RepositoryScan& scan, const QHash<QString, QStringList>& warnings);
    void jobFinished(const QString& profile, bool ok, const QString& message, bool windowActive);

signals:
    // Each notification sent (or that would have been, without a session bus): tests follow it.
    void notified(const QString& summary, const QString& body, bool critical);

private:
    void send(const QString& summary, const QString& body, bool critical);

    QString m_profile;
    QDateTime m_lastRunSeen;
    QSet<QString> m_backupsSeen;
};

} // namespace coffre
