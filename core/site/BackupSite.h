#pragma once

#include "BackupBrowser.h"
#include "Result.h"
#include "audit/AuditLog.h"
#include "catalog/Catalog.h"
#include "jobs/BackupJob.h"
#include "jobs/ExportJob.h"
#include "jobs/JobControl.h"
#include "jobs/RestoreJob.h"
#include "profile/Profile.h"
#include "schedule/ScheduleInstaller.h"

#include <QFuture>

#include <memory>

namespace coffre {

// Where a profile's backups live and where its jobs run: this computer (LocalSite) or a server
// reached over ssh (ServerSite). The window talks to this, never to a kind of place: another
// kind (object storage) comes in as another implementation, not as branches in the window.
// The futures run on Coffre's own pool (util/Background.h).
class BackupSite
{
public:
    virtual ~BackupSite() = default;
    static std::shared_ptr<BackupSite> forProfile(const Profile& profile);

    // What a site can do beyond the common jobs; the window offers only those actions.
    enum class Feature {
        Browse,        // open a backup's files and database objects
        ExportToFile,  // Download… saves a .zip/.tar of the backup
        ImportFile,    // Import… adds a .zip/.tar
        CopyToDesktop, // Download… copies the backup into a folder of this computer
        CleanupCopies, // before-restore copies removed from the window
        UploadFromDesktop, // Import… sends a backup folder of this computer there
    };
    virtual bool supports(Feature feature) const = 0;

    // For people: "this computer", "deploy@web1".
    virtual QString placeName() const = 0;
    // A folder whose changes mean the list changed (cron runs): empty when nothing can be watched.
    virtual QString watchedFolder() const = 0;
    // Whether jobs need the database password from this desktop (a server finds its own).
    virtual bool asksForPassword() const = 0;

    // Blocking: for a worker thread. The scan's targetProfile is the profile as the jobs see it
    // where they run (on a server, the server's own: its database, its folders).
    virtual Result<RepositoryScan> scan() const = 0;
    virtual QFuture<Result<Backup>> create(BackupRequest request, std::shared_ptr<JobControl> control) const = 0;
    // What the restore would replace there, in words (RestorePreview), before the person types OUI.
    virtual QFuture<QString> previewRestore(RestoreRequest request, QString password) const = 0;
    virtual QFuture<Result<RestoreOutcome>> restore(RestoreRequest request, std::shared_ptr<JobControl> control) const = 0;
    virtual QFuture<Result<RestoreJournal>> undo(QString password, std::shared_ptr<JobControl> control) const = 0;
    virtual QFuture<Result<bool>> remove(QStringList names, std::shared_ptr<JobControl> control) const = 0;
    // A restore killed mid-swap is put back; returns what people should read (empty: nothing).
    virtual QFuture<QString> recover(QString password) const = 0;
    // Installs (or, not set, removes) the profile's schedule where its jobs run: a timer or a
    // cron line here, `coffre-cli schedule` on a server (which keeps it in its own profile).
    virtual QFuture<Result<ScheduleInstall>> setSchedule(Schedule schedule) const = 0;
    // The repository's audit log, oldest first (History…): its file here, `coffre-cli log` on a server.
    virtual QFuture<Result<QList<AuditEntry>>> history() const = 0;
    // Browse: what the dialog reads from `backup` (a complete one).
    virtual std::shared_ptr<const BackupBrowser> browser(const Backup& backup) const = 0;
    // CopyToDesktop: the backup `name` into the local folder `folder`, every checksum verified.
    virtual QFuture<Result<Backup>> copyToDesktop(QString name, QString folder, std::shared_ptr<JobControl> control) const;
    // ExportToFile and ImportFile: a backup as one .zip/.tar, out and back in (checksums verified).
    virtual QFuture<Result<qint64>> exportToFile(ExportRequest request, std::shared_ptr<JobControl> control) const;
    virtual QFuture<Result<Backup>> importFile(QString file, std::shared_ptr<JobControl> control) const;
    // UploadFromDesktop: a complete backup of this computer into the site's repository; its name there.
    virtual QFuture<Result<QString>> upload(Backup backup, std::shared_ptr<JobControl> control) const;
};

} // namespace coffre
