#include "BackupJob.h"

#include "offsite/OffsiteCopy.h"

#include "Version.h"
#include "archive/CompressedFileWriter.h"
#include "audit/AuditLog.h"
#include "notify/BackupWarnings.h"
#include "archive/PreviousPacks.h"
#include "archive/TreeArchiver.h"
#include "catalog/BundleNames.h"
#include "catalog/Catalog.h"
#include "catalog/ManifestWriter.h"
#include "catalog/RestoreInstructions.h"
#include "objects/BucketSnapshot.h"
#include "postgres/DatabaseSettings.h"
#include "postgres/PassFile.h"
#include "postgres/PgConnection.h"
#include "postgres/PgTools.h"
#include "postgres/PrismaMigrations.h"
#include "postgres/ServerCancel.h"
#include "profile/ProfileStore.h"
#include "storage/DiskUsage.h"
#include "storage/RepositoryLock.h"
#include "util/AtomicFile.h"
#include "util/Background.h"
#include "util/ChildProcess.h"
#include "util/HumanSize.h"
#include "util/SyncTree.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSysInfo>
#include <QtConcurrent>

#include <sys/stat.h>

namespace coffre {
namespace {

const QString TablesQuery = QStringLiteral(
    "select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
    "where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema') "
    "and n.nspname not like 'pg_toast%' and n.nspname not like 'pg_temp%' order by 1, 2");
const QString TableBytesQuery = QStringLiteral(
    "select coalesce(sum(pg_table_size(c.oid)), 0) from pg_class c join pg_namespace n on n.oid = c.relnamespace "
    "where c.relkind in ('r', 'm') and n.nspname not in ('pg_catalog', 'information_schema')");

bool makePrivateFolder(const QString& path)
{
    return ::mkdir(QFile::encodeName(path).constData(), 0700) == 0;
}

// One run of a backup: the checks, the parallel work, the bundle. Everything it creates is
// removed if it does not end with a manifest.
class BackupRun
{
public:
    BackupRun(const BackupRequest& request, JobControl& control) : m_request(request), m_control(control) {}

    ~BackupRun()
    {
        if (!m_bundleDir.isEmpty() && !m_finished)
            QDir(m_bundleDir).removeRecursively();
    }

    Result<Backup> execute()
    {
        QElapsedTimer clock;
        clock.start();
        m_manifest.created = QDateTime::currentDateTimeUtc();
        if (Status ready = prepare(); !ready)
            return ready.error();
        if (Status done = runParts(); !done)
            return done.error();
        if (Status written = writeBundleFiles(clock.elapsed()); !written)
            return written.error();
        m_finished = true;
        m_control.setPhase(BackupJob::tr("Backup %1 complete.").arg(m_manifest.name));
        return Catalog::inspect(m_request.profile.repository, m_manifest.name);
    }

private:
    bool shouldStop() const { return m_control.isCanceled() || m_failed.load(); }
    bool includesDocuments() const { return m_request.includeDocuments && !m_request.profile.documents.isEmpty(); }

    Status canceledOr(const Status& status) const
    {
        return m_control.isCanceled() ? Status(Error{BackupJob::tr("The backup was canceled."), {}, ErrorCode::Canceled}) : status;
    }

