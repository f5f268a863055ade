#include "SourceTree.h"

#include <QFile>

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

namespace coffre {

Exclusions::Exclusions(const QStringList& patterns)
{
    for (const QString& pattern : patterns) {
        QByteArray bytes = QFile::encodeName(pattern.trimmed());
        while (bytes.endsWith('/'))
            bytes.chop(1); // "node_modules/" means the folder: same thing here
        if (bytes.isEmpty())
            continue;
        (bytes.contains('/') ? m_pathPatterns : m_namePatterns).append(bytes);
    }
}

bool Exclusions::excludes(const QByteArray& relativePath, const QByteArray& name) const
{
    for (const QByteArray& pattern : m_namePatterns) {
        if (fnmatch(pattern.constData(), name.constData(), 0) == 0)
            return true;
    }
    for (const QByteArray& pattern : m_pathPatterns) {
        if (fnmatch(pattern.constData(), relativePath.constData(), FNM_PATHNAME) == 0)
            return true;
    }
    return false;
}

namespace {

struct Walker
{
    const Exclusions& exclusions;
    JobControl* control;
    SourceTree& tree;
    QString error;

    // Walks the folder open as `dirFd`, whose path from the root is `prefix` ("" for the root).
    bool walk(int dirFd, const QByteArray& prefix)
    {
        DIR* dir = fdopendir(dirFd);
        if (!dir) {
            ::close(dirFd);
            return fail(prefix);
        }
        QList<QByteArray> names;
        while (dirent* entry = readdir(dir)) {
            if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0)
                names.append(QByteArray(entry->d_name));
        }
        std::sort(names.begin(), names.end());
        bool ok = true;
        for (const QByteArray& name : names) {
            if (control && control->isCanceled())
                break;
            const QByteArray path = prefix.isEmpty() ? name : prefix + '/' + name;
            if (exclusions.excludes(path, name)) {
                tree.excluded.append(path);
                continue;
            }
            struct stat st;
            if (fstatat(dirfd(dir), name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
                ok = fail(path);
                break;
            }
            if (S_ISDIR(st.st_mode)) {
                tree.entries.append({path, SourceTree::Type::Directory, 0});
                const int child = openat(dirfd(dir), name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (child < 0 || !walk(child, path)) {
                    ok = child < 0 ? fail(path) : false;
                    break;
                }
            } else if (S_ISREG(st.st_mode)) {
                tree.entries.append({path, SourceTree::Type::File, qint64(st.st_size)});
                tree.fileCount++;
                tree.bytes += st.st_size;
                if (control)
                    control->addFilesFound(1);
            } else if (S_ISLNK(st.st_mode)) {
                tree.entries.append({path, SourceTree::Type::Symlink, 0});
                tree.fileCount++;
            } else {
                tree.skipped << QFile::decodeName(path);
            }
        }
        closedir(dir);
        return ok;
    }

    bool fail(const QByteArray& path)
    {
        if (error.isEmpty())
            error = QFile::decodeName(path) + QStringLiteral(": ") + QString::fromLocal8Bit(std::strerror(errno));
        return false;
    }
};

} // namespace

Result<SourceTree> SourceTreeScanner::scan(const QString& root, const Exclusions& exclusions, JobControl* control)
{
    SourceTree tree;
    tree.root = root;
    const int fd = ::open(QFile::encodeName(root).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return Error{tr("The source folder “%1” cannot be opened.").arg(root), QString::fromLocal8Bit(std::strerror(errno))};
    Walker walker{exclusions, control, tree, {}};
    if (!walker.walk(fd, QByteArray()))
        return Error{tr("The source folder “%1” cannot be read completely.").arg(root), walker.error};
    return tree;
}

} // namespace coffre
