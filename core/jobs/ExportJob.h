#pragma once

#include "JobControl.h"
#include "Result.h"
#include "catalog/Backup.h"

#include <QCoreApplication>
#include <QFuture>

#include <memory>
#include <optional>

namespace coffre {

struct ExportRequest
{
    Backup backup;
    QString destination;     // "/media/usb/backup_x.zip": .zip or .tar
    bool overwrite = false;  // the window's save dialog has asked already
};

// Saves a complete backup as one file: a .tar (the bundle as it is, one folder named after the
// backup) or a .zip (QuaZip, stored: the parts are compressed already). Each file's SHA-256 is
// checked as it is read; the archive is written as "<destination>.part", synced, and renamed
// only when whole, so a cancel, a failure or a full disk never leaves a file that looks done.
class ExportJob
{
    Q_DECLARE_TR_FUNCTIONS(ExportJob)

public:
    enum class Format { Tar, Zip };
    static std::optional<Format> formatOf(const QString& path); // from the extension

    static QFuture<Result<qint64>> start(ExportRequest request, std::shared_ptr<JobControl> control);
    // Blocking: for a worker thread. Returns the size of the file written.
    static Result<qint64> run(const ExportRequest& request, JobControl& control);
    // The backup as a .tar on an open stream (stdout for `export NAME --to -`, piped over ssh).
    // Nothing to rename or sync: the reader (import) checks every checksum as it arrives.
    static Result<qint64> runToStream(const Backup& backup, int fd, JobControl& control);

private:
    static Result<qint64> writeFile(const ExportRequest& request, JobControl& control);
};

} // namespace coffre
