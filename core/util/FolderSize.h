#pragma once

#include <QString>

namespace coffre {

// Bytes of the regular files below `path`, hidden ones included, links not followed.
// Blocking I/O: call it on a worker thread.
qint64 folderBytes(const QString& path);

} // namespace coffre
