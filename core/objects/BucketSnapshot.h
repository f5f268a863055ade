#pragma once

#include "Result.h"
#include "archive/CompressedFileWriter.h"
#include "catalog/Manifest.h"
#include "jobs/JobControl.h"
#include "s3/S3Client.h"
#include "s3/S3Location.h"

#include <QCoreApplication>

#include <functional>
#include <optional>

namespace coffre {

// The objects under a location, listed once: what a snapshot archives, and the bytes it will count.
struct BucketListing
{
    s3::S3Location location;
    s3::S3Endpoint endpoint;
    QList<s3::ObjectInfo> objects; // in the storage's order (by key)
    qint64 bytes = 0;
};

// A bucket's objects into a bundle (seed 004's MinIO of uploaded documents): every object under
// "<prefix>/" streamed from the storage into a POSIX pax tar, through a CompressedFileWriter as
// the sources are; never a whole object in memory. Names in the archive follow ObjectKeys; the
// part returned lists each object's key, size, ETag and SHA-256 for the manifest.
// Blocking: for a worker thread (each call makes its own S3 client in the calling thread).
class BucketSnapshot
{
    Q_DECLARE_TR_FUNCTIONS(BucketSnapshot)

public:
    using StopCheck = std::function<bool()>;

    // The objects under the location's prefix; with `onlyKeys`, only those of these keys that exist.
    static Result<BucketListing> list(const s3::S3Location& location, const QString& secret, JobControl& control,
                                      const std::optional<QStringList>& onlyKeys = std::nullopt);

    // Archives the listed objects into `out` (opened). An object deleted since the listing is left
    // out and named in `vanished`; one that changed (other size, other MD5) fails the snapshot.
    static Result<ObjectsPart> write(const BucketListing& listing, const QString& label, CompressedFileWriter& out,
                                     JobControl& control, const StopCheck& stop);

    // The control as the S3 client wants it, owned by the caller: the job outlives the client.
    static std::shared_ptr<JobControl> unowned(JobControl& control)
    {
        return std::shared_ptr<JobControl>(std::shared_ptr<JobControl>(), &control);
    }
};

} // namespace coffre
