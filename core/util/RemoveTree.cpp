#include "RemoveTree.h"

#include <QCoreApplication>
#include <QFile>
#include <QList>

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace coffre {
namespace {

// Which mount an entry is on: the mount id where the kernel gives it (a bind mount of the same
// file system has the same device), else the device.
bool mountOf(int dirFd, const char* name, quint64& mount)
{
    struct statx st;
    if (::statx(dirFd, name, AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_MNT_ID, &st) != 0)
        return false;
    mount = (st.stx_mask & STATX_MNT_ID) ? st.stx_mnt_id : (quint64(st.stx_dev_major) << 32 | st.stx_dev_minor);
    return true;
}

class TreeRemover
{
    Q_DECLARE_TR_FUNCTIONS(RemoveTree)

public:
    explicit TreeRemover(const QByteArray& root) : m_root(root) {}

    // Empties the folder open at `fd` (closed here), whose path is `path`.
    bool removeContents(int fd, const QByteArray& path, quint64 mount)
    {
        DIR* dir = ::fdopendir(fd);
        if (!dir) {
            ::close(fd);
            return fail(path);
        }
        QList<QByteArray> names; // read whole first: removing while reading may skip entries
        while (const dirent* entry = ::readdir(dir)) {
            const QByteArray name(entry->d_name);
            if (name != "." && name != "..")
                names << name;
        }
        bool ok = true;
        for (const QByteArray& name : std::as_const(names)) {
            if (!(ok = removeEntry(::dirfd(dir), name, path + '/' + name, mount)))
                break;
        }
        ::closedir(dir);
        return ok;
    }

    bool removeEntry(int parentFd, const QByteArray& name, const QByteArray& path, quint64 mount)
    {
        struct stat st;
        if (::fstatat(parentFd, name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            return errno == ENOENT || fail(path);
        if (!S_ISDIR(st.st_mode))
            return ::unlinkat(parentFd, name.constData(), 0) == 0 || errno == ENOENT || fail(path);
        quint64 childMount = 0;
        if (!mountOf(parentFd, name.constData(), childMount))
            return fail(path);
        if (childMount != mount)
            return refuseMount(path);
        const int child = ::openat(parentFd, name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (child < 0)
            return fail(path);
        if (!removeContents(child, path, mount))
            return false;
        return ::unlinkat(parentFd, name.constData(), AT_REMOVEDIR) == 0 || fail(path);
    }

    Status run()
    {
        const char* root = m_root.constData();
        struct stat st;
        if (::lstat(root, &st) != 0)
            return errno == ENOENT ? Status() : Status(errorAt(m_root));
        if (!S_ISDIR(st.st_mode)) // a link, even to a folder, goes alone
            return ::unlink(root) == 0 || errno == ENOENT ? Status() : Status(errorAt(m_root));
        quint64 parentMount = 0, mount = 0;
        if (!mountOf(AT_FDCWD, QByteArray(m_root + "/..").constData(), parentMount) || !mountOf(AT_FDCWD, root, mount))
            return errorAt(m_root);
        if (mount != parentMount)
            return Error{tr("“%1” is a mounted file system: it was not deleted.").arg(QFile::decodeName(m_root)), {}};
        const int fd = ::open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ELOOP || errno == ENOTDIR) // swapped for a link since the lstat: the link only
                return ::unlink(root) == 0 ? Status() : Status(errorAt(m_root));
            return errorAt(m_root);
        }
        if (!removeContents(fd, m_root, mount))
            return m_error;
        return ::rmdir(root) == 0 ? Status() : Status(errorAt(m_root));
    }

    Error errorAt(const QByteArray& path) const
    {
        return Error{tr("Could not delete “%1”.").arg(QFile::decodeName(path)),
                     QFile::decodeName(path) + QStringLiteral(": ") + QString::fromLocal8Bit(std::strerror(errno))};
    }

    bool fail(const QByteArray& path)
    {
        m_error = errorAt(path);
        return false;
    }

    bool refuseMount(const QByteArray& path)
    {
        m_error = Error{tr("“%1” is a mounted file system: nothing in it was deleted, and “%2”, which holds it, stays.")
                            .arg(QFile::decodeName(path), QFile::decodeName(m_root)),
                        {}};
        return false;
    }

private:
    QByteArray m_root;
    Error m_error;
};

} // namespace

Status removeTree(const QString& path)
{
    return TreeRemover(QFile::encodeName(path)).run();
}

} // namespace coffre
