#include "VerifyJob.h"

#include "util/Sha256.h"

#include <QDir>
#include <QFile>

namespace coffre {

Status VerifyJob::run(const Backup& backup, JobControl& control)
{
    if (backup.status != BackupStatus::Complete || !backup.manifest)
        return Error{tr("The backup “%1” is %2: %3").arg(backup.name, statusToString(backup.status), backup.problem), {}};
    const Manifest& manifest = *backup.manifest;
    if (control.bytesTotal() == 0) // a restore sets its own total, of which this is the first part
        control.setBytesTotal(manifest.filesTotalBytes());
    control.setPhase(tr("Checking the backup's files…"));
    QByteArray buffer(1 << 20, Qt::Uninitialized);
    for (const BundleFile& entry : manifest.files) {
        QFile file(QDir(backup.path).filePath(entry.path));
        if (!file.open(QIODevice::ReadOnly))
            return Error{tr("The file “%1” of the backup cannot be read.").arg(entry.path), file.errorString()};
        Sha256 hash;
        qint64 size = 0;
        while (true) {
            if (control.isCanceled())
                return Error{tr("The check was canceled."), {}, ErrorCode::Canceled};
            const qint64 got = file.read(buffer.data(), buffer.size());
            if (got < 0)
                return Error{tr("The file “%1” of the backup cannot be read.").arg(entry.path), file.errorString()};
            if (got == 0)
                break;
            hash.add(buffer.constData(), got);
            size += got;
            control.addBytesDone(got);
        }
        const QString sha256 = hash.hex();
        if (size != entry.size || sha256 != entry.sha256)
            return Error{tr("The file “%1” is damaged: its checksum does not match the manifest. Nothing was changed.")
                             .arg(entry.path),
                         QStringLiteral("expected %1 (%2 bytes), found %3 (%4 bytes)").arg(entry.sha256).arg(entry.size).arg(sha256).arg(size)};
        control.log(tr("%1: checksum OK").arg(entry.path));
    }
    return {};
}

} // namespace coffre
