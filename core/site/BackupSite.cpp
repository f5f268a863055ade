#include "BackupSite.h"

#include "LocalSite.h"
#include "ServerSite.h"
#include "util/Background.h"

#include <QCoreApplication>

namespace coffre {

std::shared_ptr<BackupSite> BackupSite::forProfile(const Profile& profile)
{
    if (profile.isOnServer())
        return std::make_shared<ServerSite>(profile.server);
    return std::make_shared<LocalSite>(profile);
}

QFuture<Result<Backup>> BackupSite::copyToDesktop(QString, QString, std::shared_ptr<JobControl>) const
{
    return runInBackground([]() -> Result<Backup> {
        return Error{QCoreApplication::translate("BackupSite", "These backups are on this computer already."), {}};
    });
}

} // namespace coffre

namespace coffre {

QFuture<Result<QString>> BackupSite::upload(Backup, std::shared_ptr<JobControl>) const
{
    return runInBackground([]() -> Result<QString> {
        return Error{QCoreApplication::translate("BackupSite", "These backups are on this computer already."), {}};
    });
}

} // namespace coffre
