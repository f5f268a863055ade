#include "LocalSite.h"

#include "jobs/DeleteJob.h"
#include "jobs/RestorePreview.h"
#include "util/Background.h"

namespace coffre {

bool LocalSite::supports(Feature feature) const
{
    return feature != Feature::CopyToDesktop; // it is on the desktop already
}

QString LocalSite::placeName() const
{
    return tr("this computer");
}

Result<RepositoryScan> LocalSite::scan() const
{
    Result<RepositoryScan> scan = Catalog::scan(m_profile.repository);
    if (scan)
        scan.value().targetProfile = m_profile;
    return scan;
}

QFuture<Result<Backup>> LocalSite::create(BackupRequest request, std::shared_ptr<JobControl> control) const
{
    return BackupJob::start(std::move(request), std::move(control));
}

QFuture<QString> LocalSite::previewRestore(RestoreRequest request, QString password) const
{
    return runInBackground([request, password] { return RestorePreview::describe(request, password); });
}

QFuture<Result<RestoreOutcome>> LocalSite::restore(RestoreRequest request, std::shared_ptr<JobControl> control) const
{
    return RestoreJob::start(std::move(request), std::move(control));
}

QFuture<Result<RestoreJournal>> LocalSite::undo(QString password, std::shared_ptr<JobControl> control) const
{
    return runInBackground([profile = m_profile, password, control] { return RestoreJob::undo(profile, password, *control); });
}

QFuture<Result<bool>> LocalSite::remove(QStringList names, std::shared_ptr<JobControl> control) const
{
    return runInBackground([repository = m_profile.repository, names, control]() -> Result<bool> {
        const Status deleted = DeleteJob::run(repository, names, *control);
        return deleted ? Result<bool>(true) : Result<bool>(deleted.error());
    });
}

QFuture<QString> LocalSite::recover(QString password) const
{
    return runInBackground([profile = m_profile, password] { return RestoreJob::recover(profile, password); });
}

} // namespace coffre
