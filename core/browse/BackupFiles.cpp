#include "BackupFiles.h"

#include <QDir>
#include <QStringDecoder>

namespace coffre {

BackupFiles::Location BackupFiles::locate(const Backup& backup, const QString& path)
{
    QString clean = QDir::cleanPath(path);
    while (clean.startsWith(u'/'))
        clean.remove(0, 1);
    const qsizetype slash = clean.indexOf(u'/');
    const QString label = clean.left(slash < 0 ? clean.size() : slash);
    if (!backup.manifest)
        return {};
    for (const SourcePart& source : backup.manifest->sources) {
        if (source.label == label)
            return {QDir(backup.path).filePath(source.archive), label, slash < 0 ? QString() : clean.mid(slash + 1)};
    }
    return {};
}

Result<FileTree> BackupFiles::load(const Backup& backup, JobControl& control)
{
    if (Status complete = backup.checkComplete(); !complete)
        return complete.error();
    FileTree tree;
    for (const SourcePart& source : backup.manifest->sources) {
        control.setPhase(tr("Reading the list of %1…").arg(source.label));
        ArchiveReader reader;
        if (Status opened = reader.open(QDir(backup.path).filePath(source.archive)); !opened)
            return opened.error();
        QList<ArchiveEntry> entries;
        entries.reserve(source.fileCount + 16);
        ArchiveEntry entry;
        while (reader.next(entry)) {
            if (control.isCanceled())
                return Error{tr("Canceled."), {}, ErrorCode::Canceled};
            entries.append(entry);
        }
        if (!reader.status())
            return reader.status().error();
        tree.add(source.label, entries);
    }
    tree.finish();
    return tree;
}

Result<FilePreview> BackupFiles::preview(const Backup& backup, const QString& path, qint64 maxBytes)
{
    const Location where = locate(backup, path);
    if (where.archive.isEmpty() || where.pathInArchive.isEmpty())
        return Error{tr("“%1” is not a file of the backup “%2”.").arg(path, backup.name), {}};
    ArchiveReader reader;
    if (Status opened = reader.open(where.archive); !opened)
        return opened.error();
    ArchiveEntry entry;
    while (reader.next(entry)) {
        if (entry.path != where.pathInArchive)
            continue;
        if (entry.type != ArchiveEntry::Type::File)
            return Error{tr("“%1” is not a file: it has no content to show.").arg(path), {}};
        FilePreview preview;
        preview.size = entry.size;
        const Status read = reader.readData([&](const char* data, qint64 size) {
            preview.bytes.append(data, qMin(size, maxBytes - preview.bytes.size()));
            return preview.bytes.size() < maxBytes;
        });
        if (!read)
            return read.error();
        preview.binary = looksBinary(preview.bytes);
        return preview;
    }
    if (!reader.status())
        return reader.status().error();
    return Error{tr("“%1” is not a file of the backup “%2”.").arg(path, backup.name), {}};
}

bool BackupFiles::looksBinary(const QByteArray& bytes)
{
    if (bytes.contains('\0'))
        return true;
    // Stateful: a preview cut in the middle of a character stays pending, it is not an error.
    QStringDecoder utf8(QStringDecoder::Utf8);
    const QString text = utf8.decode(bytes);
    return utf8.hasError();
}

} // namespace coffre
