#include "BucketComparison.h"

#include "BucketSnapshot.h"
#include "s3/AwsEnvironment.h"
#include "s3/S3Client.h"
#include "util/Sha256.h"

#include <QHash>
#include <QRegularExpression>

namespace coffre {
qint64 BucketChanges::bytesToUpload(const ObjectsPart& part) const
{
    qint64 total = 0;
    for (const QList<qsizetype>* list : {&missing, &changed}) {
        for (const qsizetype index : *list)
            total += part.objects[index].size;
    }
    return total;
}

QString BucketComparison::targetKey(const ObjectsPart& part, const StoredObject& object, const s3::S3Location& location)
{
    return location.keyFor(part.relativeKey(object.key));
}

Result<BucketChanges> BucketComparison::run(const ObjectsPart& part, const s3::S3Location& location, const QString& secret,
                                            JobControl& control)
{
    const auto listing = BucketSnapshot::list(location, secret, control);
    if (!listing.ok())
        return listing.error();
    QHash<QString, const s3::ObjectInfo*> now;
    for (const s3::ObjectInfo& object : listing->objects)
        now.insert(object.key, &object);

    s3::S3Client client(listing->endpoint, location.bucket);
    client.setControl(BucketSnapshot::unowned(control));
    BucketChanges changes;
    for (qsizetype i = 0; i < part.objects.size(); ++i) {
        if (control.isCanceled())
            return Error{tr("Canceled."), {}, ErrorCode::Canceled};
        const StoredObject& stored = part.objects[i];
        const s3::ObjectInfo* current = now.take(targetKey(part, stored, location));
        if (!current) {
            changes.missing << i;
            continue;
        }
        bool same = current->size == stored.size;
        if (same && current->etag != stored.etag) {
            if (s3::isPlainMd5(current->etag) && s3::isPlainMd5(stored.etag)) {
                same = false;
            } else {
                control.setPhase(tr("Reading “%1” to compare it…").arg(current->key));
                Sha256 hash;
                const Status read = client.download(current->key, [&hash](const char* data, qint64 size) {
                    hash.add(data, size);
                    return Status();
                });
                if (!read)
                    return read.error();
                same = hash.hex() == stored.sha256;
            }
        }
        if (same)
            ++changes.unchanged;
        else
            changes.changed << i;
    }
    for (const s3::ObjectInfo& object : listing->objects) {
        if (now.contains(object.key))
            changes.added << object;
    }
    return changes;
}

} // namespace coffre
