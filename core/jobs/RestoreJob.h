#pragma once

#include "JobControl.h"
#include "Result.h"
#include "RestoreJournal.h"
#include "catalog/Backup.h"
#include "profile/Profile.h"

#include <QCoreApplication>
#include <QFuture>

#include <memory>
#include <optional>

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
    // The label of the bucket snapshot to put back into profile.documents ("documents"); empty: none.
    QString bucket;
    // Objects added to the bucket since the backup are listed, and removed only when this is set.
    bool removeNewObjects = false;
    QString documentsSecret;    // the documents access key's secret, when the keychain has it
};

// What a restore did to the documents bucket.
struct BucketRestoreSummary
{
    QString location;           // "s3://bucket/prefix"
    QStringList putBack;        // keys uploaded again (missing or changed)
    qint64 unchanged = 0;       // the same already: not sent
    QStringList added;          // in the bucket, not in the backup
    bool addedRemoved = false;  // ...and removed, as asked
    QString safetyBackup;       // name of the backup holding what was overwritten or removed; "" = nothing was
};

struct RestoreOutcome
{
    RestoreJournal journal;     // what was swapped, for Undo
    QString databaseInspection; // with asDatabase: the new database
    QStringList warnings;       // post-restore commands that failed, settings not restored, for people to see
    QString safetyBackup;       // restored in place (no CREATEDB): the backup made of the database first
    std::optional<BucketRestoreSummary> bucket;
};

// Restores a backup without ever leaving a mix (DESIGN.md, issue 4): every checksum first; the
// database restored into a new database with parallel pg_restore and checked against the
// manifest's row counts; each source tree extracted (securely) into a staging folder beside its
// target. Only then, in a few renames, the new state takes the old one's place, and the old one
// is kept as `<db>_before_restore_<stamp>` and `<dir>.before_restore_<stamp>`. Any failure before
// that leaves the targets untouched and removes what was staged.
// A bucket cannot be renamed: just before the swap, the objects it would overwrite or remove are
// saved in a safety backup (`safety_before_restore_<stamp>_documents`), then the backup's objects
// are put back one by one; a failure there or in the swap puts that copy back, and so does Undo.
class RestoreJob
{
    Q_DECLARE_TR_FUNCTIONS(RestoreJob)

public:
    static QFuture<Result<RestoreOutcome>> start(RestoreRequest request, std::shared_ptr<JobControl> control);
    static Result<RestoreOutcome> run(const RestoreRequest& request, JobControl& control);
    // The patterns whose matches in the current folders stay (backups leave them out), for the confirmation.
    static QStringList keptFromCurrent(const RestoreRequest& request);

    // Undo the last restore of this profile's repository: swap the before_restore copies back.
    // `documentsSecret`: for a restore that changed the documents bucket, when the keychain holds its secret.
    static Result<RestoreJournal> undo(const Profile& profile, const QString& password, JobControl& control,
                                       const QString& documentsSecret = {});
    // A restore killed mid-swap leaves its journal: put the old state back and clean up.
    // Returns what was done, in words, or nothing when there was nothing to do.
    static QString recover(const Profile& profile, const QString& password);

private:
    static Result<RestoreJournal> undoLast(const Profile& profile, const QString& password, JobControl& control,
                                           const QString& documentsSecret);
};

} // namespace coffre
