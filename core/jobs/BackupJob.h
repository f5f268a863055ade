#pragma once

#include "JobControl.h"
#include "Result.h"
#include "catalog/Backup.h"
#include "profile/Profile.h"

#include <QCoreApplication>
#include <QFuture>

#include <memory>
#include <optional>

namespace coffre {

struct BackupRequest
{
    Profile profile;
    QString password;            // empty: libpq finds it (~/.pgpass, service file, PGPASSWORD)
    QString name;                // empty: backup_YYYYMMDD_HHMMSS
    QString note;
    bool includeDatabase = true;
    bool includeSources = true;
    // The objects of profile.documents (when it names a bucket), into objects/documents.tar.zst.
    bool includeDocuments = true;
    QString documentsSecret;     // the documents access key's secret, when the keychain has it
    // Set: only the objects of these keys (a restore's safety copy of what it overwrites).
    std::optional<QStringList> documentKeys;
    bool plainSql = false;       // also keep database.sql.zst, for reading by eye (seed 000)
    bool gzip = false;           // .tar.gz and pg_dump's own compression, for old tooling
    BackupKind kind = BackupKind::Manual;
    bool repositoryLocked = false; // the caller (a restore's safety copy) already holds the lock
    // Then a verified copy goes to profile.offsite; without keepLocalCopy the bundle here is
    // removed once that copy is complete (`--repository s3://…`: the backup lives off-site only).
    bool copyOffsite = false;
    bool keepLocalCopy = true;
    QString offsiteSecret; // the off-site access key's secret, when the keychain has it
};

// Creates one bundle (DESIGN.md): pg_dump of the database in a snapshot exported by libpq,
// with each table's row count taken in that same snapshot, one tar per source root, and one of
// the documents bucket's objects, all at once on worker threads, hashed as they stream, manifest
// written last. On failure or cancel
// the bundle folder is removed; a process killed outright leaves a folder without manifest,
// which the catalog lists as incomplete.
class BackupJob
{
    Q_DECLARE_TR_FUNCTIONS(BackupJob)

public:
    // Starts the job on its own threads; the future's result is the new backup.
    static QFuture<Result<Backup>> start(BackupRequest request, std::shared_ptr<JobControl> control);
    // Blocking: for a worker thread.
    static Result<Backup> run(const BackupRequest& request, JobControl& control);
};

} // namespace coffre
