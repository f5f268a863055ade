#include "TreeComparison.h"

#include "ArchiveReader.h"
#include "BackupFiles.h"
#include "objects/BucketComparison.h"
#include "archive/SourceTree.h"
#include "util/Sha256.h"

#include <QDir>
#include <QFile>
#include <QHash>

#include <sys/stat.h>
#include <unistd.h>

namespace coffre {
namespace {

QString hashOfFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    Sha256 hash;
    QByteArray buffer(1 << 20, Qt::Uninitialized);
    qint64 got = 0;
    while ((got = file.read(buffer.data(), buffer.size())) > 0)
        hash.add(buffer.constData(), got);
    return got < 0 ? QString() : hash.hex();
}

QByteArray linkTargetOf(const QByteArray& path)
{
    QByteArray target(4096, Qt::Uninitialized);
    const ssize_t length = ::readlink(path.constData(), target.data(), size_t(target.size()));
    return length < 0 ? QByteArray() : target.left(length);
}

ArchiveEntry::Type typeOf(SourceTree::Type type)
{
    switch (type) {
    case SourceTree::Type::Directory: return ArchiveEntry::Type::Directory;
    case SourceTree::Type::Symlink: return ArchiveEntry::Type::Symlink;
    case SourceTree::Type::File: break;
    }
    return ArchiveEntry::Type::File;
}

// One source: the archive read once, start to end; contents hashed only when size matches and time does not.
// Files touched from `racySince` on (the backup's start) may have changed within the second the
// archive recorded: their contents are compared even when size and time agree (as git does).
Status compareOne(const QString& label, const QStringList& archivePaths, const QString& root, const QStringList& exclusions,
                  qint64 racySince, TreeChanges& changes, JobControl& control)
{
    Result<SourceTree> now = SourceTreeScanner::scan(root, Exclusions(exclusions), &control);
    if (!now)
        return now.error();
    QHash<QByteArray, const SourceTree::Entry*> onDisk;
    onDisk.reserve(now->entries.size());
    for (const SourceTree::Entry& entry : now->entries)
        onDisk.insert(entry.path, &entry);

    const QByteArray rootPath = QFile::encodeName(root);
    const QString prefix = label + u'/';
    ArchiveReader reader;
    if (Status opened = reader.open(archivePaths); !opened)
        return opened;
    ArchiveEntry entry;
    while (reader.next(entry)) {
        if (control.isCanceled())
            return Error{TreeComparison::tr("Canceled."), {}, ErrorCode::Canceled};
        if (entry.path.isEmpty() || entry.type == ArchiveEntry::Type::Directory) {
            onDisk.remove(entry.path.toUtf8());
            continue;
        }
        const QByteArray key = entry.path.toUtf8();
        const SourceTree::Entry* disk = onDisk.take(key);
        if (!disk) {
            changes.removed.append(prefix + entry.path);
            continue;
        }
        const QByteArray full = rootPath + '/' + key;
        bool same = typeOf(disk->type) == entry.type;
        if (same && entry.type == ArchiveEntry::Type::Symlink) {
            same = linkTargetOf(full) == entry.linkTarget.toUtf8();
        } else if (same && entry.type == ArchiveEntry::Type::File) {
            struct stat st;
            same = ::lstat(full.constData(), &st) == 0 && qint64(st.st_size) == entry.size;
            const qint64 modified = qint64(st.st_mtim.tv_sec);
            if (same && (modified != entry.modified || modified >= racySince)) {
                Sha256 hash;
                const Status read = reader.readData([&](const char* data, qint64 size) {
                    hash.add(data, size);
                    return true;
                });
                if (!read)
                    return read;
                same = hash.hex() == hashOfFile(QFile::decodeName(full));
            }
        }
        if (same)
            ++changes.unchanged;
        else
            changes.changed.append(prefix + entry.path);
    }
    if (!reader.status())
        return reader.status();
    for (auto it = onDisk.cbegin(); it != onDisk.cend(); ++it) {
        if (it.value()->type != SourceTree::Type::Directory)
            changes.added.append(prefix + QFile::decodeName(it.key()));
    }
    return {};
}

} // namespace

Result<TreeChanges> TreeComparison::run(const Backup& backup, const QList<SourceRoot>& current, JobControl& control,
                                        const s3::S3Location& documents, const QString& documentsSecret)
{
    if (Status complete = backup.checkComplete(); !complete)
        return complete.error();
    TreeChanges changes;
    for (const SourcePart& source : backup.manifest->sources) {
        QString root = source.path;
        for (const SourceRoot& now : current) {
            if (now.label == source.label)
                root = now.path;
        }
        if (!QFileInfo(root).isDir()) {
            changes.missingRoots.append(QStringLiteral("%1: %2").arg(source.label, root));
            continue;
        }
        control.setPhase(tr("Comparing %1 with %2…").arg(source.label, root));
        if (Status compared = compareOne(source.label, source.archivePaths(backup.path), root, source.exclusions,
                                         backup.manifest->created.toSecsSinceEpoch() - 1, changes, control);
            !compared)
            return compared.error();
    }
    for (const ObjectsPart& part : backup.manifest->objects) {
        s3::S3Location location = documents;
        if (location.isEmpty()) {
            location.bucket = part.bucket;
            location.prefix = part.prefix;
            location.endpoint = part.endpoint;
        }
        control.setPhase(tr("Comparing %1 with %2…").arg(part.label, location.url()));
        const Result<BucketChanges> bucket = BucketComparison::run(part, location, documentsSecret, control);
        if (!bucket) {
            if (bucket.error().code == ErrorCode::Canceled || control.isCanceled())
                return Error{tr("Canceled."), {}, ErrorCode::Canceled};
            changes.missingRoots.append(QStringLiteral("%1: %2 (%3)").arg(part.label, location.url(), bucket.error().message));
            continue;
        }
        const Manifest& m = *backup.manifest;
        for (const qsizetype index : bucket->missing)
            changes.removed.append(BackupFiles::objectPath(m, part, part.objects[index]));
        for (const qsizetype index : bucket->changed)
            changes.changed.append(BackupFiles::objectPath(m, part, part.objects[index]));
        const QString under = location.prefix.isEmpty() ? QString() : location.prefix + u'/';
        for (const s3::ObjectInfo& added : bucket->added)
            changes.added.append(BackupFiles::bucketFolder(m, part) + u'/' + added.key.mid(under.size()));
        changes.unchanged += bucket->unchanged;
    }
    for (QStringList* list : {&changes.added, &changes.removed, &changes.changed})
        list->sort();
    return changes;
}

} // namespace coffre
