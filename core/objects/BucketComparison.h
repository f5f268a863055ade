#pragma once

#include "Result.h"
#include "catalog/Manifest.h"
#include "jobs/JobControl.h"
#include "s3/S3Client.h"
#include "s3/S3Location.h"

#include <QCoreApplication>

namespace coffre {

// A bucket snapshot against the bucket as it is now: what a restore would put back and what it
// would find that the backup does not have. Objects are matched by their key under the prefix,
// so a snapshot compares with the profile's bucket even if its prefix moved.
struct BucketChanges
{
    QList<qsizetype> missing;       // indexes into the part's objects: gone from the bucket
    QList<qsizetype> changed;       // there, with other bytes (size, then ETag or SHA-256)
    qint64 unchanged = 0;
    QList<s3::ObjectInfo> added;    // in the bucket now, not in the backup (their current keys)

    bool isEmpty() const { return missing.isEmpty() && changed.isEmpty() && added.isEmpty(); }
    // The bytes a restore uploads: the missing and changed objects.
    qint64 bytesToUpload(const ObjectsPart& part) const;
};

class BucketComparison
{
    Q_DECLARE_TR_FUNCTIONS(BucketComparison)

public:
    // Same size and ETag: unchanged. Two ETags that are both MD5s and differ: changed. Otherwise
    // (a multipart upload's "…-N", a restored copy uploaded in other parts) the object is read and
    // its SHA-256 compared with the one the backup recorded, as a file of the same size and another
    // time is read by TreeComparison. Blocking: for a worker thread.
    static Result<BucketChanges> run(const ObjectsPart& part, const s3::S3Location& location, const QString& secret,
                                     JobControl& control);

    // Where an object of the snapshot lives in `location`: its key under the prefix, under the
    // location's prefix ("" or "uploads/shop").
    static QString targetKey(const ObjectsPart& part, const StoredObject& object, const s3::S3Location& location);
};

} // namespace coffre
