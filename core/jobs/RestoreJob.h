#pragma once

#include "JobControl.h"
#include "Result.h"
#include "RestoreJournal.h"
#include "catalog/Backup.h"
#include "profile/Profile.h"

#include <QCoreApplication>
#include <QFuture>

#include <memory>

namespace coffre {

struct RestoreRequest
{
    // What a person types to confirm a restore (seed 000's word): the window and the CLI both ask for it.
    static inline const QString Confirmation = QStringLiteral("OUI");

    Profile profile;
    QString password;
    Backup backup;
    bool database = true;
    QStringList sources;        // labels of the roots to restore; empty: none
    QString asDatabase;         // restore the database under this new name instead, for inspection
};

struct RestoreOutcome
{
    RestoreJournal journal;     // what was swapped, for Undo
    QString databaseInspection; // with asDatabase: the new database
    QStringList warnings;       // post-restore commands that failed, settings not restored, for people to see
    QString safetyBackup;       // restored in place (no CREATEDB): the backup made of the database first
};

// Restores a backup without ever leaving a mix (DESIGN.md, issue 4): every checksum first; the
// database restored into a new database with parallel pg_restore and checked against the
// manifest's row counts; each source tree extracted (securely) into a staging folder beside its
// target. Only then, in a few renames, the new state takes the old one's place, and the old one
// is kept as `<db>_before_restore_<stamp>` and `<dir>.before_restore_<stamp>`. Any failure before
// that leaves the targets untouched and removes what was staged.
class RestoreJob
{
    Q_DECLARE_TR_FUNCTIONS(RestoreJob)

public:
    static QFuture<Result<RestoreOutcome>> start(RestoreRequest request, std::shared_ptr<JobControl> control);
    static Result<RestoreOutcome> run(const RestoreRequest& request, JobControl& control);
    // The patterns whose matches in the current folders stay (backups leave them out), for the confirmation.
    static QStringList keptFromCurrent(const RestoreRequest& request);

    // Undo the last restore of this profile's repository: swap the before_restore copies back.
    static Result<RestoreJournal> undo(const Profile& profile, const QString& password, JobControl& control);
    // A restore killed mid-swap leaves its journal: put the old state back and clean up.
    // Returns what was done, in words, or nothing when there was nothing to do.
    static QString recover(const Profile& profile, const QString& password);

private:
    static Result<RestoreJournal> undoLast(const Profile& profile, const QString& password, JobControl& control);
};

} // namespace coffre
