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

    // `progress` receives each chunk of file bytes read; `stop` is polled between chunks.
    static Status write(const SourceTree& tree, CompressedFileWriter& out, JobControl& control, const StopCheck& stop);
};

} // namespace coffre
