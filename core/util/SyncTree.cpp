#include "SyncTree.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace coffre {
namespace {

Error syncError(const QString& path)
{
    return Error{QCoreApplication::translate("SyncTree", "Could not make sure “%1” is written to disk.").arg(path),
                 path + QStringLiteral(": ") + QString::fromLocal8Bit(std::strerror(errno))};
}

// Links are followed: a repository is often a link to another disk, and syncing only reads.
int openFolder(const QString& path)
{
    return ::open(QFile::encodeName(path).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

} // namespace

Status syncFolder(const QString& path)
{
    const int fd = openFolder(path);
    if (fd < 0)
        return syncError(path);
    const bool synced = ::fsync(fd) == 0;
    const int savedErrno = errno;
    ::close(fd);
    errno = savedErrno;
    return synced ? Status() : Status(syncError(path));
}

Status syncTree(const QString& path)
{
    const int fd = openFolder(path);
    if (fd < 0)
        return syncError(path);
    // syncfs also reports write-back errors of the file system that nobody has seen yet (Linux ≥ 5.8).
    const bool synced = ::syncfs(fd) == 0 && ::fsync(fd) == 0;
    const int savedErrno = errno;
    ::close(fd);
    errno = savedErrno;
    if (!synced)
        return syncError(path);
    return syncFolder(QFileInfo(path).absolutePath());
}

} // namespace coffre
