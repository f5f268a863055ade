#pragma once

#include "catalog/Backup.h"
#include "profile/Profile.h"

#include <QHash>
#include <QObject>

#include <functional>

class QWidget;

namespace coffre {

class JobLauncher;

// The window's side of a profile's off-site copies: their list (the cached one at once, then
// the storage's, in the background) and the jobs that copy a backup there, fetch one back
// into the local repository, or delete one there. Inactive for a profile without an off-site
// location, and for server profiles (a server's coffre-cli copies its own backups off-site).
class OffsiteCopies : public QObject
{
    Q_OBJECT

public:
    OffsiteCopies(JobLauncher* launcher, QWidget* dialogParent);

    void setProfile(const Profile& profile);
    bool active() const { return !m_profile.offsite.isEmpty() && !m_profile.isOnServer(); }
    QString placeName() const { return m_profile.offsite.url(); }
    const QList<Backup>& backups() const { return m_backups; }
    void refresh();

    void copyOffsite(const Backup& local);
    // Fetches into the profile's repository, every checksum verified; `then` runs on success.
    void fetch(const Backup& offsite, std::function<void(const Backup&)> then = {});
    void removeOffsite(const QList<Backup>& backups); // asks first
    // Without a question: the caller showed what goes (the off-site clean-up's preview).
    void removeNames(const QStringList& names, qint64 bytes);

    // The secret of an access key for this session (the profile dialog gives it).
    static void rememberSecret(const QString& accessKeyId, const QString& secret);
    static QString knownSecret(const QString& accessKeyId);

signals:
    void listed();
    void listFailed(const QString& message);

private:
    // The access key's secret: this session's, else the keychain's, else none (the environment's).
    void withSecret(const std::function<void(const QString&)>& then);

    JobLauncher* m_launcher;
    QWidget* m_dialogParent;
    Profile m_profile;
    QList<Backup> m_backups;
    int m_generation = 0; // a listing started for a profile since left is dropped
};

} // namespace coffre
