#include "ExportJob.h"

#include "VerifyJob.h"
#include "audit/AuditLog.h"
#include "storage/DiskUsage.h"
#include "util/Background.h"
#include "util/HumanSize.h"
#include "util/RenameNoReplace.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QtConcurrent>

#include <archive.h>
#include <archive_entry.h>
#include <quazip/quazip.h>
#include <quazip/quazipfile.h>

#include <fcntl.h>
#include <unistd.h>

namespace coffre {
namespace {

constexpr qint64 Zip32Limit = 0xFFFF0000LL; // past this, zip needs its 64-bit extension

// Where the entries of an export go: a tar through libarchive or a zip through QuaZip.
class EntryWriter
{
public:
    virtual ~EntryWriter() = default;
    virtual bool openFolder(const QString& name, const QDateTime& time) = 0;
    virtual bool openFile(const QString& name, qint64 size, const QDateTime& time) = 0;
    virtual bool write(const char* data, qint64 size) = 0;
    virtual bool closeFile() = 0;
    virtual bool finish() = 0;
    virtual QString errorString() const = 0;
};

class TarWriter : public EntryWriter
{
public:
    explicit TarWriter(const QString& path)
        : TarWriter(::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), true)
    {
    }
    // A stream (stdout, a pipe to ssh): written to, never closed or synced here.
    static std::unique_ptr<TarWriter> onStream(int fd) { return std::unique_ptr<TarWriter>(new TarWriter(fd, false)); }
    ~TarWriter() override
    {
        // Unfinished (a failure, a cancel): no end-of-archive marker, so that a stream cut here
        // never reads as a whole .tar; freeing would write one.
        if (!m_finished)
            archive_write_fail(m_archive.get());
        if (m_fd >= 0 && m_ownsFile)
            ::close(m_fd);
    }
    bool isOpen() const { return m_open; }
    bool openFolder(const QString& name, const QDateTime& time) override { return header(name + u'/', AE_IFDIR, 0700, 0, time); }
    bool openFile(const QString& name, qint64 size, const QDateTime& time) override { return header(name, AE_IFREG, 0600, size, time); }
    bool write(const char* data, qint64 size) override { return archive_write_data(m_archive.get(), data, size_t(size)) == size; }
    bool closeFile() override { return archive_write_finish_entry(m_archive.get()) == ARCHIVE_OK; }
    bool finish() override
    {
        m_finished = true;
        return archive_write_close(m_archive.get()) == ARCHIVE_OK && (!m_ownsFile || ::fsync(m_fd) == 0);
    }
    QString errorString() const override
    {
        const char* text = archive_error_string(m_archive.get());
        return text ? QString::fromUtf8(text) : QString::fromLocal8Bit(std::strerror(errno));
    }

private:
    TarWriter(int fd, bool ownsFile) : m_fd(fd), m_ownsFile(ownsFile)
    {
        archive_write_set_format_pax_restricted(m_archive.get());
        archive_write_set_bytes_in_last_block(m_archive.get(), 1);
        m_open = m_fd >= 0 && archive_write_open_fd(m_archive.get(), m_fd) == ARCHIVE_OK;
    }

    bool header(const QString& name, unsigned type, int mode, qint64 size, const QDateTime& time)
    {
        std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(), &archive_entry_free);
        archive_entry_copy_pathname(entry.get(), name.toUtf8().constData());
        archive_entry_set_filetype(entry.get(), type);
        archive_entry_set_perm(entry.get(), mode);
        archive_entry_set_size(entry.get(), size);
        archive_entry_set_mtime(entry.get(), time.toSecsSinceEpoch(), 0);
        return archive_write_header(m_archive.get(), entry.get()) == ARCHIVE_OK;
    }

    std::unique_ptr<archive, decltype(&archive_write_free)> m_archive{archive_write_new(), &archive_write_free};
    int m_fd = -1;
    bool m_ownsFile = true;
    bool m_open = false;
    bool m_finished = false;
};

