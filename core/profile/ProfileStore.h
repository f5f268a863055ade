#pragma once

#include "Profile.h"
#include "Result.h"

#include <QCoreApplication>
#include <QJsonObject>

namespace coffre {

// Profiles as one JSON file each in <config>/profiles/ (QStandardPaths' AppConfigLocation),
// 0600. The files never hold a password: there is no field for one.
class ProfileStore
{
    Q_DECLARE_TR_FUNCTIONS(ProfileStore)

public:
    explicit ProfileStore(QString folder = defaultFolder());

    static QString defaultFolder();
    QString folder() const { return m_folder; }

    QStringList names() const;
    Result<Profile> load(const QString& name) const;
    Status save(const Profile& profile) const;
    Status remove(const QString& name) const;

    static QJsonObject toJson(const Profile& profile);
    static Result<Profile> fromJson(const QJsonObject& object);
    static Status validate(const Profile& profile);
    // A backup folder inside a source folder would back up the backups: refused at save and at create.
    static Status checkRepositoryOutsideSources(const Profile& profile);
    static Status validateServer(const SshDestination& server);

private:
    QString pathOf(const QString& name) const;
    QString m_folder;
};

} // namespace coffre
