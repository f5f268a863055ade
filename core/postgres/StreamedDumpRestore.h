#pragma once

#include "DumpToc.h"
#include "Result.h"
#include "catalog/Manifest.h"
#include "jobs/JobControl.h"
#include "profile/DatabaseTarget.h"

#include <QCoreApplication>

#include <functional>

namespace coffre {

// Restores a bundle's compressed custom-format dump (database.dump.zst) into a new, empty
// database without ever writing the plain dump to disk (DECISIONS 69):
//   1. pg_restore --section=pre-data, from a copy of the dump's header and TOC alone;
//   2. the data: `jobs` connections, each with its own decompressor reading the bundle from the
//      start; a block goes to the first that reaches it, the others read past it (decompressing
//      is ten times faster than COPY); the first decompressor also hashes the file; a connection
//      left with nothing to load shares the largest table still loading (TableTails);
//   3. the checksum compared with the manifest (on any failure too: a damaged file is named as
//      such); sequences set;
//   4. pg_restore --section=post-data --jobs (indexes, constraints, triggers) from the same TOC.
class StreamedDumpRestore
{
    Q_DECLARE_TR_FUNCTIONS(StreamedDumpRestore)

public:
    // The dump's header and TOC, read from the start of the compressed file.
    static Result<DumpToc> readToc(const QString& compressedDump);
    // Why this dump cannot be streamed (then it is decompressed for pg_restore as before), or empty.
    static QString whyNotStreamable(const DumpToc& toc);

    struct Request
    {
        QString bundle;      // the bundle's folder
        BundleFile entry;    // its .zst dump, with its size and SHA-256 in the manifest
        DumpToc toc;         // from readToc
        QString workDir;     // where the copy of the TOC goes (a few kilobytes to megabytes)
        DatabaseTarget target; // the new database
        QString password;
        int jobs = 2;
        // A connection that has loaded all it could takes the second half of what remains of a
        // large table when that half holds at least this many bytes (TableTails); 0: never.
        qint64 tailBytes = 32 * 1024 * 1024;
        // Runs pg_restore on `archive` with these extra arguments (the caller knows the tool, the
        // connection and the owner options).
        std::function<Status(const QString& archive, const QStringList& extra)> pgRestore;
        // Called about five times a second while the data loads (progress).
        std::function<void()> tick;
        // Asked as often: true when the rest of the restore failed, and loading on is pointless.
        std::function<bool()> abandoned;
    };
    // Errors: a pg_restore failure keeps ErrorCode from the caller's function; a damaged file
    // says so (checksum); a COPY refused names its table.
    static Status run(const Request& request, JobControl& control);
};

} // namespace coffre