class ZipWriter : public EntryWriter
{
public:
    ZipWriter(const QString& path, bool zip64) : m_path(path), m_zip(path)
    {
        // Created private before QuaZip opens it: it holds .env secrets, whatever the umask.
        const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd >= 0)
            ::close(fd);
        m_zip.setZip64Enabled(zip64);
        m_zip.open(QuaZip::mdCreate);
    }
    bool isOpen() const { return m_zip.isOpen(); }
    bool openFolder(const QString& name, const QDateTime& time) override
    {
        QuaZipNewInfo info(name + u'/');
        info.dateTime = time;
        info.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        return m_file.open(QIODevice::WriteOnly, info, nullptr, 0, 0, 0) && closeFile();
    }
    bool openFile(const QString& name, qint64, const QDateTime& time) override
    {
        QuaZipNewInfo info(name);
        info.dateTime = time;
        info.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        return m_file.open(QIODevice::WriteOnly, info, nullptr, 0, 0 /* stored */, 0);
    }
    bool write(const char* data, qint64 size) override { return m_file.write(data, size) == size; }
    bool closeFile() override
    {
        m_file.close();
        return m_file.getZipError() == ZIP_OK;
    }
    bool finish() override
    {
        m_zip.close();
        if (m_zip.getZipError() != ZIP_OK)
            return false;
        const int fd = ::open(QFile::encodeName(m_path).constData(), O_RDONLY | O_CLOEXEC);
        const bool synced = fd >= 0 && ::fsync(fd) == 0;
        if (fd >= 0)
            ::close(fd);
        return synced;
    }
    QString errorString() const override { return QStringLiteral("zip error %1").arg(m_zip.getZipError()); }

private:
    QString m_path;
    QuaZip m_zip;
    QuaZipFile m_file{&m_zip};
};

// The bundle as one folder named after the backup, each file's checksum checked as it is read.
// `verified`: each file's checksum is checked as it is read (a file export); a stream leaves it to
// its reader (`import -`), which checks every file anyway: hashing twice cost a third of a
// download's time on two cores (docs/PERFORMANCE.md).
Status writeBundle(const Backup& backup, const QByteArray& manifestBytes, EntryWriter& writer,
                   const QString& destination, JobControl& control, bool verified = true)
{
    const Manifest& manifest = *backup.manifest;
    const QString bundle = backup.path;
    auto writeFailed = [&] {
        return Error{ExportJob::tr("Could not write “%1” (is the disk full?).").arg(destination), writer.errorString()};
    };

    control.setBytesTotal(manifest.filesTotalBytes() + manifestBytes.size());
    control.setPhase(ExportJob::tr("Saving %1…").arg(backup.name));
    const QDateTime time = manifest.finished;
    const QString top = backup.name;
    if (!writer.openFolder(top, time))
        return writeFailed();
    if (!writer.openFile(top + QStringLiteral("/manifest.json"), manifestBytes.size(), time) ||
        !writer.write(manifestBytes.constData(), manifestBytes.size()) || !writer.closeFile())
        return writeFailed();
    control.addBytesDone(manifestBytes.size());
    for (const BundleFile& entry : manifest.files) {
        if (!writer.openFile(top + u'/' + entry.path, entry.size, time))
            return writeFailed();
        const auto write = [&](const char* data, qint64 size) -> Status {
            return writer.write(data, size) ? Status() : Status(writeFailed());
        };
        const Result<QString> sha256 = verified ? VerifyJob::readHashed(bundle, entry, control, write)
                                                : VerifyJob::readOnly(bundle, entry, control, write);
        if (!sha256 && sha256.error().code == ErrorCode::Canceled)
            return Error{ExportJob::tr("Canceled: nothing was saved."), {}, ErrorCode::Canceled};
        if (!sha256)
            return sha256.error();
        if (!writer.closeFile())
            return writeFailed();
        if (verified && *sha256 != entry.sha256)
            return Error{ExportJob::tr("The file “%1” is damaged: its checksum does not match the manifest. Nothing was saved.").arg(entry.path),
                         QStringLiteral("expected %1, found %2").arg(entry.sha256, *sha256)};
        if (verified)
            control.log(ExportJob::tr("%1: checksum OK").arg(entry.path));
    }
    return {};
}

} // namespace

std::optional<ExportJob::Format> ExportJob::formatOf(const QString& path)
{
    if (path.endsWith(QLatin1String(".zip"), Qt::CaseInsensitive))
        return Format::Zip;
    if (path.endsWith(QLatin1String(".tar"), Qt::CaseInsensitive))
        return Format::Tar;
    return std::nullopt;
}

QFuture<Result<qint64>> ExportJob::start(ExportRequest request, std::shared_ptr<JobControl> control)
{
    return runInBackground([request = std::move(request), control] { return run(request, *control); });
}