    Status prepare()
    {
        const Profile& profile = m_request.profile;
        m_control.setPhase(BackupJob::tr("Checking…"));
        if (!m_request.includeDatabase && !m_request.includeSources && !includesDocuments())
            return Error{BackupJob::tr("Choose at least one part to back up."), {}};
        if (m_request.includeDatabase && profile.database.isEmpty())
            return Error{BackupJob::tr("The profile names no database."), {}};
        if (m_request.includeSources && profile.sources.isEmpty() && !m_request.includeDatabase && !includesDocuments())
            return Error{BackupJob::tr("The profile names no source folder."), {}};
        if (Status outside = ProfileStore::checkRepositoryOutsideSources(profile); m_request.includeSources && !outside)
            return outside;

        const QString repository = profile.repository;
        if (!QFileInfo::exists(repository) && !QDir().mkpath(repository))
            return Error{BackupJob::tr("The backup folder “%1” cannot be created.").arg(repository), {}};
        if (!m_request.repositoryLocked) {
            Result<std::unique_ptr<RepositoryLock>> lock = RepositoryLock::acquire(repository);
            if (!lock)
                return lock.error();
            m_lock = std::move(lock).value();
        }

        if (Status named = chooseName(); !named)
            return named;
        qint64 estimate = 0;
        if (m_request.includeDatabase) {
            Result<qint64> databaseBytes = prepareDatabase();
            if (!databaseBytes)
                return databaseBytes.error();
            estimate += *databaseBytes * (m_request.plainSql ? 2 : 1);
        }
        if (m_request.includeSources && !m_request.gzip) {
            // Once, before the roots are archived side by side: they seal with the same key.
            if (Result<PackSeal> seal = PackSeal::load())
                m_seal = *seal;
            else
                m_control.log(seal.error().message);
        }
        if (m_request.includeSources) {
            const Exclusions exclusions(profile.exclusions);
            for (const SourceRoot& root : profile.sources) {
                Result<SourceTree> tree = SourceTreeScanner::scan(root.path, exclusions, &m_control);
                if (!tree)
                    return tree.error();
                estimate += tree->bytes;
                m_trees.append(std::move(tree).value());
            }
        }
        // Uploaded documents (PDF, images) are compressed already: counted whole for the space.
        qint64 incompressible = 0;
        if (includesDocuments()) {
            Result<BucketListing> listing =
                BucketSnapshot::list(profile.documents, m_request.documentsSecret, m_control, m_request.documentKeys);
            if (!listing)
                return canceledOr(listing.error());
            incompressible = listing->bytes;
            m_documents.emplace(std::move(listing).value());
        }
        if (m_control.isCanceled())
            return canceledOr({});
        m_control.setBytesTotal(estimate + incompressible);
        const DiskUsage disk = DiskUsage::of(repository);
        const qint64 needed = estimate / 2 + incompressible;
        if (!disk.hasRoomFor(needed))
            return Error{BackupJob::tr("Not enough free space in “%1”: about %2 are needed and %3 are free.")
                             .arg(repository, humanSize(needed + DiskUsage::MarginBytes), humanSize(disk.availableBytes)),
                         {}};

        m_bundleDir = QDir(repository).filePath(m_manifest.name);
        if (!makePrivateFolder(m_bundleDir) || (!m_trees.isEmpty() && !makePrivateFolder(m_bundleDir + QStringLiteral("/sources"))) ||
            (m_documents && !makePrivateFolder(m_bundleDir + QStringLiteral("/objects")))) {
            const QString reason = QString::fromLocal8Bit(std::strerror(errno));
            m_bundleDir.clear();
            return Error{BackupJob::tr("The backup folder cannot be created in “%1”.").arg(repository), reason};
        }
        return {};
    }

    Status chooseName()
    {
        QString name = m_request.name.trimmed();
        const QDir repository(m_request.profile.repository);
        if (name.isEmpty()) {
            const QString base = BundleNames::defaultBackupName(QDateTime::currentDateTime());
            name = base;
            for (int i = 2; repository.exists(name); ++i)
                name = base + QStringLiteral("_%1").arg(i);
        } else if (!BundleNames::isValidName(name)) {
            return Error{BackupJob::tr("“%1” is not a valid backup name: use letters, digits, '-', '_' and '.'.").arg(name), {}};
        } else if (repository.exists(name)) {
            return Error{BackupJob::tr("A backup named “%1” already exists.").arg(name), {}};
        }
        m_manifest.name = name;
        return {};
    }

    // Connects, finds a pg_dump at least as new as the server, and returns the bytes to dump.
    Result<qint64> prepareDatabase()
    {
        Result<PgConnection> connection = PgConnection::open(m_request.profile.database, m_request.password);
        if (!connection)
            return connection.error();
        m_db.emplace(std::move(connection).value());
        m_server = m_db->serverInfo();
        Result<PgTool> pgDump = PgTools::find(QStringLiteral("pg_dump"), m_server.majorVersion());
        if (!pgDump)
            return pgDump.error();
        m_pgDump = *pgDump;
        Result<std::unique_ptr<PassFile>> passFile = PassFile::create(m_request.password);
        if (!passFile)
            return passFile.error();
        m_passFile = std::move(passFile).value();
        Result<QString> bytes = m_db->scalar(TableBytesQuery);
        if (!bytes)
            return bytes.error();
        return bytes->toLongLong();
    }

