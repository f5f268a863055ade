#include "ImportJob.h"

#include "VerifyJob.h"
#include "audit/AuditLog.h"
#include "archive/SecureExtractor.h"
#include "catalog/BundleLayout.h"
#include "catalog/BundleNames.h"
#include "catalog/Catalog.h"
#include "storage/DiskUsage.h"
#include "storage/RepositoryLock.h"
#include "util/Background.h"
#include "util/HumanSize.h"
#include "util/RenameNoReplace.h"
#include "util/SyncTree.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

#include <unistd.h>
#include <QUuid>
#include <QtConcurrent>

namespace coffre {
namespace {

// Whatever permissions the file carried, an imported backup is private like one made here.
void makePrivate(const QString& folder)
{
    QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    QDirIterator it(folder, QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo info(it.next());
        QFile::setPermissions(info.filePath(), info.isDir() ? QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                                            : QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }
}

// Staging folders of imports that were killed: only ever ours, removed under the lock.
void removeLeftovers(const QString& repository)
{
    const QStringList leftovers = QDir(repository).entryList({QLatin1String(ImportJob::StagingPrefix) + u'*'},
                                                             QDir::Dirs | QDir::Hidden | QDir::NoSymLinks);
    for (const QString& name : leftovers)
        QDir(QDir(repository).filePath(name)).removeRecursively();
}

} // namespace

QFuture<Result<Backup>> ImportJob::start(QString repository, QString file, std::shared_ptr<JobControl> control)
{
    return runInBackground([repository, file, control] { return run(repository, file, *control); });
}

// Every file against the manifest, from the checksums taken while extracting: the stream of a
// download is read once. A file without one (never, from Coffre's exports) is read again.
Status ImportJob::checkHashes(const Backup& staged, const QByteArray& top, const QHash<QByteArray, QString>& taken,
                              JobControl& control)
{
    control.setPhase(tr("Checking the backup's files…"));
    for (const BundleFile& entry : staged.manifest->files) {
        QString sha256 = taken.value(top + '/' + entry.path.toUtf8());
        if (sha256.isEmpty()) {
            const Result<QString> read = VerifyJob::readHashed(staged.path, entry, control);
            if (!read)
                return read.error();
            sha256 = *read;
        } else if (QFileInfo(QDir(staged.path).filePath(entry.path)).size() != entry.size) {
            return Error{tr("The file “%1” is damaged: its size does not match the manifest. Nothing was added.").arg(entry.path), {}};
        }
        if (sha256 != entry.sha256)
            return Error{tr("The file “%1” is damaged: its checksum does not match the manifest. Nothing was added.").arg(entry.path),
                         QStringLiteral("expected %1, found %2").arg(entry.sha256, sha256)};
        control.log(tr("%1: checksum OK").arg(entry.path));
    }
    return {};
}

Result<Backup> ImportJob::run(const QString& repository, const QString& file, JobControl& control)
{
    const bool fromStdin = file == QLatin1String(StandardInput);
    AuditRecord audit(repository, AuditAction::Import);
    const Result<Backup> imported = [&]() -> Result<Backup> {
        if (fromStdin)
            return runFromStream(repository, STDIN_FILENO, control);
        const QFileInfo input(file);
        if (!input.isFile() || !input.isReadable())
            return Error{tr("The file “%1” does not exist or cannot be read.").arg(file), {}};
        return importFrom(repository, file, -1, control);
    }();
    if (imported)
        audit.setBackup(imported->name);
    audit.finish(imported, imported ? imported->sizeBytes : 0,
                 fromStdin ? tr("from standard input") : tr("from %1").arg(file));
    return imported;
}

Result<Backup> ImportJob::runFromStream(const QString& repository, int fd, JobControl& control, qint64 expectedBytes)
{
    // libarchive reads a pipe through its /proc name like a file, without seeking.
    return importFrom(repository, QStringLiteral("/proc/self/fd/%1").arg(fd), expectedBytes, control);
}

Result<Backup> ImportJob::importFrom(const QString& repository, const QString& file, qint64 streamBytes, JobControl& control)
{
    const bool fromStream = streamBytes >= 0;
    const QFileInfo input(file);
    if (!QFileInfo(repository).isDir())
        return Error{tr("The repository folder “%1” does not exist.").arg(repository), {}};
    Result<std::unique_ptr<RepositoryLock>> lock = RepositoryLock::acquire(repository);
    if (!lock)
        return lock.error();
    removeLeftovers(repository);
    if (!fromStream && !DiskUsage::of(repository).hasRoomFor(input.size()))
        return Error{tr("Not enough free space in %1 for %2.").arg(repository, humanSize(input.size())), {}};

    const QString staging = QDir(repository).filePath(QLatin1String(StagingPrefix) + QUuid::createUuid().toString(QUuid::Id128).left(12));
    const auto removeStaging = qScopeGuard([&staging] { QDir(staging).removeRecursively(); });
    const QString fileName = fromStream ? tr("the input stream") : input.fileName();
    auto refuse = [&](const QString& why) -> Result<Backup> {
        return Error{tr("“%1” is not a Coffre backup that can be imported: %2 Nothing was added.").arg(fileName, why), {}};
    };

    control.setBytesTotal(fromStream ? streamBytes : input.size()); // checksums are taken while extracting
    control.setPhase(tr("Reading %1…").arg(fileName));
    // What an export holds is stored, not compressed: more than twice its size out is a bomb. A
    // stream's size is unknown: it may not fill the disk.
    const DiskUsage disk = DiskUsage::of(repository);
    const qint64 streamLimit = disk.valid ? std::max<qint64>(1, disk.availableBytes * 95 / 100) : 0; // 0: no limit known
    const qint64 limit = fromStream ? streamLimit : 2 * input.size() + (64 << 20);
    Result<SecureExtractor::Summary> extracted =
        SecureExtractor::extract(file, staging, control, limit, {}, SecureExtractor::Owners::Mine, SecureExtractor::Hashing::Files);
    if (!extracted)
        return Error{extracted.error().message + u' ' + tr("Nothing was added."), extracted.error().detail, extracted.error().code};
    if (!extracted->skippedLinks.isEmpty())
        return refuse(tr("it holds links (“%1”), which a backup never has.").arg(extracted->skippedLinks.first()));

    const QStringList top = QDir(staging).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    if (top.size() != 1 || !QFileInfo(QDir(staging).filePath(top.first())).isDir())
        return refuse(tr("it should hold one folder, named after the backup, and it holds %n entries.", nullptr, int(top.size())));
    const QString name = top.first();
    if (!BundleNames::isValidName(name))
        return refuse(tr("“%1” is not a valid backup name.").arg(name));
    if (const QString foreign = BundleLayout::foreignEntry(QDir(staging).filePath(name)); !foreign.isEmpty())
        return refuse(tr("it holds “%1”, which a backup never has.").arg(foreign));
    Backup staged = Catalog::inspect(staging, name);
    if (staged.status != BackupStatus::Complete)
        return refuse(staged.problem);
    if (staged.manifest->name != name)
        return refuse(tr("its folder “%1” and its manifest (“%2”) name different backups.").arg(name, staged.manifest->name));
    if (QFileInfo::exists(QDir(repository).filePath(name)))
        return Error{tr("A backup named “%1” is already in %2: nothing was added.").arg(name, repository), {}};
    if (Status verified = checkHashes(staged, name.toUtf8(), extracted->sha256, control); !verified)
        return verified.error(); // "… Nothing was changed."

    makePrivate(QDir(staging).filePath(name));
    // On disk before it appears in the repository as a complete backup (DECISIONS 29).
    if (Status synced = syncTree(QDir(staging).filePath(name)); !synced)
        return synced.error();
    if (Status moved = renameNoReplace(QDir(staging).filePath(name), QDir(repository).filePath(name)); !moved)
        return moved.error();
    if (Status synced = syncFolder(repository); !synced) // in place already: said, not failed
        control.log(synced.error().toLogString());
    control.log(tr("Imported %1 from %2.").arg(name, fileName));
    return Catalog::inspect(repository, name);
}

} // namespace coffre
