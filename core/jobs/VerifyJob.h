#pragma once

#include "JobControl.h"
#include "Result.h"
#include "catalog/Backup.h"

#include <QCoreApplication>

#include <functional>

namespace coffre {

// Reads every file of a bundle and checks its size and SHA-256 against the manifest. Nothing
// is restored from a bundle that has not passed this.
class VerifyJob
{
    Q_DECLARE_TR_FUNCTIONS(VerifyJob)

public:
    static Status run(const Backup& backup, JobControl& control);

    // Reads one file of a bundle to its end, hashing it and counting progress; `onChunk` (when
    // given) sees each chunk as it goes by (an export writes it out). Returns the SHA-256 in hex,
    // or the first error (a canceled read has ErrorCode::Canceled).
    // Reads each file whole and compares it with the manifest (logging each one that matches);
    // the first difference, or read error, is the result.
    static Status checkFiles(const QString& bundle, const QList<BundleFile>& files, JobControl& control);
    // A file's SHA-256, as read, against the manifest: the "damaged" error when they differ.
    static Status compare(const BundleFile& entry, const QString& sha256);
    // A file's size on disk against the manifest, the same way.
    static Status compareSize(const BundleFile& entry, qint64 size);

    // A failure while reading these files (a COPY of garbage, a frame that does not decompress) is
    // said to be their damage when a checksum differs: they are hashed whole to tell.
    static Error damageOr(const Error& failure, const QString& bundle, const QList<BundleFile>& files, JobControl& control);

    using ChunkSink = std::function<Status(const char* data, qint64 size)>;
    static Result<QString> readHashed(const QString& bundle, const BundleFile& entry, JobControl& control,
                                      const ChunkSink& onChunk = {});
    // The same read, unhashed (returns nothing useful): for a stream whose reader checks every checksum.
    static Result<QString> readOnly(const QString& bundle, const BundleFile& entry, JobControl& control, const ChunkSink& onChunk);

private:
    static Result<QString> read(const QString& bundle, const BundleFile& entry, JobControl& control, const ChunkSink& onChunk,
                                bool hashed);
};

} // namespace coffre
