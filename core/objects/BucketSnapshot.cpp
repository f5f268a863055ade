#include "BucketSnapshot.h"

#include "archive/ArchiveWriting.h"
#include "ObjectKeys.h"
#include "s3/AwsEnvironment.h"
#include "util/Sha256.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSet>

#include <archive.h>
#include <archive_entry.h>

#include <memory>

namespace coffre {

Result<BucketListing> BucketSnapshot::list(const s3::S3Location& location, const QString& secret, JobControl& control,
                                           const std::optional<QStringList>& onlyKeys)
{
    const auto endpoint = s3::AwsEnvironment().resolve(location, secret);
    if (!endpoint.ok())
        return endpoint.error();
    control.setPhase(tr("Listing %1…").arg(location.url()));
    s3::S3Client client(*endpoint, location.bucket);
    client.setControl(unowned(control));
    const auto listed = client.list(location.prefix.isEmpty() ? QString() : location.prefix + u'/');
    if (!listed.ok())
        return listed.error();
    BucketListing listing{location, *endpoint, {}, 0};
    const QSet<QString> wanted = onlyKeys ? QSet<QString>(onlyKeys->cbegin(), onlyKeys->cend()) : QSet<QString>();
    for (const s3::ObjectInfo& object : listed->objects) {
        if (onlyKeys && !wanted.contains(object.key))
            continue;
        listing.objects.append(object);
        listing.bytes += object.size;
    }
    return listing;
}

Result<ObjectsPart> BucketSnapshot::write(const BucketListing& listing, const QString& label, CompressedFileWriter& out,
                                          JobControl& control, const StopCheck& stop)
{
    QElapsedTimer clock;
    clock.start();
    ObjectsPart part;
    part.label = label;
    part.bucket = listing.location.bucket;
    part.prefix = listing.location.prefix;
    part.endpoint = listing.location.endpoint;

    ArchiveSink sink{&out, {}};
    ArchiveWritePtr a(archive_write_new(), &archive_write_free);
    archive_write_set_format_pax_restricted(a.get());
    // Names as UTF-8 bytes, whatever the locale (a cron run in C), as TreeArchiver writes them.
    archive_write_set_format_option(a.get(), "pax", "hdrcharset", "BINARY");
    archive_write_set_bytes_in_last_block(a.get(), 1);
    if (archive_write_open2(a.get(), &sink, nullptr, ArchiveSink::write, nullptr, nullptr) != ARCHIVE_OK)
        return Error{tr("Could not start the archive of %1.").arg(listing.location.url()), QString::fromUtf8(archive_error_string(a.get()))};
    auto archiveError = [&](const QString& key) -> Error {
        if (!sink.status)
            return sink.status.error(); // the disk said no: that message is the useful one
        return Error{tr("Could not archive the object “%1” of %2.").arg(key, listing.location.url()),
                     QString::fromUtf8(archive_error_string(a.get()))};
    };
    auto changed = [&](const QString& key, const QString& detail) {
        return Error{tr("The object “%1” of %2 changed while the backup read it: run the backup again.").arg(key, listing.location.url()), detail};
    };
    const qint64 now = QDateTime::currentSecsSinceEpoch();

    // The fixed root first: a hand extraction puts every object under objects/.
    {
        ArchiveEntryPtr root(archive_entry_new(), &archive_entry_free);
        archive_entry_copy_pathname(root.get(), "objects/");
        archive_entry_set_filetype(root.get(), AE_IFDIR);
        archive_entry_set_perm(root.get(), 0700);
        archive_entry_set_mtime(root.get(), now, 0);
        if (archive_write_header(a.get(), root.get()) != ARCHIVE_OK)
            return archiveError(QStringLiteral("objects/"));
    }

    QStringList relativeKeys;
    relativeKeys.reserve(listing.objects.size());
    for (const s3::ObjectInfo& object : listing.objects)
        relativeKeys << part.relativeKey(object.key);
    const QStringList otherNames = ObjectKeys::entryNames(relativeKeys);

    s3::S3Client client(listing.endpoint, listing.location.bucket);
    client.setControl(unowned(control));
    for (qsizetype i = 0; i < listing.objects.size(); ++i) {
        const s3::ObjectInfo& object = listing.objects[i];
        if (stop())
            return Error{tr("Stopped."), {}, QStringLiteral("stopped")};
        StoredObject stored{object.key, object.size, object.etag, {}, object.modified.toUTC(), otherNames[i]};
        const QByteArray entryName = part.entryOf(stored).toUtf8();
        bool headerWritten = false;
        auto writeHeader = [&]() -> Status {
            ArchiveEntryPtr entry(archive_entry_new(), &archive_entry_free);
            archive_entry_copy_pathname(entry.get(), entryName.constData());
            archive_entry_set_filetype(entry.get(), AE_IFREG);
            archive_entry_set_perm(entry.get(), 0600);
            archive_entry_set_size(entry.get(), object.size);
            archive_entry_set_mtime(entry.get(), object.modified.isValid() ? object.modified.toSecsSinceEpoch() : now, 0);
            headerWritten = true;
            if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK)
                return archiveError(object.key);
            return {};
        };
        Sha256 sha256;
        QCryptographicHash md5(QCryptographicHash::Md5);
        qint64 received = 0;
        // The header waits for the first bytes: an object deleted since the listing leaves no entry.
        const Status downloaded = client.download(object.key, [&](const char* data, qint64 size) -> Status {
            if (stop())
                return Error{tr("Stopped."), {}, QStringLiteral("stopped")};
            if (!headerWritten) {
                if (Status written = writeHeader(); !written)
                    return written;
            }
            if (received + size > object.size)
                return changed(object.key, QStringLiteral("more than the %1 bytes listed").arg(object.size));
            if (archive_write_data(a.get(), data, size_t(size)) != la_ssize_t(size))
                return archiveError(object.key);
            sha256.add(data, size);
            md5.addData(QByteArrayView(data, size));
            received += size;
            return {};
        });
        if (!downloaded) {
            if (!headerWritten && downloaded.error().code == ErrorCode::NotFound) {
                control.log(tr("The object “%1” was deleted while the backup ran.").arg(object.key));
                part.vanished << object.key;
                continue;
            }
            return downloaded.error();
        }
        if (!headerWritten) {
            if (Status written = writeHeader(); !written)
                return written.error();
        }
        if (received != object.size)
            return changed(object.key, QStringLiteral("%1 bytes read, %2 listed").arg(received).arg(object.size));
        const QString bytesMd5 = QString::fromLatin1(md5.result().toHex());
        if (s3::isPlainMd5(object.etag) && bytesMd5 != object.etag)
            return changed(object.key, QStringLiteral("MD5 %1, ETag %2").arg(bytesMd5, object.etag));
        stored.sha256 = sha256.hex();
        part.objects.append(stored);
        part.bytes += object.size;
    }
    if (archive_write_close(a.get()) != ARCHIVE_OK)
        return archiveError(QString());
    if (!sink.status)
        return sink.status.error();
    part.objectCount = part.objects.size();
    part.durationMs = clock.elapsed();
    return part;
}

} // namespace coffre