    // The dump(s) and the archives at the same time, each on its own worker.
    Status runParts()
    {
        QString snapshot;
        if (m_db) {
            // The snapshot pg_dump will see; the row counts below are taken in it too.
            if (auto begun = m_db->query(QStringLiteral("begin isolation level repeatable read read only")); !begun)
                return begun.error();
            Result<QString> exported = m_db->scalar(QStringLiteral("select pg_export_snapshot()"));
            if (!exported)
                return exported.error();
            snapshot = *exported;
        }
        m_control.setPhase(BackupJob::tr("Backing up…"));
        QList<QFuture<Status>> parts;
        if (m_db) {
            parts << runInBackground([this, snapshot] { return dump(snapshot, false); });
            if (m_request.plainSql)
                parts << runInBackground([this, snapshot] { return dump(snapshot, true); });
        }
        for (qsizetype i = 0; i < m_trees.size(); ++i)
            parts << runInBackground([this, i] { return archive(i); });
        if (m_documents)
            parts << runInBackground([this] { return snapshotDocuments(); });

        Status counted = m_db ? countRows() : Status();
        if (!counted)
            m_failed = true;
        Status result = counted;
        for (QFuture<Status>& part : parts) {
            part.waitForFinished();
            // The real failure wins over the "stopped" of the parts it stopped, whichever came first.
            const Status status = part.result();
            if (!status && (result || (result.error().code == u"stopped" && status.error().code != u"stopped")))
                result = status;
        }
        if (m_db)
            m_db->query(result ? QStringLiteral("commit") : QStringLiteral("rollback"));
        return canceledOr(result);
    }

    Status countRows()
    {
        Result<QList<QStringList>> tables = m_db->query(TablesQuery);
        if (!tables)
            return tables.error();
        DatabasePart& db = m_database;
        // The database's own settings, which pg_dump leaves out; a role that may not read them
        // still gets its backup, without them (a restore then keeps the current ones).
        if (Result<DatabaseSettingsPart> settings = DatabaseSettings::read(*m_db, m_server.database))
            db.settings = *settings;
        else
            m_control.log(
                BackupJob::tr("The database settings were not recorded: %1").arg(settings.error().toLogString()));
        // Prisma's record of what it applied, in the dump's snapshot: a restore checks it against the
        // code. Under a savepoint: a table of that name that is not Prisma's must not end the
        // snapshot's transaction (and the backup with it).
        m_db->query(QStringLiteral("savepoint coffre_prisma"));
        if (Result<std::optional<QStringList>> migrations = PrismaMigrations::inDatabase(*m_db)) {
            db.prismaMigrations = *migrations;
            m_db->query(QStringLiteral("release savepoint coffre_prisma"));
        } else {
            m_db->query(QStringLiteral("rollback to savepoint coffre_prisma"));
            m_control.log(BackupJob::tr("The Prisma migrations were not recorded: %1").arg(migrations.error().toLogString()));
        }
        // A count of a large table takes minutes on the server alone: the user's Cancel is sent
        // there. Not another part's failure: this transaction holds the snapshot pg_dump imports,
        // and its "invalid snapshot" would then take the real failure's place.
        const ServerCancel cancel(m_db->handle(), [this] { return m_control.isCanceled(); });
        for (const QStringList& row : *tables) {
            if (shouldStop())
                return {};
            const QString sql = QStringLiteral("select count(*) from %1.%2").arg(m_db->quoteIdentifier(row[0]), m_db->quoteIdentifier(row[1]));
            Result<QString> rows = m_db->scalar(sql);
            if (shouldStop())
                return {};
            if (!rows)
                return Error{BackupJob::tr("Could not count the rows of %1.%2.").arg(row[0], row[1]), rows.error().detail};
            db.tables.append({row[0], row[1], rows->toLongLong()});
        }
        return {};
    }

    Status dump(const QString& snapshot, bool plainSql)
    {
        QElapsedTimer clock;
        clock.start();
        const bool zstd = !m_request.gzip;
        // Custom format uncompressed and streamed through multi-threaded zstd measures about 3x
        // faster than pg_dump's own zlib; --gzip keeps pg_dump's zlib for old tooling.
        const Compression compression = plainSql ? (zstd ? Compression::Zstd : Compression::Gzip)
                                                 : (zstd ? Compression::Zstd : Compression::None);
        const QString file = (plainSql ? QStringLiteral("database.sql") : QStringLiteral("database.dump")) +
                             CompressedFileWriter::extension(compression);
        QStringList arguments{QStringLiteral("--dbname=") + m_db->conninfoForChild(), QStringLiteral("--snapshot=") + snapshot,
                              QStringLiteral("--no-password")};
        arguments << (plainSql ? QStringLiteral("--format=plain") : QStringLiteral("--format=custom"));
        if (!plainSql && zstd)
            arguments << QStringLiteral("--compress=0");

        CompressedFileWriter out(QDir(m_bundleDir).filePath(file), file, compression);
        Status status = out.open();
        if (status)
            status = ChildProcess::run(
                m_pgDump.path, arguments, PassFile::childEnvironment(m_passFile.get()),
                [&](const QByteArray& chunk) {
                    m_control.addBytesDone(chunk.size());
                    return out.write(chunk.constData(), chunk.size());
                },
                m_control, [this] { return shouldStop(); });
        Result<BundleFile> written = status ? out.finish() : Result<BundleFile>(status.error());
        if (!written) {
            m_failed = true;
            return written.error();
        }
        const QMutexLocker lock(&m_mutex);
        m_files.append(*written);
        (plainSql ? m_database.plainSqlFile : m_database.file) = file;
        if (!plainSql)
            m_database.durationMs = clock.elapsed();
        return {};
    }

