#include "TreeArchiver.h"

#include "ArchiveWriting.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QUuid>

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <climits>
#include <ctime>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <optional>
#include <utility>
#include <vector>
#include <sys/stat.h>
#include <unistd.h>

namespace coffre {
namespace {

constexpr qint64 ReadChunk = 1 << 20;

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

// An entry as found right before it is archived: what its tar header says.
struct LiveEntry
{
    QByteArray path;
    struct stat st = {};
    QByteArray linkTarget;
};

// Stats and opens the tree's entries relative to the root's descriptor, never through a link.
class TreeWalk
{
    Q_DECLARE_TR_FUNCTIONS(TreeArchiver)

public:
    TreeWalk(const SourceTree& tree, JobControl& control) : m_tree(tree), m_control(control) {}

    Status open()
    {
        const int rootFd = ::open(QFile::encodeName(m_tree.root).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (rootFd < 0)
            return Error{tr("The source folder “%1” cannot be opened.").arg(m_tree.root), QString::fromLocal8Bit(std::strerror(errno))};
        m_folders = std::make_unique<FolderChain>(rootFd);
        m_rootPresent = ::fstat(rootFd, &m_root) == 0;
        return {};
    }
    const struct stat* root() const { return m_rootPresent ? &m_root : nullptr; }

    // The entry as it is now; false when there is nothing to archive: deleted since the scan
    // (named in `vanished`) or turned into a socket or a device.
    Result<bool> stat(const SourceTree::Entry& item, LiveEntry& live)
    {
        const int parentFd = m_folders->open(parentOf(item.path));
        const QByteArray name = nameOf(item.path);
        if (parentFd < 0 || ::fstatat(parentFd, name.constData(), &live.st, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno != ENOENT)
                return unreadable(parentFd < 0 ? parentOf(item.path) : item.path);
            // Deleted while the backup ran (a log rotated, a cache cleared): named in the manifest.
            m_control.log(tr("“%1” vanished while the backup ran.").arg(QFile::decodeName(item.path)));
            vanished.append(item.path);
            return false;
        }
        live.path = item.path;
        live.linkTarget.clear();
        if (S_ISLNK(live.st.st_mode)) {
            QByteArray target(PATH_MAX, Qt::Uninitialized);
            const ssize_t length = ::readlinkat(parentFd, name.constData(), target.data(), target.size());
            if (length < 0)
                return unreadable(item.path);
            target.truncate(length);
            live.linkTarget = target;
        }
        return S_ISLNK(live.st.st_mode) || S_ISREG(live.st.st_mode) || S_ISDIR(live.st.st_mode);
    }

    // A regular file's descriptor, to read what its header promised; -1 when it was deleted
    // since it was stat'ed (then named in `vanished`, as above).
    Result<int> openFile(const LiveEntry& live)
    {
        const int parentFd = m_folders->open(parentOf(live.path));
        const int fd = parentFd < 0 ? -1 : ::openat(parentFd, nameOf(live.path).constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT) {
            m_control.log(tr("“%1” vanished while the backup ran.").arg(QFile::decodeName(live.path)));
            vanished.append(live.path);
            return -1;
        }
        if (fd < 0)
            return unreadable(parentFd < 0 ? parentOf(live.path) : live.path);
        return fd;
    }

    QList<QByteArray> vanished;

private:
    Error unreadable(const QByteArray& path) const
    {
        return Error{tr("Cannot read “%1” in “%2”: the backup stops rather than leave it out.").arg(QFile::decodeName(path), m_tree.root),
                     QString::fromLocal8Bit(std::strerror(errno))};
    }

    const SourceTree& m_tree;
    JobControl& m_control;
    std::unique_ptr<FolderChain> m_folders;
    struct stat m_root = {};
    bool m_rootPresent = false;
};

// One POSIX (pax) tar stream into one CompressedFileWriter.
class TarStream
{
    Q_DECLARE_TR_FUNCTIONS(TreeArchiver)

public:
    TarStream(CompressedFileWriter& out, const QString& root) : m_sink{&out, {}}, m_root(root) {}

