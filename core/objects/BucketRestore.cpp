#include "BucketRestore.h"

#include "BucketSnapshot.h"
#include "browse/ArchiveReader.h"
#include "catalog/Catalog.h"
#include "s3/AwsEnvironment.h"
#include "s3/S3Client.h"
#include "util/Sha256.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QSet>

namespace coffre {
Result<BucketRestore::Outcome> BucketRestore::run(const Request& request, JobControl& control)
{
    const ObjectsPart& part = request.part;
    const auto endpoint = s3::AwsEnvironment().resolve(request.location, request.secret);
    if (!endpoint.ok())
        return endpoint.error();
    s3::S3Client client(*endpoint, request.location.bucket);
    client.setControl(BucketSnapshot::unowned(control));

    // Every entry the manifest names, and which of them go back.
    QHash<QString, qsizetype> byEntry;
    for (qsizetype i = 0; i < part.objects.size(); ++i)
        byEntry.insert(part.entryOf(part.objects[i]), i);
    QSet<qsizetype> toUpload(request.changes.missing.cbegin(), request.changes.missing.cend());
    toUpload.unite(QSet<qsizetype>(request.changes.changed.cbegin(), request.changes.changed.cend()));
    const QSet<qsizetype> wasMissing(request.changes.missing.cbegin(), request.changes.missing.cend());

    auto damaged = [&](const QString& detail) {
        return Error{tr("The archive of the bucket in this backup does not match its manifest: nothing more was put back."), detail};
    };
    control.setPhase(tr("Putting the objects of %1 back…").arg(request.location.url()));
    Outcome outcome;
    QSet<qsizetype> seen;
    ArchiveReader reader;
    if (Status opened = reader.open(request.archive); !opened)
        return opened.error();
    const qint64 inMemoryLimit = client.tuning.partSize;
    ArchiveEntry entry;
    while (!toUpload.isEmpty() && reader.next(entry)) {
        if (control.isCanceled())
            return Error{tr("Canceled."), {}, ErrorCode::Canceled};
        if (entry.type == ArchiveEntry::Type::Directory && (entry.path == u"objects" || entry.path == u"other-keys"))
            continue;
        const auto found = byEntry.constFind(entry.path);
        if (found == byEntry.constEnd() || entry.type != ArchiveEntry::Type::File || seen.contains(*found))
            return damaged(QStringLiteral("unexpected entry %1").arg(entry.path));
        seen.insert(*found);
        if (!toUpload.contains(*found))
            continue; // unchanged: libarchive skips its bytes
        const StoredObject& object = part.objects[*found];
        const QString key = BucketComparison::targetKey(part, object, request.location);

        // The bytes, checked against the manifest before anything is sent.
        QByteArray body;
        std::unique_ptr<QFile> spill;
        if (object.size > inMemoryLimit) {
            spill = std::make_unique<QFile>(QDir(request.workDir).filePath(QStringLiteral("object.part")));
            if (!spill->open(QIODevice::WriteOnly | QIODevice::Truncate))
                return Error{tr("Cannot write %1.").arg(spill->fileName()), spill->errorString()};
            spill->setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        } else {
            body.reserve(object.size);
        }
        Sha256 hash;
        qint64 read = 0;
        bool writeFailed = false;
        const Status copied = reader.readData([&](const char* data, qint64 size) {
            hash.add(data, size);
            read += size;
            if (spill)
                writeFailed = spill->write(data, size) != size;
            else if (read <= object.size)
                body.append(data, size);
            return !writeFailed && read <= object.size;
        });
        if (!copied)
            return copied.error();
        if (writeFailed)
            return Error{tr("Cannot write %1.").arg(spill->fileName()), spill->errorString()};
        if (read != object.size || hash.hex() != object.sha256)
            return damaged(QStringLiteral("%1: %2 bytes, %3 in the manifest, or another SHA-256").arg(object.key).arg(read).arg(object.size));
        if (spill)
            spill->close();

        const auto uploaded = spill ? client.uploadFile(key, spill->fileName()) : client.uploadBytes(key, body);
        if (spill)
            spill->remove();
        if (!uploaded.ok())
            return uploaded.error();
        if (uploaded->sha256 != object.sha256 || (s3::isPlainMd5(uploaded->etag) && s3::isPlainMd5(object.etag) && uploaded->etag != object.etag))
            return Error{tr("The storage holds other bytes than were sent for “%1”.").arg(key),
                         QStringLiteral("ETag %1, backup's %2").arg(uploaded->etag, object.etag)};
        outcome.uploaded << key;
        if (wasMissing.contains(*found))
            outcome.created.append({key, uploaded->etag});
        toUpload.remove(*found);
        control.log(tr("Put back “%1” (%2 bytes).").arg(key).arg(object.size));
    }
    if (!reader.status())
        return reader.status().error();
    if (!toUpload.isEmpty())
        return damaged(QStringLiteral("%1 object(s) missing from the archive, first %2").arg(toUpload.size()).arg(part.objects[*toUpload.cbegin()].key));

    if (request.removeAdded) {
        control.setPhase(tr("Removing the objects added since the backup…"));
        for (const s3::ObjectInfo& added : request.changes.added) {
            if (Status removed = client.remove(added.key); !removed)
                return removed.error();
            outcome.removed << added.key;
            control.log(tr("Removed “%1”, added since the backup.").arg(added.key));
        }
    }
    return outcome;
}

Result<QStringList> BucketRestore::putBack(const PutBack& what, JobControl& control)
{
    QStringList warnings;
    if (!what.safetyBackup.isEmpty()) {
        const QFileInfo bundle(what.safetyBackup);
        const Backup safety = Catalog::inspect(bundle.absolutePath(), bundle.fileName());
        if (Status complete = safety.checkComplete(); !complete)
            return Error{tr("The safety backup %1 of the bucket is not usable: %2").arg(bundle.fileName(), complete.error().message)};
        const ObjectsPart* part = safety.manifest->findObjects(what.label);
        if (!part)
            return Error{tr("The safety backup %1 holds no bucket “%2”.").arg(bundle.fileName(), what.label)};
        Result<BucketChanges> changes = BucketComparison::run(*part, what.location, what.secret, control);
        if (!changes.ok())
            return changes.error();
        // removeAdded stays false: what the safety copy does not hold stays (the created keys are below)
        const Request request{*part, QDir(safety.path).filePath(part->archive), what.location, what.secret, *changes, false, what.workDir};
        if (const auto restored = run(request, control); !restored.ok())
            return restored.error();
    }
    const auto endpoint = s3::AwsEnvironment().resolve(what.location, what.secret);
    if (!endpoint.ok())
        return endpoint.error();
    s3::S3Client client(*endpoint, what.location.bucket);
    client.setControl(BucketSnapshot::unowned(control));
    for (const auto& [key, etag] : what.created) {
        const auto now = client.head(key);
        if (!now.ok() && now.error().code == ErrorCode::NotFound)
            continue;
        if (!now.ok())
            return now.error();
        if (!etag.isEmpty() && now->etag != etag) {
            warnings << tr("“%1” was changed after the restore and is kept.").arg(key);
            continue;
        }
        if (Status removed = client.remove(key); !removed)
            return removed.error();
        control.log(tr("Removed “%1”, which the restore had added.").arg(key));
    }
    return warnings;
}

} // namespace coffre
