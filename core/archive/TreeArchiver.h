#pragma once

#include "CompressedFileWriter.h"
#include "SourceTree.h"

#include <functional>

namespace coffre {

// Writes a scanned source tree as a POSIX (pax) tar stream, through libarchive, into a
// CompressedFileWriter: modes and times kept, names as raw bytes, symlinks stored as links, never
// followed, every file opened relative to its parent folder's descriptor. A file that cannot be
// read stops the backup with its name; one deleted since the scan is reported in `vanished`.
class TreeArchiver
{
    Q_DECLARE_TR_FUNCTIONS(TreeArchiver)

public:
    using StopCheck = std::function<bool()>;

    // `stop` is polled between chunks. `archivedBytes` receives the file bytes actually written:
    // files may have grown or shrunk since the scan, and the manifest must say what is inside.
    static Status write(const SourceTree& tree, CompressedFileWriter& out, JobControl& control, const StopCheck& stop,
                        qint64* archivedBytes = nullptr, QList<QByteArray>* vanished = nullptr);
};

} // namespace coffre