    Status archive(qsizetype index)
    {
        QElapsedTimer clock;
        clock.start();
        const SourceTree& tree = m_trees[index];
        const SourceRoot& root = m_request.profile.sources[index];
        SourcePart part{root.label, root.path, {}, {}, 0, 0, m_request.profile.exclusions, 0, {}};
        QList<BundleFile> files;
        QList<QByteArray> vanished;
        if (m_request.gzip) {
            // One .tar.gz, as old tooling expects: no packs, nothing shared with earlier backups.
            part.archive = QStringLiteral("sources/%1.tar%2").arg(root.label, CompressedFileWriter::extension(Compression::Gzip));
            CompressedFileWriter out(QDir(m_bundleDir).filePath(part.archive), part.archive, Compression::Gzip);
            Status status = out.open();
            if (status)
                status = TreeArchiver::write(tree, out, m_control, [this] { return shouldStop(); }, &part.bytes, &vanished);
            Result<BundleFile> written = status ? out.finish() : Result<BundleFile>(status.error());
            if (!written) {
                m_failed = true;
                return written.error();
            }
            files << *written;
        } else {
            // Packs, linked to an earlier backup's where nothing in them changed (and its seal says
            // this user's backups wrote it). Without a key, packs are all written, and sealed by none.
            TreeArchiver::PackTarget target{m_bundleDir, QStringLiteral("sources/") + root.label, Compression::Zstd, {}, m_seal};
            if (m_seal)
                target.previous = PreviousPacks::find(m_request.profile.repository, root.label, *m_seal);
            Result<TreeArchiver::PackedTree> packed = TreeArchiver::writePacks(tree, target, m_control, [this] { return shouldStop(); });
            if (!packed) {
                m_failed = true;
                return packed.error();
            }
            if (packed->reusedPacks > 0)
                m_control.log(BackupJob::tr("%1: %2 of %3 packs unchanged since an earlier backup, linked rather than written (%4).")
                                  .arg(root.label)
                                  .arg(packed->reusedPacks)
                                  .arg(packed->packs.size())
                                  .arg(humanSize(packed->reusedBytes)));
            part.packs = packed->packs;
            part.bytes = packed->archivedBytes;
            vanished = packed->vanished;
            files = packed->files;
        }
        part.fileCount = qMax<qint64>(0, tree.fileCount - vanished.size());
        part.prismaMigrations = PrismaMigrations::inTree(root.path);
        part.durationMs = clock.elapsed();
        for (const QByteArray& path : vanished)
            part.vanished << QFile::decodeName(path);
        const QMutexLocker lock(&m_mutex);
        m_files.append(files);
        m_sources.append(part);
        return {};
    }

    // The documents bucket's objects, streamed from the storage into objects/documents.tar.zst.
    Status snapshotDocuments()
    {
        const Compression compression = m_request.gzip ? Compression::Gzip : Compression::Zstd;
        const QString label = QLatin1String(Profile::DocumentsLabel);
        const QString file = QStringLiteral("objects/%1.tar%2").arg(label, CompressedFileWriter::extension(compression));
        CompressedFileWriter out(QDir(m_bundleDir).filePath(file), file, compression);
        const Status opened = out.open();
        Result<ObjectsPart> part = opened ? BucketSnapshot::write(*m_documents, label, out, m_control, [this] { return shouldStop(); })
                                          : Result<ObjectsPart>(opened.error());
        Result<BundleFile> written = part ? out.finish() : Result<BundleFile>(part.error());
        if (!written) {
            m_failed = true;
            return written.error();
        }
        part.value().archive = file;
        const QMutexLocker lock(&m_mutex);
        m_files.append(*written);
        m_objects = *part;
        return {};
    }

