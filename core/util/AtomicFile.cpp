#include "AtomicFile.h"

#include "SyncTree.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace coffre {
namespace {

Error writeError(const QString& path, const QString& detail)
{
    return Error{AtomicFile::tr("Could not write “%1”.").arg(QFileInfo(path).fileName()), path + QStringLiteral(": ") + detail};
}

} // namespace

Status AtomicFile::write(const QString& path, const QByteArray& content, QFileDevice::Permissions permissions)
{
    const QString temporary = path + QStringLiteral(".tmp");
    QFile file(temporary);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return writeError(path, file.errorString());
    file.setPermissions(permissions);
    if (file.write(content) != content.size() || !file.flush() || ::fsync(file.handle()) != 0) {
        const QString reason = file.errorString().isEmpty() ? QString::fromLocal8Bit(std::strerror(errno)) : file.errorString();
        file.close();
        QFile::remove(temporary);
        return writeError(path, reason);
    }
    file.close();
    if (std::rename(QFile::encodeName(temporary).constData(), QFile::encodeName(path).constData()) != 0) {
        const QString reason = QString::fromLocal8Bit(std::strerror(errno));
        QFile::remove(temporary);
        return writeError(path, reason);
    }
    // The rename is durable only once the folder is: a manifest that vanishes after a power cut
    // would make a complete bundle incomplete again.
    return syncFolder(QFileInfo(path).absolutePath());
}

} // namespace coffre
