#include "ArchiveReader.h"

#include <QFile>
#include <QFileInfo>

#include <archive.h>
#include <archive_entry.h>

namespace coffre {

ArchiveReader::ArchiveReader() : m_archive(nullptr, &archive_read_free) {}

ArchiveReader::~ArchiveReader() = default;

QString ArchiveReader::normalizedPath(const QByteArray& raw)
{
    QByteArray path = raw;
    while (path.startsWith("./"))
        path.remove(0, 2);
    while (path.endsWith('/'))
        path.chop(1);
    if (path == ".")
        path.clear();
    return QString::fromUtf8(path);
}

Status ArchiveReader::damaged(const QString& detail)
{
    m_status = Error{tr("The archive “%1” is damaged or truncated.").arg(m_name), detail};
    return m_status;
}

Status ArchiveReader::open(const QString& archivePath)
{
    return open(QStringList{archivePath});
}

Status ArchiveReader::open(const QStringList& archivePaths)
{
    // A damaged pack is named by its folder: "backend", as the manifest's part says it.
    m_name = archivePaths.size() == 1 ? QFileInfo(archivePaths.first()).fileName()
                                      : QFileInfo(QFileInfo(archivePaths.first()).path()).fileName();
    m_archive.reset(archive_read_new());
    archive_read_support_filter_all(m_archive.get());
    archive_read_support_format_tar(m_archive.get());
    archive_read_support_format_zip(m_archive.get());
    if (m_input.open(m_archive.get(), archivePaths) != ARCHIVE_OK) {
        m_status = Error{tr("The archive “%1” cannot be opened.").arg(m_name), QString::fromUtf8(archive_error_string(m_archive.get()))};
        return m_status;
    }
    return {};
}

bool ArchiveReader::next(ArchiveEntry& entry)
{
    archive_entry* header = nullptr;
    const int status = archive_read_next_header(m_archive.get(), &header);
    if (status == ARCHIVE_EOF)
        return false;
    if (status < ARCHIVE_WARN) {
        damaged(QString::fromUtf8(archive_error_string(m_archive.get())));
        return false;
    }
    const char* path = archive_entry_pathname(header);
    entry.path = normalizedPath(path ? QByteArray(path) : QByteArray());
    switch (archive_entry_filetype(header)) {
    case AE_IFREG: entry.type = ArchiveEntry::Type::File; break;
    case AE_IFDIR: entry.type = ArchiveEntry::Type::Directory; break;
    case AE_IFLNK: entry.type = ArchiveEntry::Type::Symlink; break;
    default: entry.type = ArchiveEntry::Type::Other; break;
    }
    if (archive_entry_hardlink(header))
        entry.type = ArchiveEntry::Type::File; // a second name for a file's bytes
    entry.size = archive_entry_size_is_set(header) ? archive_entry_size(header) : 0;
    entry.modified = archive_entry_mtime(header);
    const char* link = archive_entry_symlink(header);
    entry.linkTarget = link ? QString::fromUtf8(link) : QString();
    return true;
}

Status ArchiveReader::readData(const std::function<bool(const char*, qint64)>& sink)
{
    const void* block = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    while (true) {
        const int read = archive_read_data_block(m_archive.get(), &block, &size, &offset);
        if (read == ARCHIVE_EOF)
            return {};
        if (read != ARCHIVE_OK)
            return damaged(QString::fromUtf8(archive_error_string(m_archive.get())));
        if (!sink(static_cast<const char*>(block), qint64(size)))
            return {};
    }
}

} // namespace coffre