    Status open()
    {
        archive_write_set_format_pax_restricted(m_archive.get());
        // Names are stored as the file system's bytes (pax hdrcharset=BINARY): a name that is not
        // UTF-8 (caf\xe9.jpg), or a cron run in the C locale, must not make the backup fail.
        archive_write_set_format_option(m_archive.get(), "pax", "hdrcharset", "BINARY");
        archive_write_set_bytes_in_last_block(m_archive.get(), 1);
        if (archive_write_open2(m_archive.get(), &m_sink, nullptr, ArchiveSink::write, nullptr, nullptr) != ARCHIVE_OK)
            return Error{tr("Could not start the archive of “%1”.").arg(m_root), QString::fromUtf8(archive_error_string(m_archive.get()))};
        return {};
    }

    // The root folder as "./": its mode travels with the tree, and an archive is never without
    // entries (SecureExtractor takes an empty one for a damaged one).
    Status addRoot(const struct stat& st)
    {
        ArchiveEntryPtr entry(archive_entry_new(), &archive_entry_free);
        archive_entry_copy_pathname(entry.get(), "./");
        archive_entry_copy_stat(entry.get(), &st);
        return archive_write_header(m_archive.get(), entry.get()) == ARCHIVE_OK ? Status() : failure("./");
    }

    // The entry's header, then (a regular file) exactly the st_size bytes it promised from `walk`.
    Status add(const LiveEntry& live, TreeWalk& walk, JobControl& control, const TreeArchiver::StopCheck& stop)
    {
        int fd = -1;
        if (S_ISREG(live.st.st_mode)) {
            Result<int> opened = walk.openFile(live);
            if (!opened)
                return opened.error();
            if (*opened < 0)
                return {}; // gone: no header, nothing
            fd = *opened;
        }
        const auto closeFile = qScopeGuard([fd] {
            if (fd >= 0)
                ::close(fd);
        });
        ArchiveEntryPtr entry(archive_entry_new(), &archive_entry_free);
        archive_entry_copy_pathname(entry.get(), live.path.constData());
        archive_entry_copy_stat(entry.get(), &live.st);
        if (S_ISLNK(live.st.st_mode))
            archive_entry_copy_symlink(entry.get(), live.linkTarget.constData());
        if (archive_write_header(m_archive.get(), entry.get()) != ARCHIVE_OK)
            return failure(live.path);
        ++m_entries;

        // The header promised st.st_size bytes: give exactly that many, even if the file changes.
        qint64 remaining = S_ISREG(live.st.st_mode) ? qint64(live.st.st_size) : 0;
        if (remaining > 0 && m_buffer.isEmpty())
            m_buffer.resize(ReadChunk);
        while (remaining > 0) {
            if (stop())
                return Error{tr("Stopped."), {}, QStringLiteral("stopped")};
            ssize_t got = ::read(fd, m_buffer.data(), size_t(qMin(remaining, ReadChunk)));
            if (got < 0)
                return Error{tr("Cannot read “%1” in “%2”: the backup stops rather than leave it out.").arg(QFile::decodeName(live.path), m_root),
                             QString::fromLocal8Bit(std::strerror(errno))};
            if (got == 0) {
                control.log(tr("“%1” shrank while the backup ran; padded with zeros.").arg(QFile::decodeName(live.path)));
                m_padded = true;
                got = ssize_t(qMin(remaining, ReadChunk));
                std::memset(m_buffer.data(), 0, size_t(got));
            }
            if (archive_write_data(m_archive.get(), m_buffer.constData(), size_t(got)) != got)
                return failure(live.path);
            remaining -= got;
            m_written += got;
            control.addBytesDone(got);
        }
        return {};
    }

    Status close()
    {
        if (archive_write_close(m_archive.get()) != ARCHIVE_OK)
            return failure(QByteArray());
        return m_sink.status;
    }

