#pragma once

#include "CompressedFileWriter.h"
#include "SourceTree.h"

#include <functional>

namespace coffre {

// Writes a scanned source tree as a POSIX (pax) tar stream, through libarchive, into a
// CompressedFileWriter: modes and times kept, symlinks stored as links, never followed.
class TreeArchiver
{
    Q_DECLARE_TR_FUNCTIONS(TreeArchiver)

public:
    using StopCheck = std::function<bool()>;

    // `stop` is polled between chunks. `archivedBytes` receives the file bytes actually written:
    // files may have grown or shrunk since the scan, and the manifest must say what is inside.
    static Status write(const SourceTree& tree, CompressedFileWriter& out, JobControl& control, const StopCheck& stop,
                        qint64* archivedBytes = nullptr);
};

} // namespace coffre
