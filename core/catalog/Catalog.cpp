#include "Catalog.h"

#include "drill/DrillJob.h"

#include "BundleNames.h"
#include "ManifestParser.h"
#include "jobs/RestoreJournal.h"
#include "util/Background.h"
#include "util/FolderSize.h"

#include <QDir>
#include <QFileInfo>
#include <QtConcurrent>

#include <algorithm>

namespace coffre {
namespace {

QDateTime folderTime(const QFileInfo& folder)
{
    const QDateTime born = folder.birthTime();
    return (born.isValid() ? born : folder.lastModified()).toUTC();
}

// A valid manifest still needs its files: each one present with the size it had when written.
QString missingOrResizedFile(const QDir& bundle, const Manifest& manifest)
{
    for (const BundleFile& file : manifest.files) {
        const QFileInfo info(bundle.filePath(file.path));
        if (!info.isFile())
            return Catalog::tr("The file “%1” is missing.").arg(file.path);
        if (info.size() != file.size)
            return Catalog::tr("The file “%1” has %2 bytes instead of %3.").arg(file.path).arg(info.size()).arg(file.size);
    }
    return {};
}

} // namespace

Backup Catalog::inspect(const QString& repository, const QString& name)
{
    const QDir bundle(QDir(repository).filePath(name));
    Backup backup;
    backup.name = name;
    backup.path = bundle.absolutePath();
    const QFileInfo folder(backup.path);
    const QFileInfo manifestFile(bundle.filePath(QLatin1String(Manifest::FileName)));

    if (!manifestFile.exists()) {
        backup.status = BackupStatus::Incomplete;
        backup.problem = tr("No manifest: the backup was interrupted or is still being written.");
        backup.created = folderTime(folder);
        backup.sizeBytes = folderBytes(backup.path);
        return backup;
    }

    Result<Manifest> manifest = ManifestParser::readFile(manifestFile.filePath());
    if (manifest) {
        backup.problem = missingOrResizedFile(bundle, *manifest);
        if (backup.problem.isEmpty()) {
            backup.status = BackupStatus::Complete;
            backup.created = manifest->created;
            backup.sizeBytes = manifest->filesTotalBytes() + manifestFile.size();
            backup.manifest = std::make_shared<const Manifest>(std::move(manifest).value());
            return backup;
        }
    } else {
        backup.problem = manifest.error().message;
    }
    backup.status = BackupStatus::Damaged;
    backup.created = manifest ? manifest->created : folderTime(folder);
    backup.sizeBytes = folderBytes(backup.path);
    return backup;
}

Result<RepositoryScan> Catalog::scan(const QString& repository)
{
    const QFileInfo root(repository);
    if (!root.exists())
        return Error{tr("The repository folder “%1” does not exist.").arg(repository), {}};
    if (!root.isDir() || !root.isReadable())
        return Error{tr("The repository “%1” is not a readable folder.").arg(repository), {}};

    RepositoryScan scan;
    scan.repository = root.absoluteFilePath();
    // Hidden entries hold the lock and staging folders; names Coffre would never give
    // (lost+found, "My files") are not backups and are left alone.
    QStringList names = QDir(repository).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks);
    names.removeIf([](const QString& name) { return !BundleNames::isValidName(name); });
    // Each folder is a manifest to parse and a few files to stat: spread them over the cores.
    const QString folder = scan.repository;
    scan.backups = QtConcurrent::blockingMapped(backgroundPool(), names, [folder](const QString& name) { return inspect(folder, name); });
    const QHash<QString, QDateTime> proven = DrillJob::provenRestorable(folder);
    for (Backup& backup : scan.backups) {
        scan.totalBytes += backup.sizeBytes;
        backup.provenRestorable = proven.value(backup.name);
    }
    std::sort(scan.backups.begin(), scan.backups.end(),
              [](const Backup& a, const Backup& b) { return a.created > b.created; });
    scan.disk = DiskUsage::of(scan.repository);
    const Result<RestoreJournal> last = RestoreJournal::read(QDir(folder).filePath(QLatin1String(RestoreJournal::LastFile)));
    scan.restoreUndoable = last && (last->state == u"done" || last->state == u"undoing"); // undoing: an undo stopped halfway
    if (scan.restoreUndoable)
        scan.lastRestore = *last;
    scan.restoreInterrupted = QFileInfo::exists(QDir(folder).filePath(QLatin1String(RestoreJournal::InProgressFile)));
    scan.lastScheduledRun = AuditLog::lastMatching(folder, [](const AuditEntry& entry) {
        return entry.action == AuditAction::Create && entry.kind == u"scheduled";
    });
    return scan;
}

} // namespace coffre