    qint64 written() const { return m_written; }
    qint64 entries() const { return m_entries; } // the root's "./" not counted
    bool padded() const { return m_padded; }

private:
    Status failure(const QByteArray& path) const
    {
        if (!m_sink.status)
            return m_sink.status; // the disk said no: that message is the useful one
        return Error{tr("Could not archive “%1” from “%2”.").arg(QFile::decodeName(path), m_root),
                     QString::fromUtf8(archive_error_string(m_archive.get()))};
    }

    ArchiveSink m_sink;
    QString m_root;
    ArchiveWritePtr m_archive{archive_write_new(), &archive_write_free};
    QByteArray m_buffer;
    qint64 m_written = 0;
    qint64 m_entries = 0;
    bool m_padded = false;
};

// Where packs end: a run of small entries ends after a path whose hash says so, once the run
// holds PackMinBytes (so an added or removed file moves no other boundary), or at PackMaxBytes;
// a file of LargeFileBytes or more is a pack of its own (a changed video is rewritten alone).
constexpr qint64 PackMinBytes = 1 << 20;
constexpr qint64 PackMaxBytes = 4 << 20;
constexpr qint64 LargeFileBytes = 1 << 20;
constexpr quint64 BoundaryEvery = 32; // a boundary after one path in 32, on average
constexpr qint64 HeaderBytes = 512;

// FNV-1a: stable across Qt versions and runs (qHash is seeded), so the same tree cuts the same packs.
quint64 pathHash(const QByteArray& path)
{
    quint64 hash = 14695981039346656037ull;
    for (const char c : path) {
        hash ^= quint8(c);
        hash *= 1099511628211ull;
    }
    return hash;
}

// What a pack's reuse rests on: each entry's path and the stat data a change would alter (size,
// mtime, ctime, inode, mode, owner) and a symlink's target. ctime and the inode catch a file
// rewritten with its old mtime put back (rsync -t, tar x); the pack layout and codec are in too.
class PackFingerprint
{
public:
    explicit PackFingerprint(Compression compression)
    {
        const QByteArray tag = QByteArrayLiteral("coffre-pack-1 ") + CompressedFileWriter::extension(compression).toLatin1() + '\n';
        m_hash.add(tag.constData(), tag.size());
    }
    void add(const QByteArray& path, const struct stat& st, const QByteArray& linkTarget)
    {
        QByteArray line = path;
        line += '\0';
        for (const qint64 value : {qint64(st.st_mode), qint64(st.st_uid), qint64(st.st_gid), qint64(st.st_size), qint64(st.st_ino),
                                   qint64(st.st_mtim.tv_sec), qint64(st.st_mtim.tv_nsec), qint64(st.st_ctim.tv_sec),
                                   qint64(st.st_ctim.tv_nsec)})
            line += QByteArray::number(value) + ' ';
        line += linkTarget;
        line += '\n';
        m_hash.add(line.constData(), line.size());
    }
    QString hex() { return m_hash.hex(); }

private:
    Sha256 m_hash;
};

// Two seconds: FAT keeps mtimes to 2 s, network file systems to 1 s; ext4's clock ticks are ms.
constexpr qint64 QuietNs = 2'000'000'000;

qint64 nanoseconds(const struct timespec& t)
{
    return qint64(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

// Whether `st` changed within QuietNs of `now`.
bool changedLately(const struct stat& st, const struct timespec& now)
{
    const qint64 since = nanoseconds(now) - QuietNs;
    return nanoseconds(st.st_mtim) >= since || nanoseconds(st.st_ctim) >= since;
}

// A fingerprint no pack will ever have: for a pack that must not be linked by the next backup.
QString unmatchableFingerprint()
{
    Sha256 hash;
    const QByteArray nonce = QUuid::createUuid().toByteArray() + QUuid::createUuid().toByteArray();
    hash.add(nonce.constData(), nonce.size());
    return hash.hex();
}

// Whether the file at `path` is a regular file (never a symlink) that still holds what its
// manifest entry says (size and SHA-256); `inode` receives which file that was.
Result<bool> matchesChecksum(const QString& path, const BundleFile& expected, const TreeArchiver::StopCheck& stop, ino_t* inode)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return false;
    const auto closeFile = qScopeGuard([fd] { ::close(fd); });
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    *inode = st.st_ino;
    Sha256 hash;
    QByteArray buffer(ReadChunk, Qt::Uninitialized);
    qint64 size = 0;
    while (true) {
        if (stop())
            return Error{TreeArchiver::tr("Stopped."), {}, QStringLiteral("stopped")};
        const ssize_t got = ::read(fd, buffer.data(), size_t(buffer.size()));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return false;
        if (got == 0)
            break;
        hash.add(buffer.constData(), got);
        size += got;
    }
    return size == expected.size && hash.hex() == expected.sha256;
}

// A second name at `to` for the file at `from`, kept only if it is the very file checked (`inode`):
// one swapped in between is not linked unchecked.
bool linkChecked(const QString& from, const QString& to, ino_t inode)
{
    const QByteArray target = QFile::encodeName(to);
    if (::link(QFile::encodeName(from).constData(), target.constData()) != 0)
        return false;
    struct stat st;
    if (::lstat(target.constData(), &st) == 0 && S_ISREG(st.st_mode) && st.st_ino == inode)
        return true;
    ::unlink(target.constData());
    return false;
}

} // namespace

Status TreeArchiver::write(const SourceTree& tree, CompressedFileWriter& out, JobControl& control, const StopCheck& stop,
                           qint64* archivedBytes, QList<QByteArray>* vanished)
{
    TarStream tar(out, tree.root);
    if (Status opened = tar.open(); !opened)
        return opened;
    TreeWalk walk(tree, control);
    if (Status opened = walk.open(); !opened)
        return opened;
    if (walk.root()) {
        if (Status added = tar.addRoot(*walk.root()); !added)
            return added;
    }
    LiveEntry live;
    for (const SourceTree::Entry& item : tree.entries) {
        if (stop())
            return Error{tr("Stopped."), {}, QStringLiteral("stopped")};
        const Result<bool> present = walk.stat(item, live);
        if (!present)
            return present.error();
        if (!*present)
            continue;
        if (Status added = tar.add(live, walk, control, stop); !added)
            return added;
    }
    if (Status closed = tar.close(); !closed)
        return closed;
    if (archivedBytes)
        *archivedBytes = tar.written();
    if (vanished)
        *vanished = walk.vanished;
    return {};
}

QList<qsizetype> TreeArchiver::packStarts(const SourceTree& tree)
{
    QList<qsizetype> starts{0};
    qint64 bytes = 0;
    for (qsizetype i = 0; i < tree.entries.size(); ++i) {
        const SourceTree::Entry& entry = tree.entries[i];
        const bool large = entry.type == SourceTree::Type::File && entry.size >= LargeFileBytes;
        if (large && bytes > 0) { // alone: end the run before it
            starts.append(i);
            bytes = 0;
        }
        bytes += HeaderBytes + (entry.type == SourceTree::Type::File ? entry.size : 0);
        const bool last = i + 1 == tree.entries.size();
        const bool boundary = large || bytes >= PackMaxBytes || (bytes >= PackMinBytes && pathHash(entry.path) % BoundaryEvery == 0);
        if (boundary && !last) {
            starts.append(i + 1);
            bytes = 0;
        }
    }
    return starts;
}

Result<TreeArchiver::PackedTree> TreeArchiver::writePacks(const SourceTree& tree, const PackTarget& target, JobControl& control,
                                                          const StopCheck& stop)
{
    const QString folder = QDir(target.bundleDir).filePath(target.folder);
    if (::mkdir(QFile::encodeName(folder).constData(), 0700) != 0)
        return Error{tr("Cannot create the folder “%1”.").arg(folder), QString::fromLocal8Bit(std::strerror(errno))};
    TreeWalk walk(tree, control);
    if (Status opened = walk.open(); !opened)
        return opened.error();

    PackedTree packed;
    const QList<qsizetype> starts = packStarts(tree);
    QList<LiveEntry> entries;
    for (qsizetype p = 0; p < starts.size(); ++p) {
        const qsizetype end = p + 1 < starts.size() ? starts[p + 1] : tree.entries.size();
        // Every entry of the pack stat'ed first: that is what decides whether it changed.
        entries.clear();
        PackFingerprint fingerprint(target.compression);
        if (p == 0 && walk.root())
            fingerprint.add("./", *walk.root(), {});
        qint64 bytes = 0;
        bool racy = false;
        struct timespec now = {};
        ::clock_gettime(CLOCK_REALTIME, &now);
        for (qsizetype i = starts[p]; i < end; ++i) {
            if (stop())
                return Error{tr("Stopped."), {}, QStringLiteral("stopped")};
            LiveEntry live;
            const Result<bool> present = walk.stat(tree.entries[i], live);
            if (!present)
                return present.error();
            if (!*present)
                continue;
            fingerprint.add(live.path, live.st, live.linkTarget);
            racy |= changedLately(live.st, now);
            if (S_ISREG(live.st.st_mode))
                bytes += live.st.st_size;
            entries.append(std::move(live));
        }
        SourcePack pack{QStringLiteral("%1/%2.tar%3").arg(target.folder).arg(p + 1, 6, 10, QChar(u'0'))
                            .arg(CompressedFileWriter::extension(target.compression)),
                        fingerprint.hex(), qint64(entries.size()), bytes};
        const QString path = QDir(target.bundleDir).filePath(pack.file);

        std::optional<BundleFile> file;
        if (const auto previous = target.previous.constFind(pack.fingerprint); previous != target.previous.cend()) {
            // Unchanged since that backup: the same bytes under a second name, once they are
            // checked (a pack damaged on disk is written anew, not carried into every later
            // backup). Deleting either backup leaves the other whole; a link that cannot be made
            // is simply written.
            ino_t checked = 0;
            const bool same = previous->entries == qint64(entries.size()) && previous->bytes == bytes;
            const Result<bool> intact = same ? matchesChecksum(previous->path, previous->file, stop, &checked) : Result<bool>(false);
            if (!intact)
                return intact.error();
            if (same && !*intact)
                control.log(tr("“%1” no longer matches its checksum: written anew.").arg(previous->path));
            if (*intact && linkChecked(previous->path, path, checked)) {
                file = BundleFile{pack.file, previous->file.size, previous->file.sha256};
                ++packed.reusedPacks;
                packed.reusedBytes += previous->file.size;
                control.addBytesDone(bytes);
            }
        }
        if (!file) {
            CompressedFileWriter out(path, pack.file, target.compression);
            TarStream tar(out, tree.root);
            Status status = out.open();
            if (status)
                status = tar.open();
            if (status && p == 0 && walk.root())
                status = tar.addRoot(*walk.root());
            for (qsizetype i = 0; status && i < entries.size(); ++i)
                status = tar.add(entries[i], walk, control, stop);
            if (status)
                status = tar.close();
            Result<BundleFile> written = status ? out.finish() : Result<BundleFile>(status.error());
            if (!written)
                return written.error();
            file = *written;
            pack.bytes = tar.written();
            pack.entries = tar.entries();
            // Never to be linked by the next backup: a pack not as its fingerprint says (a file gone
            // between its stat and its read, one that shrank), or holding an entry changed in the
            // last moments (a write in the same clock tick after this read would leave its stat
            // data as they are: racy git's problem).
            if (racy || pack.entries != qint64(entries.size()) || pack.bytes != bytes || tar.padded())
                pack.fingerprint = unmatchableFingerprint();
        }
        if (target.seal)
            pack.seal = target.seal->seal(pack.fingerprint, file->sha256);
        packed.archivedBytes += pack.bytes;
        packed.files.append(*file);
        packed.packs.append(pack);
    }
    packed.vanished = walk.vanished;
    return packed;
}

} // namespace coffre
