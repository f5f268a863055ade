#pragma once

#include "BucketComparison.h"
#include "Result.h"
#include "catalog/Manifest.h"
#include "jobs/JobControl.h"
#include "s3/S3Location.h"

#include <QCoreApplication>

namespace coffre {

// Puts the objects of a bucket snapshot back: every object that is missing or changed is read
// from the bundle's archive, checked against the manifest (size, SHA-256), and PUT under its key
// (a multipart upload from a private work file for the large ones); the storage checks each
// request's MD5, and where both the backup's ETag and the new one are MD5s they must be equal.
// Unchanged objects are not sent again. Objects added since the backup are removed only when
// asked. Keys come from the manifest, never from the archive: an entry the manifest does not
// name is a damaged archive. Blocking: for a worker thread.
class BucketRestore
{
    Q_DECLARE_TR_FUNCTIONS(BucketRestore)

public:
    struct Request
    {
        ObjectsPart part;
        QString archive;           // absolute path of the part's archive (already verified)
        s3::S3Location location;   // where the objects go: the profile's documents
        QString secret;
        BucketChanges changes;     // BucketComparison's, measured just before
        bool removeAdded = false;
        QString workDir;           // private folder for an object too large to hold in memory
    };

    struct Outcome
    {
        QStringList uploaded;      // keys put back
        QStringList removed;       // keys added since the backup, removed as asked
        // Keys that were not in the bucket before, with the ETag the storage gave them: an undo
        // removes them again (unless they changed since).
        QList<std::pair<QString, QString>> created;
    };

    static Result<Outcome> run(const Request& request, JobControl& control);

    // What an undo (or a failed restore) needs to put the bucket back as it was.
    struct PutBack
    {
        QString label;
        s3::S3Location location;
        QString secret;
        QString safetyBackup;      // path of the safety bundle holding what the restore overwrote or removed; "" = none
        QList<std::pair<QString, QString>> created; // removed again when their ETag is still the one recorded ("" = any)
        QString workDir;
    };
    // Puts the safety snapshot's objects back (those that differ now) and removes the objects the
    // restore created. Returns warnings: a created object changed since is kept, and said so.
    static Result<QStringList> putBack(const PutBack& what, JobControl& control);
};

} // namespace coffre
