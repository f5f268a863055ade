#include "VerifyJob.h"

#include "util/Sha256.h"

#include <QDir>
#include <QFile>

namespace coffre {

Status VerifyJob::run(const Backup& backup, JobControl& control)
{
    if (Status complete = backup.checkComplete(); !complete)
        return complete.error();
    const Manifest& manifest = *backup.manifest;
    if (control.bytesTotal() == 0) // a restore sets its own total, of which this is the first part
        control.setBytesTotal(manifest.filesTotalBytes());
    control.setPhase(tr("Checking the backup's files…"));
    if (Status checked = checkFiles(backup.path, manifest.files, control); !checked)
        return checked.error().code == ErrorCode::Canceled ? Error{tr("The check was canceled."), {}, ErrorCode::Canceled} : checked;
    return {};
}

Status VerifyJob::checkFiles(const QString& bundle, const QList<BundleFile>& files, JobControl& control)
{
    for (const BundleFile& entry : files) {
        const Result<QString> sha256 = readHashed(bundle, entry, control);
        if (!sha256)
            return sha256.error();
        if (Status same = compare(entry, *sha256); !same)
            return same;
        control.log(tr("%1: checksum OK").arg(entry.path));
    }
    return {};
}

Status VerifyJob::compare(const BundleFile& entry, const QString& sha256)
{
    if (sha256 == entry.sha256)
        return {};
    return Error{tr("The file “%1” is damaged: its checksum does not match the manifest. Nothing was changed.").arg(entry.path),
                 QStringLiteral("expected %1, found %2").arg(entry.sha256, sha256)};
}

Status VerifyJob::compareSize(const BundleFile& entry, qint64 size)
{
    if (size == entry.size)
        return {};
    return Error{tr("The file “%1” is damaged: its size does not match the manifest.").arg(entry.path),
                 QStringLiteral("expected %1 bytes, found %2").arg(entry.size).arg(size)};
}

Error VerifyJob::damageOr(const Error& failure, const QString& bundle, const QList<BundleFile>& files, JobControl& control)
{
    if (failure.code == ErrorCode::Canceled || control.isCanceled())
        return failure;
    const Status checked = checkFiles(bundle, files, control);
    return checked || checked.error().code == ErrorCode::Canceled ? failure : checked.error();
}

Result<QString> VerifyJob::readHashed(const QString& bundle, const BundleFile& entry, JobControl& control, const ChunkSink& onChunk)
{
    return read(bundle, entry, control, onChunk, true);
}

Result<QString> VerifyJob::readOnly(const QString& bundle, const BundleFile& entry, JobControl& control, const ChunkSink& onChunk)
{
    return read(bundle, entry, control, onChunk, false);
}

Result<QString> VerifyJob::read(const QString& bundle, const BundleFile& entry, JobControl& control, const ChunkSink& onChunk,
                                bool hashed)
{
    QFile file(QDir(bundle).filePath(entry.path));
    if (!file.open(QIODevice::ReadOnly))
        return Error{tr("The file “%1” of the backup cannot be read.").arg(entry.path), file.errorString()};
    if (Status sized = compareSize(entry, file.size()); !sized)
        return sized.error();
    QByteArray buffer(1 << 20, Qt::Uninitialized);
    Sha256 hash;
    while (true) {
        if (control.isCanceled())
            return Error{tr("Canceled."), {}, ErrorCode::Canceled};
        const qint64 got = file.read(buffer.data(), buffer.size());
        if (got < 0)
            return Error{tr("The file “%1” of the backup cannot be read.").arg(entry.path), file.errorString()};
        if (got == 0)
            return hashed ? hash.hex() : QString();
        if (hashed)
            hash.add(buffer.constData(), got);
        if (onChunk) {
            if (Status passed = onChunk(buffer.constData(), got); !passed)
                return passed.error();
        }
        control.addBytesDone(got);
    }
}

} // namespace coffre
