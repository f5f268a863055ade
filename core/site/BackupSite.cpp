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

QFuture<Result<qint64>> BackupSite::exportToFile(ExportRequest, std::shared_ptr<JobControl>) const
{
    return runInBackground([]() -> Result<qint64> {
        return Error{QCoreApplication::translate("BackupSite", "Download copies this backup into a folder of this computer."), {}};
    });
}

QFuture<Result<Backup>> BackupSite::importFile(QString, std::shared_ptr<JobControl>) const
{
    return runInBackground([]() -> Result<Backup> {
        return Error{QCoreApplication::translate("BackupSite", "Import sends a backup folder of this computer."), {}};
    });
}

} // namespace coffre
