#include "TreeArchiver.h"

#include <QFile>

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <utility>
#include <vector>
#include <sys/stat.h>
#include <unistd.h>

namespace coffre {
namespace {

constexpr qint64 ReadChunk = 1 << 20;

struct Sink
{
    CompressedFileWriter* out;
    Status status;
};

la_ssize_t writeToSink(archive*, void* data, const void* buffer, size_t length)
{
    auto* sink = static_cast<Sink*>(data);
    sink->status = sink->out->write(static_cast<const char*>(buffer), qint64(length));
    return sink->status ? la_ssize_t(length) : -1;
}

using ArchivePtr = std::unique_ptr<archive, decltype(&archive_write_free)>;
using EntryPtr = std::unique_ptr<archive_entry, decltype(&archive_entry_free)>;

// The folders of the tree, opened one level at a time with O_NOFOLLOW, as the scan walked them:
// a folder swapped for a symlink after the scan (uploads -> /etc) is refused, never followed.
// Entries come folders-before-contents, so the open chain is a stack that follows the walk.
class FolderChain
{
public:
    explicit FolderChain(int rootFd) { m_stack.push_back({QByteArray(), rootFd}); }
    ~FolderChain()
    {
        for (const auto& [path, fd] : m_stack)
            ::close(fd);
    }

