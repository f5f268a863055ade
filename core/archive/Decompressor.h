#pragma once

#include "Result.h"
#include "jobs/JobControl.h"

#include <QCoreApplication>

#include <functional>

namespace coffre {

// Turns a .zst or .gz bundle file back into plain bytes: into a file (pg_restore --jobs needs one
// it can seek in), or into a sink as they come (a pipe to pg_restore --list). A file with another
// extension is passed through as it is. Progress counts the compressed bytes read.
class Decompressor
{
    Q_DECLARE_TR_FUNCTIONS(Decompressor)

public:
    // Returns an error to stop; `Stop` (a sink's plain "enough") ends the stream without error.
    using Sink = std::function<Status(const char* data, qint64 size)>;
    static Error stopRequest() { return Error{{}, {}, QStringLiteral("stop")}; }

    static Status toSink(const QString& source, JobControl& control, const Sink& sink);
    // `onPlainBytes`, when given, sees every decompressed byte in order (to index it on the way).
    static Status toFile(const QString& source, const QString& destination, JobControl& control,
                         const std::function<void(const char*, qint64)>& onPlainBytes = {});
};

} // namespace coffre