Result<qint64> ExportJob::runToStream(const Backup& backup, int fd, JobControl& control)
{
    if (Status complete = backup.checkComplete(); !complete)
        return complete.error();
    QFile manifestFile(QDir(backup.path).filePath(QLatin1String(Manifest::FileName)));
    if (!manifestFile.open(QIODevice::ReadOnly))
        return Error{tr("The manifest of “%1” cannot be read.").arg(backup.name), manifestFile.errorString()};
    const QByteArray manifestBytes = manifestFile.readAll();
    const std::unique_ptr<TarWriter> writer = TarWriter::onStream(fd);
    const QString destination = tr("the output stream");
    if (Status written = writeBundle(backup, manifestBytes, *writer, destination, control, false); !written)
        return written.error();
    if (!writer->finish())
        return Error{tr("Could not write “%1” (is the disk full?).").arg(destination), writer->errorString()};
    return backup.manifest->filesTotalBytes() + manifestBytes.size();
}

Result<qint64> ExportJob::run(const ExportRequest& request, JobControl& control)
{
    AuditRecord audit(QFileInfo(request.backup.path).absolutePath(), AuditAction::Export, {}, request.backup.name);
    const Result<qint64> written = writeFile(request, control);
    audit.finish(written, written ? *written : 0, tr("to %1").arg(request.destination));
    return written;
}

Result<qint64> ExportJob::writeFile(const ExportRequest& request, JobControl& control)
{
    const Backup& backup = request.backup;
    if (Status complete = backup.checkComplete(); !complete)
        return complete.error();
    const std::optional<Format> format = formatOf(request.destination);
    if (!format)
        return Error{tr("Name the file with .zip or .tar at the end: “%1” says neither.").arg(request.destination), {}};
    const QFileInfo destination(request.destination);
    const QFileInfo folder(destination.absolutePath());
    if (!folder.isDir() || !folder.isWritable())
        return Error{tr("The folder “%1” does not exist or cannot be written to.").arg(folder.absoluteFilePath()), {}};
    if ((destination.exists() || destination.isSymLink()) && !request.overwrite)
        return Error{tr("“%1” already exists: it was left as it is.").arg(request.destination), {}};
    const Manifest& manifest = *backup.manifest;
    const QString bundle = backup.path;
    QFile manifestFile(QDir(bundle).filePath(QLatin1String(Manifest::FileName)));
    if (!manifestFile.open(QIODevice::ReadOnly))
        return Error{tr("The manifest of “%1” cannot be read.").arg(backup.name), manifestFile.errorString()};
    const QByteArray manifestBytes = manifestFile.readAll();
    const qint64 total = manifest.filesTotalBytes() + manifestBytes.size();
    if (!DiskUsage::of(folder.absoluteFilePath()).hasRoomFor(total))
        return Error{tr("Not enough free space in %1 for %2.").arg(folder.absoluteFilePath(), humanSize(total)), {}};

    const QString part = request.destination + QStringLiteral(".part");
    QFile::remove(part); // a killed export's leftover: the name is ours
    auto removePart = qScopeGuard([&part] { QFile::remove(part); });
    std::unique_ptr<EntryWriter> writer;
    if (*format == Format::Tar) {
        auto tar = std::make_unique<TarWriter>(part);
        if (!tar->isOpen())
            return Error{tr("Cannot write “%1”.").arg(part), tar->errorString()};
        writer = std::move(tar);
    } else {
        auto zip = std::make_unique<ZipWriter>(part, total >= Zip32Limit);
        if (!zip->isOpen())
            return Error{tr("Cannot write “%1”.").arg(part), zip->errorString()};
        writer = std::move(zip);
    }
    if (Status written = writeBundle(backup, manifestBytes, *writer, request.destination, control); !written)
        return written.error();
    control.setPhase(tr("Writing to disk…"));
    if (!writer->finish())
        return Error{tr("Could not write “%1” (is the disk full?).").arg(request.destination), writer->errorString()};
    writer.reset();
    if (request.overwrite) { // the person chose to replace the file: rename(2) does it in one step
        if (std::rename(QFile::encodeName(part).constData(), QFile::encodeName(request.destination).constData()) != 0)
            return Error{tr("Could not move “%1” to “%2”.").arg(part, request.destination), QString::fromLocal8Bit(std::strerror(errno))};
    } else if (Status renamed = renameNoReplace(part, request.destination); !renamed) {
        return renamed.error();
    }
    removePart.dismiss();
    return QFileInfo(request.destination).size();
}

} // namespace coffre
