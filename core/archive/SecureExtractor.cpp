#include "SecureExtractor.h"

#include "ArchiveInput.h"

#include "util/Sha256.h"

#include <QDir>
#include <QFile>

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace coffre {
namespace {

using ReadPtr = std::unique_ptr<archive, decltype(&archive_read_free)>;
using WritePtr = std::unique_ptr<archive, decltype(&archive_write_free)>;

QList<QByteArray> components(const QByteArray& path)
{
    QList<QByteArray> parts;
    QByteArray normalized = path;
    normalized.replace('\\', '/'); // a Windows-made "..\\..\\x" is refused too
    for (const QByteArray& part : normalized.split('/')) {
        if (!part.isEmpty() && part != ".")
            parts << part;
    }
    return parts;
}

} // namespace

bool SecureExtractor::isSafeEntryPath(const QByteArray& path)
{
    if (path.isEmpty() || path.startsWith('/') || path.startsWith('\\') || path.contains('\0'))
        return false;
    const QList<QByteArray> parts = components(path);
    return !parts.isEmpty() && !parts.contains("..");
}

bool SecureExtractor::isSafeLinkTarget(const QByteArray& entryPath, const QByteArray& linkTarget)
{
    if (linkTarget.isEmpty() || linkTarget.startsWith('/') || linkTarget.startsWith('\\'))
        return false;
    qsizetype depth = components(entryPath).size() - 1; // the link's folder
    for (const QByteArray& part : components(linkTarget)) {
        depth += part == ".." ? -1 : 1;
        if (depth < 0)
            return false;
    }
    return true;
}

Result<SecureExtractor::Summary> SecureExtractor::extract(const QString& archivePath, const QString& target,
                                                          JobControl& control, qint64 maxBytes, const EntryFilter& wanted,
                                                          Owners owners, Hashing hashing)
{
    return extract(QStringList{archivePath}, target, control, maxBytes, wanted, owners, hashing);
}

Result<SecureExtractor::Summary> SecureExtractor::extract(const QStringList& archivePaths, const QString& target,
                                                          JobControl& control, qint64 maxBytes, const EntryFilter& wanted,
                                                          Owners owners, Hashing hashing)
{
    // Packs are named by their folder ("backend"), a single archive by its file name.
    const QString archivePath = archivePaths.size() == 1 ? archivePaths.first() : QFileInfo(archivePaths.first()).path();
    const QByteArray root = QFile::encodeName(QDir::cleanPath(target));
    if (::mkdir(root.constData(), 0700) != 0)
        return Error{tr("Cannot create the folder “%1”.").arg(target), QString::fromLocal8Bit(std::strerror(errno))};
    auto removeTarget = qScopeGuard([&target] { QDir(target).removeRecursively(); });
    auto refuse = [&](const QString& message, const QString& detail = {}) -> Result<Summary> {
        return Error{message, archivePath + (detail.isEmpty() ? QString() : QStringLiteral(": ") + detail)};
    };

    ArchiveInput input; // before `in`: it outlives the reader that closes it
    if (hashing == Hashing::Archives)
        input.hashFiles();
    ReadPtr in(archive_read_new(), &archive_read_free);
    archive_read_support_filter_all(in.get());
    archive_read_support_format_tar(in.get());
    archive_read_support_format_zip(in.get());
    if (input.open(in.get(), archivePaths) != ARCHIVE_OK)
        return refuse(tr("The archive “%1” cannot be opened.").arg(QFileInfo(archivePath).fileName()),
                      QString::fromUtf8(archive_error_string(in.get())));
    WritePtr out(archive_write_disk_new(), &archive_write_free);
    // By number (no name lookup: the ids are this server's own). Without it, a root-run restore
    // leaves the web server's files owned by root, and the application cannot write its own files.
    const bool restoreOwners = owners == Owners::Archived && ::geteuid() == 0;
    archive_write_disk_set_options(out.get(), ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                                  ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_NO_OVERWRITE |
                                                  (restoreOwners ? ARCHIVE_EXTRACT_OWNER : 0));

    const QString name = QFileInfo(archivePath).fileName();
    Summary summary;
    qint64 entries = 0;
    archive_entry* entry = nullptr;
    while (true) {
        const int status = archive_read_next_header(in.get(), &entry);
        if (status == ARCHIVE_EOF)
            break;
        ++entries;
        if (status < ARCHIVE_WARN)
            return refuse(tr("The archive “%1” is damaged or truncated.").arg(name), QString::fromUtf8(archive_error_string(in.get())));
        if (control.isCanceled())
            return Error{tr("Canceled."), {}, ErrorCode::Canceled};

        const QByteArray path = archive_entry_pathname(entry) ? QByteArray(archive_entry_pathname(entry)) : QByteArray();
        if (archive_entry_filetype(entry) == AE_IFDIR && components(path).isEmpty() && !path.startsWith('/')) {
            // "./": the root itself, which is the target; its owner too, as for every entry.
            if (restoreOwners && ::lchown(root.constData(), uid_t(archive_entry_uid(entry)), gid_t(archive_entry_gid(entry))) != 0)
                return refuse(tr("Could not give “%1” its owner back.").arg(target), QString::fromLocal8Bit(std::strerror(errno)));
            continue;
        }
        if (!isSafeEntryPath(path))
            return refuse(tr("The archive “%1” holds an entry that would be written outside its folder (“%2”): it is refused.")
                              .arg(name, QString::fromUtf8(path)));
        if (wanted && !wanted(components(path).join('/')))
            continue; // libarchive reads past the data of an entry left unread
        const mode_t type = archive_entry_filetype(entry);
        const char* hardlink = archive_entry_hardlink(entry);
        if (hardlink && hashing == Hashing::Files) // it could rewrite a file already hashed; exports never hold one
            return refuse(tr("The archive “%1” holds a hard link (“%2”), which a backup never has: it is refused.")
                              .arg(name, QString::fromUtf8(path)));
        if (hardlink) {
            if (!isSafeEntryPath(hardlink))
                return refuse(tr("The archive “%1” holds a link that points outside its folder (“%2”): it is refused.")
                                  .arg(name, QString::fromUtf8(path)));
            archive_entry_copy_hardlink(entry, (root + '/' + hardlink).constData());
        } else if (type == AE_IFLNK) {
            const char* linkTarget = archive_entry_symlink(entry);
            if (!linkTarget || !isSafeLinkTarget(path, linkTarget)) {
                summary.skippedLinks << QString::fromUtf8(path);
                control.log(tr("Not restored: the link “%1” points outside the folder (to “%2”).")
                                .arg(QString::fromUtf8(path), QString::fromUtf8(linkTarget ? linkTarget : "")));
                continue;
            }
        } else if (type != AE_IFREG && type != AE_IFDIR) {
            return refuse(tr("The archive “%1” holds a device or special file (“%2”): it is refused.").arg(name, QString::fromUtf8(path)));
        }
        archive_entry_copy_pathname(entry, (root + '/' + path).constData());
        if (archive_write_header(out.get(), entry) < ARCHIVE_WARN)
            return refuse(tr("Could not extract “%1” from “%2”.").arg(QString::fromUtf8(path), name),
                          QString::fromUtf8(archive_error_string(out.get())));
        const void* block = nullptr;
        qint64 written = 0;
        size_t size = 0;
        la_int64_t offset = 0;
        std::optional<Sha256> hash;
        if (hashing == Hashing::Files && type == AE_IFREG && !hardlink)
            hash.emplace();
        while (true) {
            const int read = archive_read_data_block(in.get(), &block, &size, &offset);
            if (read == ARCHIVE_EOF)
                break;
            if (read != ARCHIVE_OK) // a warning here is data that is not what the header said
                return refuse(tr("The archive “%1” is damaged or truncated.").arg(name), QString::fromUtf8(archive_error_string(in.get())));
            if (archive_write_data_block(out.get(), block, size, offset) < ARCHIVE_WARN)
                return refuse(tr("Could not write “%1” while extracting (is the disk full?).").arg(QString::fromUtf8(path)),
                              QString::fromUtf8(archive_error_string(out.get())));
            if (hash && offset != written)
                hash.reset(); // a sparse entry: its holes are not in the blocks; the caller reads the file instead
            if (hash)
                hash->add(static_cast<const char*>(block), qint64(size));
            summary.bytes += qint64(size);
            written += qint64(size);
            control.addBytesDone(qint64(size));
            if (maxBytes > 0 && summary.bytes > maxBytes)
                return refuse(tr("The archive “%1” expands to more than it should (%2 bytes): it is refused.").arg(name).arg(maxBytes));
            if (control.isCanceled())
                return Error{tr("Canceled."), {}, ErrorCode::Canceled};
        }
        // A header that promised other than what came (a zip64 size off by 4 GiB) is a damaged archive.
        if (type == AE_IFREG && !hardlink && archive_entry_size_is_set(entry) && written != archive_entry_size(entry))
            return refuse(tr("The archive “%1” is damaged or truncated.").arg(name),
                          QStringLiteral("%1: %2 bytes instead of %3").arg(QString::fromUtf8(path)).arg(written).arg(archive_entry_size(entry)));
        if (archive_write_finish_entry(out.get()) < ARCHIVE_WARN)
            return refuse(tr("Could not extract “%1” from “%2”.").arg(QString::fromUtf8(path), name),
                          QString::fromUtf8(archive_error_string(out.get())));
        if (type != AE_IFDIR)
            summary.files++;
        if (hash)
            summary.sha256.insert(path, hash->hex());
    }
    // Coffre's archives always start with their root folder ("./"): an archive with no entry at all
    // is one libarchive could not make sense of (a volume header with a negative size reads as "empty").
    if (entries == 0)
        return refuse(tr("The archive “%1” is damaged or truncated.").arg(name), QStringLiteral("no entries"));
    if (archive_write_close(out.get()) != ARCHIVE_OK)
        return refuse(tr("Could not finish extracting “%1”.").arg(name), QString::fromUtf8(archive_error_string(out.get())));
    if (hashing == Hashing::Archives) {
        summary.archiveSha256 = input.finishHashes();
        if (summary.archiveSha256.size() != archivePaths.size())
            return refuse(tr("The archive “%1” cannot be read to its end.").arg(name));
    }
    removeTarget.dismiss();
    return summary;
}

} // namespace coffre