    // RESTORE_INSTRUCTIONS.md and SHA256SUMS, then the manifest, last.
    Status writeBundleFiles(qint64 elapsedMs)
    {
        m_control.setPhase(BackupJob::tr("Writing the manifest…"));
        Manifest& m = m_manifest;
        m.kind = m_request.kind;
        m.coffreVersion = QLatin1String(Version);
        m.host = QSysInfo::machineHostName();
        m.profile = m_request.profile.name;
        m.note = m_request.note;
        if (m_db) {
            m_database.name = m_server.database;
            m_database.serverVersion = m_server.version;
            m_database.pgDumpVersion = m_pgDump.version;
            m_database.sizeBytes = m_server.databaseSizeBytes;
            m.database = m_database;
        }
        // Keep the profile's order, whatever order the workers finished in.
        for (const SourceRoot& root : m_request.profile.sources) {
            for (const SourcePart& part : m_sources) {
                if (part.label == root.label)
                    m.sources.append(part);
            }
        }
        if (m_objects)
            m.objects = {*m_objects};
        std::sort(m_files.begin(), m_files.end(), [](const BundleFile& a, const BundleFile& b) { return a.path < b.path; });
        m.files = m_files;
        m.finished = QDateTime::currentDateTimeUtc();
        m.durationMs = elapsedMs;

        if (Status written = addSmallFile(QLatin1String(RestoreInstructions::FileName), RestoreInstructions::markdown(m)); !written)
            return written;
        QByteArray sums;
        for (const BundleFile& file : m.files)
            sums += file.sha256.toLatin1() + "  " + file.path.toUtf8() + '\n';
        if (Status written = addSmallFile(QLatin1String(RestoreInstructions::ChecksumsFileName), sums); !written)
            return written;
        // Every part and folder entry on disk before the manifest says the bundle is complete
        // (the writers fsync their files; `sources/` and the bundle's own entry need it too).
        if (Status synced = syncTree(m_bundleDir); !synced)
            return synced;
        // Writes the manifest beside, fsyncs it, renames it, and fsyncs the bundle folder.
        return ManifestWriter::writeToBundle(m, m_bundleDir);
    }

    Status addSmallFile(const QString& name, const QByteArray& content)
    {
        if (Status written = AtomicFile::write(QDir(m_bundleDir).filePath(name), content); !written)
            return written;
        Sha256 hash;
        hash.add(content.constData(), content.size());
        m_manifest.files.append({name, content.size(), hash.hex()});
        return {};
    }

    const BackupRequest& m_request;
    JobControl& m_control;
    std::unique_ptr<RepositoryLock> m_lock;
    std::optional<PgConnection> m_db;
    ServerInfo m_server;
    PgTool m_pgDump;
    std::unique_ptr<PassFile> m_passFile;
    QList<SourceTree> m_trees;
    std::optional<PackSeal> m_seal; // none: every pack written, none sealed
    QString m_bundleDir;
    bool m_finished = false;
    std::atomic<bool> m_failed{false};

    QMutex m_mutex; // guards what the workers hand back: files, database part, source parts
    QList<BundleFile> m_files;
    DatabasePart m_database;
    QList<SourcePart> m_sources;
    std::optional<BucketListing> m_documents;
    std::optional<ObjectsPart> m_objects;
    Manifest m_manifest;
};

} // namespace

Result<Backup> BackupJob::run(const BackupRequest& request, JobControl& control)
{
    AuditRecord audit(request.profile.repository, AuditAction::Create, request.profile.name);
    audit.setKind(kindToString(request.kind));
    BackupRun run(request, control);
    Result<Backup> result = run.execute();
    if (!result)
        control.log(result.error().toLogString());
    audit.setBackup(result ? result->name : QString()); // a failed run leaves no backup to name
    const QStringList warnings = result ? BackupWarnings::afterCreate(request.profile.repository, result->name, request.profile.notify)
                                        : QStringList();
    for (const QString& warning : warnings)
        control.log(warning);
    audit.finish(result, result ? result->sizeBytes : 0, warnings.join(u' '));
    return result;
}

QFuture<Result<Backup>> BackupJob::start(BackupRequest request, std::shared_ptr<JobControl> control)
{
    return runInBackground([request = std::move(request), control]() -> Result<Backup> {
        Result<Backup> made = run(request, *control);
        if (!made.ok() || !request.copyOffsite)
            return made;
        return OffsiteCopy::afterCreate(*made, request, control);
    });
}

} // namespace coffre