    // The descriptor of `parent` (a folder path relative to the root, "" for the root), or -1 with errno.
    int open(const QByteArray& parent)
    {
        while (m_stack.size() > 1 && !isWithin(parent, m_stack.back().first)) {
            ::close(m_stack.back().second);
            m_stack.pop_back();
        }
        while (m_stack.back().first != parent) {
            const QByteArray& top = m_stack.back().first;
            const qsizetype from = top.isEmpty() ? 0 : top.size() + 1;
            const qsizetype slash = parent.indexOf('/', from);
            const QByteArray next = slash < 0 ? parent : parent.left(slash);
            const int fd = ::openat(m_stack.back().second, next.mid(from).constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0)
                return -1;
            m_stack.push_back({next, fd});
        }
        return m_stack.back().second;
    }

private:
    static bool isWithin(const QByteArray& path, const QByteArray& folder)
    {
        return folder.isEmpty() || path == folder || (path.startsWith(folder) && path.at(folder.size()) == '/');
    }
    std::vector<std::pair<QByteArray, int>> m_stack;
};

QByteArray parentOf(const QByteArray& path)
{
    const qsizetype slash = path.lastIndexOf('/');
    return slash < 0 ? QByteArray() : path.left(slash);
}

QByteArray nameOf(const QByteArray& path)
{
    return path.mid(path.lastIndexOf('/') + 1);
}

} // namespace

Status TreeArchiver::write(const SourceTree& tree, CompressedFileWriter& out, JobControl& control, const StopCheck& stop,
                           qint64* archivedBytes, QList<QByteArray>* vanished)
{
    qint64 written = 0;
    Sink sink{&out, {}};
    ArchivePtr a(archive_write_new(), &archive_write_free);
    archive_write_set_format_pax_restricted(a.get());
    // Names are stored as the file system's bytes (pax hdrcharset=BINARY): a name that is not
    // UTF-8 (caf\xe9.jpg), or a cron run in the C locale, must not make the backup fail.
    archive_write_set_format_option(a.get(), "pax", "hdrcharset", "BINARY");
    archive_write_set_bytes_in_last_block(a.get(), 1);
    if (archive_write_open2(a.get(), &sink, nullptr, writeToSink, nullptr, nullptr) != ARCHIVE_OK)
        return Error{tr("Could not start the archive of “%1”.").arg(tree.root), QString::fromUtf8(archive_error_string(a.get()))};

    auto archiveError = [&](const QByteArray& path) -> Status {
        if (!sink.status)
            return sink.status; // the disk said no: that message is the useful one
        return Error{tr("Could not archive “%1” from “%2”.").arg(QFile::decodeName(path), tree.root),
                     QString::fromUtf8(archive_error_string(a.get()))};
    };

    const QByteArray root = QFile::encodeName(tree.root);
    const int rootFd = ::open(root.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootFd < 0)
        return Error{tr("The source folder “%1” cannot be opened.").arg(tree.root), QString::fromLocal8Bit(std::strerror(errno))};
    FolderChain folders(rootFd);
    auto unreadable = [&](const QByteArray& path) {
        return Error{tr("Cannot read “%1” in “%2”: the backup stops rather than leave it out.").arg(QFile::decodeName(path), tree.root),
                     QString::fromLocal8Bit(std::strerror(errno))};
    };
    // The root folder first, as "./": its mode travels with the tree, and an archive is never
    // without entries (SecureExtractor takes an empty one for a damaged one).
    struct stat rootStat;
    if (::fstat(rootFd, &rootStat) == 0) {
        EntryPtr entry(archive_entry_new(), &archive_entry_free);
        archive_entry_copy_pathname(entry.get(), "./");
        archive_entry_copy_stat(entry.get(), &rootStat);
        if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK)
            return archiveError("./");
    }
    QByteArray buffer(ReadChunk, Qt::Uninitialized);
    for (const SourceTree::Entry& item : tree.entries) {
        if (stop())
            return Error{tr("Stopped."), {}, QStringLiteral("stopped")};
        const int parentFd = folders.open(parentOf(item.path));
        const QByteArray name = nameOf(item.path);
        struct stat st;
        if (parentFd < 0 || ::fstatat(parentFd, name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno != ENOENT)
                return unreadable(parentFd < 0 ? parentOf(item.path) : item.path);
            // Deleted while the backup ran (a log rotated, a cache cleared): named in the manifest.
            control.log(tr("“%1” vanished while the backup ran.").arg(QFile::decodeName(item.path)));
            if (vanished)
                vanished->append(item.path);
            continue;
        }
        EntryPtr entry(archive_entry_new(), &archive_entry_free);
        archive_entry_copy_pathname(entry.get(), item.path.constData());
        archive_entry_copy_stat(entry.get(), &st);

        int fd = -1;
        if (S_ISLNK(st.st_mode)) {
            QByteArray target(PATH_MAX, Qt::Uninitialized);
            const ssize_t length = ::readlinkat(parentFd, name.constData(), target.data(), target.size());
            if (length < 0)
                return unreadable(item.path);
            target.truncate(length);
            archive_entry_copy_symlink(entry.get(), target.constData());
        } else if (S_ISREG(st.st_mode)) {
            fd = ::openat(parentFd, name.constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0)
                return unreadable(item.path);
        } else if (!S_ISDIR(st.st_mode)) {
            continue; // it became a socket or a device since the scan
        }
        const auto closeFile = qScopeGuard([fd] {
            if (fd >= 0)
                ::close(fd);
        });
        if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK)
            return archiveError(item.path);

        // The header promised st.st_size bytes: give exactly that many, even if the file changes.
        qint64 remaining = S_ISREG(st.st_mode) ? qint64(st.st_size) : 0;
        while (remaining > 0) {
            if (stop())
                return Error{tr("Stopped."), {}, QStringLiteral("stopped")};
            ssize_t got = ::read(fd, buffer.data(), size_t(qMin(remaining, ReadChunk)));
            if (got < 0)
                return unreadable(item.path);
            if (got == 0) {
                control.log(tr("“%1” shrank while the backup ran; padded with zeros.").arg(QFile::decodeName(item.path)));
                got = ssize_t(qMin(remaining, ReadChunk));
                std::memset(buffer.data(), 0, size_t(got));
            }
            if (archive_write_data(a.get(), buffer.constData(), size_t(got)) != got)
                return archiveError(item.path);
            remaining -= got;
            written += got;
            control.addBytesDone(got);
        }
    }
    if (archive_write_close(a.get()) != ARCHIVE_OK)
        return archiveError(QByteArray());
    if (archivedBytes)
        *archivedBytes = written;
    return sink.status;
}

} // namespace coffre
