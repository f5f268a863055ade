#pragma once

#include "Result.h"
#include "jobs/JobControl.h"

#include <QCoreApplication>

#include <functional>

namespace coffre {

// Turns a .zst or .gz bundle file back into a plain file (pg_restore --jobs needs a file it can
// seek in). Progress counts the compressed bytes read.
class Decompressor
{
    Q_DECLARE_TR_FUNCTIONS(Decompressor)

public:
    // `onPlainBytes`, when given, sees every decompressed byte in order (to index it on the way).
    static Status toFile(const QString& source, const QString& destination, JobControl& control,
                         const std::function<void(const char*, qint64)>& onPlainBytes = {});
};

} // namespace coffre
