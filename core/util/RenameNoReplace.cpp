#include "RenameNoReplace.h"

#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>

namespace coffre {

namespace {
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(RenameNoReplace)
};
} // namespace

Status renameNoReplace(const QString& from, const QString& to)
{
    return renameNoReplace(QFile::encodeName(from), QFile::encodeName(to));
}

Status renameNoReplace(const QByteArray& source, const QByteArray& target)
{
    const QString from = QFile::decodeName(source), to = QFile::decodeName(target);
    int result = ::renameat2(AT_FDCWD, source.constData(), AT_FDCWD, target.constData(), RENAME_NOREPLACE);
    if (result != 0 && errno == EINVAL) { // not supported here (some network file systems)
        struct stat st;
        if (::lstat(target.constData(), &st) == 0)
            errno = EEXIST;
        else
            result = std::rename(source.constData(), target.constData());
    }
    if (result == 0)
        return {};
    if (errno == EEXIST)
        return Error{Text::tr("“%1” already exists: it was left as it is.").arg(to), {}};
    return Error{Text::tr("Could not move “%1” to “%2”.").arg(from, to), QString::fromLocal8Bit(std::strerror(errno))};
}

} // namespace coffre
