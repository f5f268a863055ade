#include "LocalSite.h"

#include "browse/SelectionExtractor.h"
#include "jobs/DeleteJob.h"
#include "jobs/ImportJob.h"
#include "jobs/RestorePreview.h"
#include "util/Background.h"

namespace coffre {
namespace {

// The bundle's own files, read in place.
class LocalBrowser : public BackupBrowser
{
public:
    LocalBrowser(Backup backup, QList<SourceRoot> roots, s3::S3Location documents)
        : m_backup(std::move(backup)), m_roots(std::move(roots)), m_documents(std::move(documents))
    {
    }
    Result<FileTree> files(JobControl& control) const override { return BackupFiles::load(m_backup, control); }
    Result<FilePreview> preview(const QString& path) const override { return BackupFiles::preview(m_backup, path); }
    Result<QList<DumpObject>> databaseObjects(JobControl& control) const override { return DumpContents::list(m_backup, control); }
    Result<TreeChanges> compare(JobControl& control) const override
    {
        return TreeComparison::run(m_backup, m_roots, control, m_documents);
    }
    bool canExtract() const override { return true; }
    Result<QStringList> extract(const QStringList& paths, const QString& folder, JobControl& control) const override
    {
        return SelectionExtractor::run(m_backup, paths, folder, control);
    }

private:
    Backup m_backup;
    QList<SourceRoot> m_roots;
    s3::S3Location m_documents;
};

} // namespace

std::shared_ptr<const BackupBrowser> LocalSite::browser(const Backup& backup) const
{
    return std::make_shared<LocalBrowser>(backup, m_profile.sources, m_profile.documents);
}

bool LocalSite::supports(Feature feature) const
{
    // It is on the desktop already.
    return feature != Feature::CopyToDesktop && feature != Feature::UploadFromDesktop;
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

QFuture<Result<ScheduleInstall>> LocalSite::setSchedule(Schedule schedule) const
{
    return runInBackground([name = m_profile.name, schedule] { return ScheduleInstaller().install(name, schedule); });
}

QFuture<Result<QList<AuditEntry>>> LocalSite::history() const
{
    return runInBackground([repository = m_profile.repository] { return AuditLog::read(repository); });
}

QFuture<QString> LocalSite::recover(QString password) const
{
    return runInBackground([profile = m_profile, password] { return RestoreJob::recover(profile, password); });
}

QFuture<Result<qint64>> LocalSite::exportToFile(ExportRequest request, std::shared_ptr<JobControl> control) const
{
    return ExportJob::start(std::move(request), std::move(control));
}

QFuture<Result<Backup>> LocalSite::importFile(QString file, std::shared_ptr<JobControl> control) const
{
    return ImportJob::start(m_profile.repository, std::move(file), std::move(control));
}

} // namespace coffre
