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
            return {source.archivePaths(backup.path), label, slash < 0 ? QString() : clean.mid(slash + 1)};
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
        if (Status opened = reader.open(source.archivePaths(backup.path)); !opened)
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
    for (const ObjectsPart& part : backup.manifest->objects) {
        QList<ArchiveEntry> plain, other;
        for (const StoredObject& object : part.objects) {
            const ArchiveEntry entry{objectPath(*backup.manifest, part, object).section(u'/', 1), ArchiveEntry::Type::File,
                                     object.size, object.modified.isValid() ? object.modified.toSecsSinceEpoch() : 0, {}};
            (object.entry.isEmpty() ? plain : other).append(entry);
        }
        tree.add(bucketFolder(*backup.manifest, part), plain);
        if (!other.isEmpty())
            tree.add(otherKeysFolder(*backup.manifest, part), other);
    }
    tree.finish();
    return tree;
}

QString BackupFiles::bucketFolder(const Manifest& manifest, const ObjectsPart& part)
{
    for (const SourcePart& source : manifest.sources) {
        if (source.label == part.label) // a folder labelled "documents" too: the bucket says so
            return part.label + QStringLiteral(" (bucket)");
    }
    return part.label;
}

QString BackupFiles::otherKeysFolder(const Manifest& manifest, const ObjectsPart& part)
{
    return bucketFolder(manifest, part) + QStringLiteral(" (other keys)");
}

QString BackupFiles::objectPath(const Manifest& manifest, const ObjectsPart& part, const StoredObject& object)
{
    if (object.entry.isEmpty())
        return bucketFolder(manifest, part) + u'/' + part.relativeKey(object.key);
    return otherKeysFolder(manifest, part) + u'/' + object.entry.section(u'/', 1);
}

Result<FilePreview> BackupFiles::preview(const Backup& backup, const QString& path, qint64 maxBytes)
{
    Location where = locate(backup, path);
    // An object of a bucket: its entry in the bucket's archive, by the manifest's list.
    for (const ObjectsPart& part : backup.manifest ? backup.manifest->objects : QList<ObjectsPart>()) {
        for (const StoredObject& object : part.objects) {
            if (objectPath(*backup.manifest, part, object) == path)
                where = {{QDir(backup.path).filePath(part.archive)}, part.label, part.entryOf(object)};
        }
    }
    if (where.archives.isEmpty() || where.pathInArchive.isEmpty())
        return Error{tr("“%1” is not a file of the backup “%2”.").arg(path, backup.name), {}};
    ArchiveReader reader;
    if (Status opened = reader.open(where.archives); !opened)
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
