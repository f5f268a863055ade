#include "TreeArchiver.h"

#include <QFile>

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
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

} // namespace

Status TreeArchiver::write(const SourceTree& tree, CompressedFileWriter& out, JobControl& control, const StopCheck& stop,
                           qint64* archivedBytes)
{
    qint64 written = 0;
    Sink sink{&out, {}};
    ArchivePtr a(archive_write_new(), &archive_write_free);
    archive_write_set_format_pax_restricted(a.get());
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
    // The root folder first, as "./": its mode travels with the tree, and an archive is never
    // without entries (SecureExtractor takes an empty one for a damaged one).
    struct stat rootStat;
    if (::stat(root.constData(), &rootStat) == 0) {
        EntryPtr entry(archive_entry_new(), &archive_entry_free);
        archive_entry_copy_pathname(entry.get(), "./");
        archive_entry_copy_stat(entry.get(), &rootStat);
        if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK)
            return archiveError("./");
    }
    QByteArray buffer(ReadChunk, Qt::Uninitialized);
    for (const SourceTree::Entry& item : tree.entries) {
        if (stop())
            return Error{tr("Stopped."), {}};
        const QByteArray full = root + '/' + item.path;
        struct stat st;
        if (::lstat(full.constData(), &st) != 0) {
            control.log(tr("Skipped “%1”: it vanished while the backup ran.").arg(QFile::decodeName(item.path)));
            continue;
        }
        EntryPtr entry(archive_entry_new(), &archive_entry_free);
        archive_entry_copy_pathname(entry.get(), item.path.constData());
        archive_entry_copy_stat(entry.get(), &st);

        int fd = -1;
        if (S_ISLNK(st.st_mode)) {
            QByteArray target(4096, Qt::Uninitialized);
            const ssize_t length = ::readlink(full.constData(), target.data(), target.size());
            if (length < 0)
                continue;
            target.truncate(length);
            archive_entry_copy_symlink(entry.get(), target.constData());
        } else if (S_ISREG(st.st_mode)) {
            fd = ::open(full.constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0)
                return Error{tr("Cannot read “%1” in “%2”.").arg(QFile::decodeName(item.path), tree.root),
                             QString::fromLocal8Bit(std::strerror(errno))};
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
                return Error{tr("Stopped."), {}};
            ssize_t got = ::read(fd, buffer.data(), size_t(qMin(remaining, ReadChunk)));
            if (got < 0)
                return Error{tr("Cannot read “%1” in “%2”.").arg(QFile::decodeName(item.path), tree.root),
                             QString::fromLocal8Bit(std::strerror(errno))};
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
