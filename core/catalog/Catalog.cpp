#include "Catalog.h"

#include "drill/DrillJob.h"

#include "BundleNames.h"
#include "ManifestParser.h"
#include "jobs/RestoreJournal.h"
#include "util/Background.h"
#include "util/FolderSize.h"

#include <QDir>
#include <QFileInfo>
#include <QSet>
#include <QtConcurrent>

#include <sys/stat.h>

#include <algorithm>

namespace coffre {
namespace {

QDateTime folderTime(const QFileInfo& folder)
{
    const QDateTime born = folder.birthTime();
    return (born.isValid() ? born : folder.lastModified()).toUTC();
}

// A file that may have other names in other bundles (a pack, hard-linked by a later backup).
struct SharedFile
{
    dev_t device = 0;
    ino_t inode = 0;
    qint64 size = 0;
    bool operator==(const SharedFile&) const = default;
};

size_t qHash(const SharedFile& file, size_t seed = 0)
{
    return qHashMulti(seed, quint64(file.device), quint64(file.inode));
}

// A valid manifest still needs its files: each one present with the size it had when written.
// The packs' identities go to `packs`, so that the repository's total counts each once.
QString missingOrResizedFile(const QDir& bundle, const Manifest& manifest, QList<SharedFile>* packs)
{
    for (const BundleFile& file : manifest.files) {
        struct stat st;
        const bool present = ::stat(QFile::encodeName(bundle.filePath(file.path)).constData(), &st) == 0 && S_ISREG(st.st_mode);
        if (!present)
            return Catalog::tr("The file “%1” is missing.").arg(file.path);
        if (qint64(st.st_size) != file.size)
            return Catalog::tr("The file “%1” has %2 bytes instead of %3.").arg(file.path).arg(qint64(st.st_size)).arg(file.size);
        if (packs && file.path.count(u'/') == 2)
            packs->append({st.st_dev, st.st_ino, qint64(st.st_size)});
    }
    return {};
}

struct Inspected
{
    Backup backup;
    QList<SharedFile> packs;
};

Inspected inspectBundle(const QString& repository, const QString& name);

} // namespace

Backup Catalog::inspect(const QString& repository, const QString& name)
{
    return inspectBundle(repository, name).backup;
}

namespace {

Inspected inspectBundle(const QString& repository, const QString& name)
{
    Inspected inspected;
    Backup& backup = inspected.backup;
    const QDir bundle(QDir(repository).filePath(name));
    backup.name = name;
    backup.path = bundle.absolutePath();
    const QFileInfo folder(backup.path);
    const QFileInfo manifestFile(bundle.filePath(QLatin1String(Manifest::FileName)));

    if (!manifestFile.exists()) {
        backup.status = BackupStatus::Incomplete;
        backup.problem = Catalog::tr("No manifest: the backup was interrupted or is still being written.");
        backup.created = folderTime(folder);
        backup.sizeBytes = folderBytes(backup.path);
        return inspected;
    }

    Result<Manifest> manifest = ManifestParser::readFile(manifestFile.filePath());
    if (manifest) {
        backup.problem = missingOrResizedFile(bundle, *manifest, &inspected.packs);
        if (backup.problem.isEmpty()) {
            backup.status = BackupStatus::Complete;
            backup.created = manifest->created;
            backup.sizeBytes = manifest->filesTotalBytes() + manifestFile.size();
            backup.manifest = std::make_shared<const Manifest>(std::move(manifest).value());
            return inspected;
        }
    } else {
        backup.problem = manifest.error().message;
    }
    backup.status = BackupStatus::Damaged;
    backup.created = manifest ? manifest->created : folderTime(folder);
    backup.sizeBytes = folderBytes(backup.path);
    inspected.packs.clear(); // a damaged one is counted by its folder
    return inspected;
}

} // namespace

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
    const QList<Inspected> inspected =
        QtConcurrent::blockingMapped(backgroundPool(), names, [folder](const QString& name) { return inspectBundle(folder, name); });
    const QHash<QString, QDateTime> proven = DrillJob::provenRestorable(folder);
    // What the backups take on disk: a pack that later backups link (the same bytes under several
    // names) is counted once, as the disk holds it.
    QSet<SharedFile> counted;
    for (const Inspected& one : inspected) {
        Backup backup = one.backup;
        scan.totalBytes += backup.sizeBytes;
        for (const SharedFile& pack : one.packs) {
            if (counted.contains(pack))
                scan.totalBytes -= pack.size;
            else
                counted.insert(pack);
        }
        backup.provenRestorable = proven.value(backup.name);
        scan.backups.append(backup);
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
