#include "RestoreJob.h"

#include "audit/AuditLog.h"

#include "BackupJob.h"
#include "InPlaceRestore.h"
#include "RestoreCarry.h"
#include "RestoreSwap.h"
#include "VerifyJob.h"
#include "archive/Decompressor.h"
#include "archive/SecureExtractor.h"
#include "objects/BucketRestore.h"
#include "postgres/CustomDumpIndexer.h"
#include "postgres/DatabaseAdmin.h"
#include "postgres/DatabaseNames.h"
#include "postgres/DatabaseSettings.h"
#include "postgres/PassFile.h"
#include "postgres/PgTools.h"
#include "postgres/ServerCancel.h"
#include "postgres/StreamedDumpRestore.h"
#include "storage/DiskUsage.h"
#include "storage/RepositoryLock.h"
#include "util/Background.h"
#include "util/ChildProcess.h"
#include "util/HumanSize.h"
#include "util/RemoveTree.h"
#include "util/SyncTree.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtConcurrent>

#include <sys/stat.h>

#include <atomic>

namespace coffre {
namespace {

// A post-restore command (npm ci, prisma generate) that takes longer than this is stuck.
constexpr qint64 PostRestoreCommandLimitMs = 30 * 60 * 1000;

QString timeStamp()
{
    return QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd_HHmmss"));
}

// Removes a staging folder of a restore, and never anything else: the path comes from a journal
// on disk, and an empty or odd one must not turn into "the current folder".
void removeStaging(const QString& path)
{
    const QFileInfo info(path);
    if (!path.isEmpty() && info.isAbsolute() && info.fileName().startsWith(u'.') && info.fileName().contains(QLatin1String(".restoring_")))
        removeTree(path);
}

// A restore killed after making its staging folder in the repository and before writing its
// journal leaves `.restore-<stamp>` that no journal names. With no journal and the lock free,
// no restore is running: every such folder is an orphan (found by the kill-fuzz test).
void removeOrphanStaging(const QString& repository)
{
    if (!QFileInfo::exists(repository))
        return;
    Result<std::unique_ptr<RepositoryLock>> lock = RepositoryLock::acquire(repository);
    if (!lock)
        return;
    const QDir folder(repository);
    for (const QString& name : folder.entryList({QStringLiteral(".restore-*")}, QDir::Dirs | QDir::Hidden | QDir::NoSymLinks))
        removeTree(folder.filePath(name));
}

QString bucketSafetyName(const QString& stamp)
{
    return QStringLiteral("safety_before_restore_") + stamp + QStringLiteral("_documents");
}

// Puts a bucket that a restore changed back as it was (its safety copy back, the objects the
// restore created removed), and marks it so in `journal`. A work folder in the repository holds an
// object too large for memory; `.restore-*`, so a crash leaves nothing a recovery would not remove.
Status putBucketBack(RestoreJournal& journal, const QString& secret, const QString& repository, JobControl& control,
                     QStringList* warnings = nullptr)
{
    RestoreJournal::Bucket& bucket = *journal.bucket;
    if (bucket.location.isEmpty())
        return Error{RestoreJob::tr("The restore journal does not say which bucket to put back."), {}};
    control.setPhase(RestoreJob::tr("Putting %1 back as it was…").arg(bucket.location.url()));
    QTemporaryDir work(QDir(repository).filePath(QStringLiteral(".restore-bucket-XXXXXX")));
    if (!work.isValid())
        return Error{RestoreJob::tr("Cannot create a staging folder in the repository."), work.errorString()};
    const BucketRestore::PutBack what{bucket.label, bucket.location, secret, bucket.safetyBackup, bucket.created, work.path()};
    const Result<QStringList> back = BucketRestore::putBack(what, control);
    if (!back)
        return back.error();
    for (const QString& warning : *back)
        control.log(warning);
    if (warnings)
        *warnings += *back;
    bucket.reverted = true;
    return {};
}

const SourceRoot* findRoot(const Profile& profile, const QString& label)
{
    for (const SourceRoot& root : profile.sources) {
        if (root.label == label)
            return &root;
    }
    return nullptr;
}

class RestoreRun
{
public:
    RestoreRun(const RestoreRequest& request, JobControl& control) : m_request(request), m_control(control) {}

    // Whatever was staged and not swapped into place goes away, whatever happened.
    ~RestoreRun()
    {
        if (!m_stagingDir.isEmpty())
            removeTree(m_stagingDir);
        for (const RestoreJournal::Folder& folder : m_journal.folders)
            removeStaging(folder.staging);
        if (!m_swapped && m_createdDatabase && m_admin)
            m_admin->dropCreated(m_journal.databaseRestored, m_journal.restoredOid);
        if (!m_journalPath.isEmpty() && !m_swapped && !m_keepJournal)
            QFile::remove(m_journalPath); // cleaned up here: nothing for the next start to do
    }

    Result<RestoreOutcome> execute()
    {
        m_journal.stamp = freeStamp();
        m_journal.backup = m_request.backup.name;
        m_journal.profile = m_request.profile.name;
        Result<std::unique_ptr<RepositoryLock>> lock = RepositoryLock::acquire(m_request.profile.repository);
        if (!lock)
            return lock.error();
        m_lock = std::move(lock).value(); // held until the destructor has cleaned up, journal included
        // The journal of a restore that was killed names copies only it can put back: never overwrite it.
        if (QFileInfo::exists(QDir(m_request.profile.repository).filePath(QLatin1String(RestoreJournal::InProgressFile))))
            return Error{RestoreJob::tr("An earlier restore was interrupted and has not been put back yet: open Coffre, or run "
                                        "coffre-cli restore again once the database server is reachable."),
                         {}};
        if (Status complete = m_request.backup.checkComplete(); !complete)
            return complete.error();
        if (Status ready = prepare(); !ready)
            return ready.error();
        m_control.setBytesTotal(plannedBytes());
        if (Status verified = verifyUnstreamed(); !verified)
            return canceledOr(verified.error());
        // From here on a killed process leaves staged files: the journal names them for the next start.
        m_journal.state = QStringLiteral("staging");
        const QString journalPath = QDir(m_request.profile.repository).filePath(QLatin1String(RestoreJournal::InProgressFile));
        if (Status written = m_journal.write(journalPath); !written)
            return written.error();
        m_journalPath = journalPath;
        // The folders are extracted on a worker while the database loads: they share nothing. A
        // folder that fails (a damaged pack) stops the load at once rather than after it, and its
        // error is the one said.
        QFuture<Status> extraction = runInBackground([this] {
            Status extracted = extractSources();
            m_extractionFailed = !extracted;
            return extracted;
        });
        Status restored = m_restoreDatabase && m_canCreate ? restoreDatabaseAside() : Status();
        const Status extracted = extraction.result();
        m_outcome.warnings << m_extractionWarnings; // after the join: the database's side adds its own meanwhile
        if (!extracted)
            return canceledOr(extracted.error());
        if (!restored)
            return canceledOr(restored.error());
        if (m_control.isCanceled())
            return canceledOr({});
        if (!m_request.asDatabase.isEmpty()) {
            m_swapped = true; // the inspection database stays
            m_outcome.databaseInspection = m_request.asDatabase;
        }
        if (Status bucket = restoreBucket(); !bucket)
            return m_bucketChanged ? putBucketBackAfter(bucket.error()) : canceledOr(bucket.error());
        if (Status swapped = swapIntoPlace(); !swapped)
            return m_bucketChanged ? putBucketBackAfter(swapped.error()) : swapped.error();
        runPostRestoreCommands();
        m_outcome.journal = m_journal;
        m_control.setPhase(RestoreJob::tr("Restore of %1 complete.").arg(m_request.backup.name));
        return m_outcome;
    }

private:
    // Before the swap, a cancel is why whatever stopped stopped: say so, and that nothing changed.
    Error canceledOr(const Error& error) const
    {
        if (!m_control.isCanceled())
            return error;
        return Error{RestoreJob::tr("The restore was canceled. Nothing was changed."), error.toLogString(), ErrorCode::Canceled};
    }

    // Two restores within one second would give their folders the same names: "_2", "_3"... then.
    QString freeStamp() const
    {
        const QString now = timeStamp();
        for (int n = 1;; ++n) {
            const QString stamp = n == 1 ? now : now + u'_' + QString::number(n);
            bool taken = false;
            for (const QString& label : m_request.sources) {
                const SourceRoot* root = findRoot(m_request.profile, label);
                const QString path = root ? QDir::cleanPath(root->path) : QString();
                for (const QString& copy : {path + QStringLiteral(".before_restore_") + stamp, path + QStringLiteral(".undone_") + stamp})
                    taken = taken || (root && (QFileInfo::exists(copy) || QFileInfo(copy).isSymLink()));
            }
            // The safety backup of an in-place restore takes the stamp too.
            const QDir repository(m_request.profile.repository);
            taken = taken || QFileInfo::exists(repository.filePath(QStringLiteral("safety_before_restore_") + stamp)) ||
                    QFileInfo::exists(repository.filePath(bucketSafetyName(stamp)));
            if (!taken)
                return stamp;
        }
    }

    // The files this restore reads whole before using them: all but the folders' archives and a
    // dump it streams, whose checksums are taken as they are read. Nothing is swapped in before
    // every checksum matched.
    QList<BundleFile> filesCheckedFirst() const
    {
        const Manifest& m = *m_request.backup.manifest;
        QStringList paths;
        if (m_restoreDatabase && !m_streamToc)
            paths << m.database->file;
        if (m_bucketPart)
            paths << m_bucketPart->archive;
        return bundleFiles(paths);
    }

    // The manifest's entries for these files; one it does not list gets an empty checksum, which
    // no file matches.
    QList<BundleFile> bundleFiles(const QStringList& paths) const
    {
        QList<BundleFile> files;
        for (const QString& path : paths) {
            const BundleFile* file = m_request.backup.manifest->findFile(path);
            files << (file ? *file : BundleFile{path, -1, {}});
        }
        return files;
    }

    Status verifyUnstreamed()
    {
        m_control.setPhase(VerifyJob::tr("Checking the backup's files…"));
        return VerifyJob::checkFiles(m_request.backup.path, filesCheckedFirst(), m_control);
    }

    // For progress: the files checked first, a dump decompressed, the database's growth, each tree extracted.
    qint64 plannedBytes() const
    {
        const Manifest& m = *m_request.backup.manifest;
        qint64 total = 0;
        for (const BundleFile& file : filesCheckedFirst())
            total += file.size;
        if (m_restoreDatabase) {
            if (const BundleFile* dump = m.findFile(m.database->file); dump && !m_streamToc)
                total += dump->size;
            total += m.database->sizeBytes; // pg_restore's part: see measureGrowth()
        }
        for (const SourcePart* part : m_parts)
            total += part->bytes;
        return total;
    }

    Status prepare()
    {
        const Manifest& m = *m_request.backup.manifest;
        m_restoreDatabase = m_request.database;
        if (m_restoreDatabase && !m.database)
            return Error{RestoreJob::tr("This backup holds no database."), {}};
        for (const QString& label : m_request.sources) {
            const SourcePart* part = nullptr;
            for (const SourcePart& p : m.sources)
                part = p.label == label ? &p : part;
            const SourceRoot* root = findRoot(m_request.profile, label);
            if (!part)
                return Error{RestoreJob::tr("This backup holds no folder “%1”.").arg(label), {}};
            if (!root)
                return Error{RestoreJob::tr("The profile has no folder labelled “%1” to restore into.").arg(label), {}};
            const QString path = QDir::cleanPath(root->path);
            const QFileInfo info(path);
            RestoreJournal::Folder folder;
            folder.path = path;
            folder.before = path + QStringLiteral(".before_restore_") + m_journal.stamp;
            folder.staging = info.absolutePath() + QStringLiteral("/.") + info.fileName() + QStringLiteral(".restoring_") + m_journal.stamp;
            folder.exclusions = RestoreCarry::patterns(m_request.profile.exclusions, *part);
            m_parts.append(part);
            m_journal.folders.append(folder);
            const DiskUsage disk = DiskUsage::of(info.absolutePath());
            if (!disk.hasRoomFor(part->bytes))
                return Error{RestoreJob::tr("Not enough free space beside “%1”: %2 are needed and %3 are free.")
                                 .arg(path, humanSize(part->bytes), humanSize(disk.availableBytes)),
                             {}};
        }
        if (!m_request.bucket.isEmpty()) {
            if (Status ready = prepareBucket(); !ready)
                return ready;
        }
        if (!m_restoreDatabase && m_journal.folders.isEmpty() && !m_bucketPart)
            return Error{RestoreJob::tr("Choose at least one part to restore."), {}};
        if (!m_restoreDatabase)
            return {};

        Result<DatabaseAdmin> admin = DatabaseAdmin::connect(m_request.profile.database, m_request.password);
        if (!admin)
            return admin.error();
        m_admin.emplace(std::move(admin).value());
        const ServerInfo server = m_admin->connection().serverInfo();
        const int dumpMajor = m.database->pgDumpVersion.section(u'.', 0, 0).toInt();
        Result<PgTool> tool = PgTools::find(QStringLiteral("pg_restore"), qMax(server.majorVersion(), dumpMajor));
        if (!tool)
            return tool.error();
        m_pgRestore = *tool;
        Result<std::unique_ptr<PassFile>> passFile = PassFile::create(m_request.password);
        if (!passFile)
            return passFile.error();
        m_passFile = std::move(passFile).value();
        // The profile's database, as libpq resolves it: never the name recorded in the backup,
        // which may be another database (a copy, another server).
        m_journal.serverPid = m_admin->serverPid();
        m_journal.database = PgConnection::databaseNameOf(m_request.profile.database, m_request.password);
        if (m_journal.database.isEmpty())
            return Error{RestoreJob::tr("The profile does not say which database to restore into: give its name."), {}};
        m_canCreate = m_admin->canCreateDatabases();
        const Result<quint32> liveOid = m_admin->oidOf(m_journal.database);
        if (!liveOid)
            return liveOid.error();
        m_journal.databaseOid = *liveOid;
        if (!m_request.asDatabase.isEmpty()) {
            if (!m_canCreate)
                return Error{RestoreJob::tr("Restoring under another name needs a role that may create databases."), {}};
            if (!DatabaseNames::fits(m_request.asDatabase))
                return Error{RestoreJob::tr("“%1” is longer than PostgreSQL allows for a name (63 bytes).").arg(m_request.asDatabase), {}};
            if (m_admin->exists(m_request.asDatabase))
                return Error{RestoreJob::tr("A database named “%1” already exists.").arg(m_request.asDatabase), {}};
            m_journal.databaseRestored = m_request.asDatabase;
        } else {
            // Free, exact, 63 bytes at most, never the live name: recovery drops what these name.
            const auto taken = [this](const QString& name) { return name == m_journal.databaseRestored || m_admin->exists(name); };
            m_journal.databaseRestored = DatabaseNames::unused(m_journal.database, QStringLiteral("restoring_") + m_journal.stamp, taken);
            m_journal.databaseBefore = DatabaseNames::unused(m_journal.database, QStringLiteral("before_restore_") + m_journal.stamp, taken);
            if (m_journal.databaseRestored.isEmpty() || m_journal.databaseBefore.isEmpty())
                return Error{RestoreJob::tr("No free name is left for the restore's temporary databases."), {}};
        }
        chooseStreaming();
        if (Status room = checkServerRoom(); !room)
            return room;
        // A streamed dump needs room for its TOC only. Otherwise the dump is decompressed into the
        // repository (pg_database_size is a fair upper bound), and in place its SQL is written
        // beside it (InPlaceRestore): about as much again.
        const DiskUsage disk = DiskUsage::of(m_request.profile.repository);
        const qint64 unpacked = m_streamToc ? m_streamToc->size + (1 << 20) : m.database->sizeBytes * (m_canCreate ? 1 : 2);
        if (!disk.hasRoomFor(unpacked))
            return Error{
                RestoreJob::tr(
                    "Not enough free space in “%1” to unpack the database dump: about %2 are needed and %3 are free.")
                    .arg(m_request.profile.repository, humanSize(unpacked), humanSize(disk.availableBytes)),
                {}};
        m_stagingDir = QDir(m_request.profile.repository).filePath(QStringLiteral(".restore-") + m_journal.stamp);
        if (::mkdir(QFile::encodeName(m_stagingDir).constData(), 0700) != 0) {
            m_stagingDir.clear();
            return Error{RestoreJob::tr("Cannot create a staging folder in the repository."), {}};
        }
        return {};
    }

    // The restored database is made beside the live one, which stays until the swap: on a server
    // whose disk cannot hold both, say so now rather than fail an hour in. Only when the server is
    // on this machine (a unix socket) and says where its data is (a superuser, pg_read_all_settings).
    Status checkServerRoom()
    {
        if (!m_canCreate)
            return {};
        const Result<QList<QStringList>> where = m_admin->connection().query(
            QStringLiteral("select current_setting('data_directory'), coalesce(host(inet_server_addr()), '')"));
        if (!where || where->isEmpty())
            return {};
        // Over a unix socket only: through an ssh tunnel 127.0.0.1 is another machine's server.
        const QString dataDirectory = where->first().value(0);
        if (!where->first().value(1).isEmpty())
            return {};
        const DiskUsage disk = DiskUsage::of(dataDirectory);
        const qint64 needed = m_request.backup.manifest->database->sizeBytes;
        // A shared table's tail exists twice for a moment (staged, then appended): at most half of
        // the largest table, so half the database. Without that room, tables load whole: the
        // live database shares this disk and must never run out of it.
        m_roomForTails = disk.hasRoomFor(needed + needed / 2);
        if (disk.hasRoomFor(needed))
            return {};
        return Error{RestoreJob::tr("Not enough free space for the restored database beside the current one: about %1 are needed "
                                    "and %2 are free on the database server's disk (%3). Nothing was changed.")
                         .arg(humanSize(needed), humanSize(disk.availableBytes), dataDirectory),
                     {}};
    }

    // A new database from a .zst custom dump is loaded straight from the bundle (StreamedDumpRestore);
    // a plain SQL dump, pg_dump's own compression or a restore in place go through a decompressed copy.
    void chooseStreaming()
    {
        const QString file = m_request.backup.manifest->database->file;
        if (!m_canCreate || !file.endsWith(QLatin1String(".dump.zst")))
            return;
        Result<DumpToc> toc = StreamedDumpRestore::readToc(QDir(m_request.backup.path).filePath(file));
        const QString why = toc ? StreamedDumpRestore::whyNotStreamable(*toc) : toc.error().message;
        if (why.isEmpty())
            m_streamToc = std::move(toc).value();
        else
            m_control.log(RestoreJob::tr("The dump is decompressed before pg_restore reads it: %1").arg(why));
    }

    // The dump as a plain file pg_restore can seek in (pg_restore --jobs needs one).
    Result<QString> dumpFile()
    {
        const Manifest& m = *m_request.backup.manifest;
        const QString bundled = QDir(m_request.backup.path).filePath(m.database->file);
        if (!bundled.endsWith(QLatin1String(".zst")) && !bundled.endsWith(QLatin1String(".gz")))
            return bundled;
        m_control.setPhase(RestoreJob::tr("Decompressing the database dump…"));
        const QString plain = QDir(m_stagingDir).filePath(QStringLiteral("database.dump"));
        CustomDumpIndexer index;
        if (Status done = Decompressor::toFile(bundled, plain, m_control, [&index](const char* d, qint64 n) { index.feed(d, n); }); !done)
            return done.error();
        // Positions of the data blocks in the TOC: pg_restore --jobs then seeks instead of scanning.
        if (Result<int> patched = index.patch(plain))
            m_control.log(RestoreJob::tr("Indexed %1 data blocks of the dump for parallel restore.").arg(*patched));
        else
            m_control.log(patched.error().toLogString());
        return plain;
    }

    Status pgRestore(const QString& dump, const QString& database, const QStringList& extra)
    {
        QStringList arguments{QStringLiteral("--dbname=") + m_admin->connection().conninfoForChild(database),
                              QStringLiteral("--exit-on-error"), QStringLiteral("--no-password")};
        if (!m_admin->isSuperuser())
            arguments << QStringLiteral("--no-owner"); // objects then belong to the restoring role
        arguments << extra << dump;
        auto stopOrMeasure = [&] {
            measureGrowth(database);
            return m_control.isCanceled() || m_extractionFailed;
        };
        const Status restored = ChildProcess::run(m_pgRestore.path, arguments, PassFile::childEnvironment(m_passFile.get()),
                                                  [](const QByteArray&) { return Status(); }, m_control, stopOrMeasure);
        if (!restored)
            return Error{RestoreJob::tr("pg_restore failed: the database was not changed."), restored.error().toLogString(),
                         restored.error().code};
        return {};
    }

    // pg_restore and COPY say nothing while they work: the database's growth towards the size the
    // backup recorded is the progress (polled once a second, capped, topped up at the end).
    void measureGrowth(const QString& database)
    {
        if (m_sinceGrowthPoll.isValid() && m_sinceGrowthPoll.elapsed() < 1000)
            return;
        m_sinceGrowthPoll.start();
        const QString sizeQuery = QStringLiteral("select pg_database_size(oid) from pg_database where datname::text = $1::text");
        if (const Result<QString> size = m_admin->connection().scalar(sizeQuery, {database})) {
            const qint64 now = qMin(size->toLongLong(), m_request.backup.manifest->database->sizeBytes);
            m_control.addBytesDone(qMax<qint64>(0, now - m_growthCounted));
            m_growthCounted = qMax(m_growthCounted, now);
        }
    }

    Status loadDatabase(const QString& database)
    {
        if (!m_streamToc) {
            Result<QString> dump = dumpFile();
            if (!dump)
                return dump.error();
            m_control.setPhase(RestoreJob::tr("Restoring the database into “%1”…").arg(database));
            return pgRestore(*dump, database, {QStringLiteral("--jobs=2")});
        }
        m_control.setPhase(RestoreJob::tr("Restoring the database into “%1”…").arg(database));
        StreamedDumpRestore::Request streamed;
        streamed.bundle = m_request.backup.path;
        streamed.entry = *m_request.backup.manifest->findFile(m_request.backup.manifest->database->file);
        streamed.toc = *m_streamToc;
        streamed.workDir = m_stagingDir;
        streamed.target = m_request.profile.database;
        streamed.target.dbname = database;
        streamed.password = m_request.password;
        if (!m_roomForTails)
            streamed.tailBytes = 0;
        streamed.pgRestore = [this, database](const QString& archive, const QStringList& extra) { return pgRestore(archive, database, extra); };
        streamed.tick = [this, database] { measureGrowth(database); };
        streamed.abandoned = [this] { return m_extractionFailed.load(); };
        return StreamedDumpRestore::run(streamed, m_control);
    }

    Status restoreDatabaseAside()
    {
        if (Status created = m_admin->createLike(m_journal.databaseRestored, m_journal.database); !created)
            return created;
        m_createdDatabase = true;
        // Its OID in the journal: the only database a recovery may drop is the one made here.
        if (const Result<quint32> oid = m_admin->oidOf(m_journal.databaseRestored))
            m_journal.restoredOid = *oid;
        if (Status written = m_journal.write(m_journalPath); !written)
            return written;
        const Status loaded = loadDatabase(m_journal.databaseRestored);
        m_control.addBytesDone(m_request.backup.manifest->database->sizeBytes - m_growthCounted);
        if (!loaded)
            return loaded;
        if (Status counted = compareRowCounts(m_journal.databaseRestored, CancelStops::Yes); !counted)
            return counted;
        if (m_request.asDatabase.isEmpty())
            return restoreSettings(m_journal.databaseRestored);
        return {};
    }

    // The backup's own database settings; a backup made before they were recorded keeps the
    // current database's (what copySettings did for every restore before).
    Status restoreSettings(const QString& database)
    {
        const std::optional<DatabaseSettingsPart>& settings = m_request.backup.manifest->database->settings;
        if (!settings) {
            if (database == m_journal.database || !m_admin->exists(m_journal.database))
                return {};
            return m_admin->copySettings(m_journal.database, database);
        }
        m_control.setPhase(RestoreJob::tr("Restoring the database settings…"));
        for (const QString& warning : DatabaseSettings::apply(m_admin->connection(), database, *settings)) {
            m_control.log(warning);
            m_outcome.warnings << warning;
        }
        return {};
    }

    enum class CancelStops { Yes, No };
    Status compareRowCounts(const QString& database, CancelStops cancelStops)
    {
        m_control.setPhase(RestoreJob::tr("Comparing row counts with the backup…"));
        DatabaseTarget target = m_request.profile.database;
        target.dbname = database;
        Result<PgConnection> connection = PgConnection::open(target, m_request.password);
        if (!connection)
            return connection.error();
        // A count of a large table takes minutes on the server alone: Cancel is sent there.
        const auto stopNow = [this, cancelStops] { return cancelStops == CancelStops::Yes && m_control.isCanceled(); };
        const ServerCancel cancel(connection->handle(), stopNow);
        for (const TableRowCount& t : m_request.backup.manifest->database->tables) {
            PgConnection& c = connection.value();
            Result<QString> rows = c.scalar(QStringLiteral("select count(*) from %1.%2").arg(c.quoteIdentifier(t.schema), c.quoteIdentifier(t.table)));
            if (stopNow())
                return Error{RestoreJob::tr("Canceled."), {}, ErrorCode::Canceled};
            if (!rows || rows->toLongLong() != t.rows)
                return Error{RestoreJob::tr("The restored table %1.%2 has %3 rows where the backup has %4: the restore is refused.")
                                 .arg(t.schema, t.table, rows ? *rows : QStringLiteral("?"))
                                 .arg(t.rows),
                             rows ? QString() : rows.error().detail};
        }
        return {};
    }

    Status extractSources()
    {
        for (qsizetype i = 0; i < m_journal.folders.size(); ++i) {
            const RestoreJournal::Folder& folder = m_journal.folders[i];
            m_control.setPhase(RestoreJob::tr("Extracting “%1”…").arg(m_parts[i]->label));
            // The manifest says how many bytes the tree holds: more is a forged archive.
            const QList<BundleFile> archives = bundleFiles(m_parts[i]->archiveFiles());
            Result<SecureExtractor::Summary> extracted =
                SecureExtractor::extract(m_parts[i]->archivePaths(m_request.backup.path), folder.staging, m_control, m_parts[i]->bytes + 1,
                                         {}, SecureExtractor::Owners::Archived, SecureExtractor::Hashing::Archives);
            if (!extracted)
                return VerifyJob::damageOr(extracted.error(), m_request.backup.path, archives, m_control);
            for (const BundleFile& archive : archives) {
                const QString read = extracted->archiveSha256.value(QDir(m_request.backup.path).filePath(archive.path));
                if (Status same = VerifyJob::compare(archive, read); !same)
                    return same;
            }
            // The checksums matched, so a different count is the archive disagreeing with its own
            // manifest: said, not hidden (the restore keeps what it could bring back).
            if (const qint64 found = extracted->files + extracted->skippedLinks.size(); found != m_parts[i]->fileCount)
                m_extractionWarnings << RestoreJob::tr("“%1” holds %2 files where the backup's manifest says %3.")
                                          .arg(m_parts[i]->label)
                                          .arg(found)
                                          .arg(m_parts[i]->fileCount);
            if (!extracted->skippedLinks.isEmpty())
                m_extractionWarnings << RestoreJob::tr("%n link(s) in “%1” pointed outside the folder and were not restored (see the log).",
                                                     nullptr, int(extracted->skippedLinks.size()))
                                          .arg(m_parts[i]->label);
            const QFileInfo original(folder.path);
            QFile::setPermissions(folder.staging, original.exists() ? original.permissions()
                                                                    : QFile::Permissions(0x7755));
            // On disk before the swap makes it the live tree: a power cut must not leave empty files in place.
            if (Status synced = syncTree(folder.staging); !synced)
                return synced;
        }
        return {};
    }

    // Without CREATEDB there is no swap: a safety dump first, then the backup over the live
    // database in one transaction (InPlaceRestore).
    Status restoreInPlace()
    {
        m_control.setPhase(RestoreJob::tr("Making a safety copy of the database…"));
        BackupRequest safety;
        safety.profile = m_request.profile;
        safety.password = m_request.password;
        safety.includeSources = false;
        safety.includeDocuments = false; // the database only: the bucket has its own safety copy
        safety.kind = BackupKind::Safety;
        safety.name = QStringLiteral("safety_before_restore_") + m_journal.stamp;
        safety.repositoryLocked = true;
        if (Result<Backup> copy = BackupJob::run(safety, m_control); !copy)
            return Error{RestoreJob::tr("The safety copy of the database failed, so nothing was restored."), copy.error().toLogString()};
        Result<QString> dump = dumpFile();
        if (!dump)
            return dump.error();
        m_control.setPhase(RestoreJob::tr("Restoring the database in place…"));
        InPlaceRestore::Request inPlace;
        inPlace.dump = *dump;
        inPlace.workDir = m_stagingDir;
        inPlace.conninfo = m_admin->connection().conninfoForChild(m_journal.database);
        inPlace.superuser = m_admin->isSuperuser();
        inPlace.pgRestore = m_pgRestore;
        inPlace.environment = PassFile::childEnvironment(m_passFile.get());
        if (Status restored = InPlaceRestore::run(inPlace, m_control); !restored)
            return Error{RestoreJob::tr(
                             "The restore failed and was rolled back: the database is as it was. Its state before the "
                             "restore is also in the safety backup %1.")
                             .arg(safety.name),
                         restored.error().toLogString(), restored.error().code};
        m_outcome.safetyBackup = safety.name;
        m_control.log(RestoreJob::tr("The database was restored in place; its state before is in the safety backup %1.")
                          .arg(safety.name));
        // Committed already: Cancel no longer stops what follows (it would leave half a restore).
        if (Status counted = compareRowCounts(m_journal.database, CancelStops::No); !counted)
            return Error{RestoreJob::tr("The database was restored in place, but %1 Its state before is in the safety backup %2.")
                             .arg(counted.error().message, safety.name),
                         counted.error().detail};
        return restoreSettings(m_journal.database);
    }

    // What the bucket holds now against the backup: what goes back, what was added since.
    Status prepareBucket()
    {
        m_bucketPart = m_request.backup.manifest->findObjects(m_request.bucket);
        if (!m_bucketPart)
            return Error{RestoreJob::tr("This backup holds no bucket “%1”.").arg(m_request.bucket), {}};
        if (m_request.profile.documents.isEmpty())
            return Error{RestoreJob::tr("The profile names no documents bucket to restore “%1” into.").arg(m_request.bucket), {}};
        m_control.setPhase(RestoreJob::tr("Comparing %1 with the backup…").arg(m_request.profile.documents.url()));
        Result<BucketChanges> changes =
            BucketComparison::run(*m_bucketPart, m_request.profile.documents, m_request.documentsSecret, m_control);
        if (!changes)
            return canceledOr(changes.error());
        m_bucketChanges = std::move(changes).value();
        return {};
    }

    // Just before the swap: what the bucket would lose goes into a safety backup, then the backup's
    // objects go back (only those missing or changed). Objects added since are removed when asked.
    Status restoreBucket()
    {
        if (!m_bucketPart)
            return {};
        const s3::S3Location& location = m_request.profile.documents;
        RestoreJournal::Bucket bucket;
        bucket.label = m_bucketPart->label;
        bucket.location = location;
        BucketRestoreSummary summary;
        summary.location = location.url();
        summary.unchanged = m_bucketChanges.unchanged;
        QStringList toSave;
        for (const qsizetype index : m_bucketChanges.changed)
            toSave << BucketComparison::targetKey(*m_bucketPart, m_bucketPart->objects[index], location);
        for (const qsizetype index : m_bucketChanges.missing)
            bucket.created.append({BucketComparison::targetKey(*m_bucketPart, m_bucketPart->objects[index], location), QString()});
        for (const s3::ObjectInfo& added : m_bucketChanges.added) {
            summary.added << added.key;
            if (m_request.removeNewObjects)
                toSave << added.key;
        }
        if (!toSave.isEmpty()) {
            m_control.setPhase(RestoreJob::tr("Saving the %n object(s) the restore replaces or removes…", nullptr, int(toSave.size())));
            BackupRequest safety;
            safety.profile = m_request.profile;
            safety.includeDatabase = false;
            safety.includeSources = false;
            safety.documentKeys = toSave;
            safety.documentsSecret = m_request.documentsSecret;
            safety.kind = BackupKind::Safety;
            safety.name = bucketSafetyName(m_journal.stamp);
            safety.note = RestoreJob::tr("The objects of %1 that the restore of %2 replaced or removed.").arg(location.url(), m_request.backup.name);
            safety.repositoryLocked = true;
            Result<Backup> copy = BackupJob::run(safety, m_control);
            if (!copy)
                return Error{RestoreJob::tr("The safety copy of the bucket failed, so nothing was restored."), copy.error().toLogString(),
                             copy.error().code};
            bucket.safetyBackup = copy->path;
            summary.safetyBackup = copy->name;
        }
        if (m_control.isCanceled())
            return Error{RestoreJob::tr("Canceled."), {}, ErrorCode::Canceled};
        if (m_stagingDir.isEmpty()) {
            const QString staging = QDir(m_request.profile.repository).filePath(QStringLiteral(".restore-") + m_journal.stamp);
            if (::mkdir(QFile::encodeName(staging).constData(), 0700) != 0)
                return Error{RestoreJob::tr("Cannot create a staging folder in the repository."), {}};
            m_stagingDir = staging;
        }
        // From here on objects change: the journal says how to put them back, whatever happens.
        bucket.started = true;
        m_journal.bucket = bucket;
        if (Status written = m_journal.write(m_journalPath); !written)
            return written;
        m_bucketChanged = true;
        m_control.restartBytes(m_bucketChanges.bytesToUpload(*m_bucketPart));
        const BucketRestore::Request request{*m_bucketPart, QDir(m_request.backup.path).filePath(m_bucketPart->archive), location,
                                             m_request.documentsSecret, m_bucketChanges, m_request.removeNewObjects, m_stagingDir};
        const Result<BucketRestore::Outcome> restored = BucketRestore::run(request, m_control);
        if (!restored)
            return restored.error();
        m_journal.bucket->created = restored->created; // with their ETags: Undo leaves alone what changed since
        if (Status written = m_journal.write(m_journalPath); !written)
            return written;
        summary.putBack = restored->uploaded;
        summary.addedRemoved = m_request.removeNewObjects && !summary.added.isEmpty();
        m_outcome.bucket = summary;
        return {};
    }

    // A failure after the bucket changed (in it, or in the swap after it): the bucket goes back as
    // it was, even after a cancel; if that fails too, the journal stays for the next start.
    Error putBucketBackAfter(const Error& failure)
    {
        JobControl cleanup; // not canceled: these requests must go out
        const Result<RestoreJournal> onDisk = RestoreJournal::read(m_journalPath); // the swap may have written more
        RestoreJournal journal = onDisk ? *onDisk : m_journal;
        if (!journal.bucket)
            journal.bucket = m_journal.bucket;
        const Status back = putBucketBack(journal, m_request.documentsSecret, m_request.profile.repository, cleanup);
        for (const QString& line : cleanup.logLines())
            m_control.log(line);
        journal.write(m_journalPath);
        const Error why = m_control.isCanceled() ? Error{RestoreJob::tr("The restore was canceled."), failure.toLogString(), ErrorCode::Canceled}
                                                 : failure;
        if (back)
            return Error{RestoreJob::tr("%1 The bucket was put back as it was.").arg(why.message), why.detail, why.code};
        m_keepJournal = true;
        return Error{RestoreJob::tr("%1 Putting the bucket back failed too (%2): Coffre tries again at its next start.")
                         .arg(why.message, back.error().message),
                     why.detail + u' ' + back.error().toLogString(), why.code};
    }

    Status swapIntoPlace()
    {
        RestoreJournal plan = m_journal;
        if (!m_request.asDatabase.isEmpty() || !m_restoreDatabase || !m_canCreate)
            plan.database.clear();
        if (m_restoreDatabase && !m_canCreate && m_request.asDatabase.isEmpty()) {
            if (Status restored = restoreInPlace(); !restored)
                return restored;
        }
        if (m_restoreDatabase && m_canCreate && m_request.asDatabase.isEmpty() && !m_admin->exists(m_journal.database)) {
            // Nothing to keep aside: the restored database simply takes the name.
            if (Status renamed = m_admin->rename(m_journal.databaseRestored, m_journal.database); !renamed)
                return renamed;
            plan.database.clear();
        }
        if (plan.database.isEmpty() && plan.folders.isEmpty()) {
            if (plan.bucket) { // only the bucket changed: Undo follows this journal
                plan.state = QStringLiteral("done");
                if (Status written = plan.write(QDir(m_request.profile.repository).filePath(QLatin1String(RestoreJournal::LastFile))); !written)
                    return written;
                m_journal = plan;
            }
            QFile::remove(m_journalPath); // nothing replaced: nothing to undo
            m_swapped = true;
            return {};
        }
        plan.state = QStringLiteral("swapping");
        if (Status written = plan.write(m_journalPath); !written)
            return written;
        Status swapped = RestoreSwap::apply(plan, m_admin, m_control, m_journalPath, m_outcome.warnings);
        if (!swapped) {
            // apply put back what it had swapped; when even that failed, the journal stays for the next start.
            m_keepJournal = swapped.error().code == RestoreSwap::RollbackFailed;
            return m_outcome.safetyBackup.isEmpty() ? swapped : inPlaceButFoldersFailed(plan, swapped.error());
        }
        m_swapped = true;
        plan.state = QStringLiteral("done");
        plan.write(QDir(m_request.profile.repository).filePath(QLatin1String(RestoreJournal::LastFile)));
        QFile::remove(m_journalPath);
        m_journal = plan;
        return {};
    }

    // The database cannot be put back by a rename after an in-place restore: say exactly what
    // changed, what did not, and where the database's previous state is.
    Error inPlaceButFoldersFailed(const RestoreJournal& plan, const Error& swapError) const
    {
        QStringList paths;
        for (const RestoreJournal::Folder& folder : plan.folders)
            paths << folder.path;
        const QString folders = swapError.code == RestoreSwap::RollbackFailed
                                    ? RestoreJob::tr("Putting the folders back failed too: see the message above; Coffre tries again at its next start.")
                                    : RestoreJob::tr("The folders (%1) are as they were before the restore.").arg(paths.join(QStringLiteral(", ")));
        return Error{RestoreJob::tr("The database was restored (in place, from %1), but the folders were not: %2 %3 The database "
                                    "and the folders no longer match. The database's state before the restore is in the safety "
                                    "backup %4.")
                         .arg(m_request.backup.name, swapError.message, folders, m_outcome.safetyBackup),
                     swapError.detail, swapError.code};
    }

    void runPostRestoreCommands()
    {
        if (m_journal.folders.isEmpty())
            return;
        for (const QString& command : m_request.profile.postRestoreCommands) {
            m_control.setPhase(RestoreJob::tr("Running “%1”…").arg(command));
            QProcess process;
            process.setWorkingDirectory(m_journal.folders.first().path);
            process.setProcessChannelMode(QProcess::MergedChannels);
            ChildProcess::dieWithParent(process, true); // its own group: Cancel stops npm's children too
            process.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), command});
            process.closeWriteChannel(); // a command that asks a question gets end-of-file, not a hang
            QElapsedTimer clock;
            clock.start();
            bool timedOut = false;
            while (!process.waitForFinished(200)) {
                timedOut = clock.elapsed() > PostRestoreCommandLimitMs;
                if (m_control.isCanceled() || timedOut || process.state() == QProcess::NotRunning) {
                    ChildProcess::killGroup(process);
                    break;
                }
            }
            if (timedOut)
                m_outcome.warnings << RestoreJob::tr("“%1” was stopped after %2 minutes.").arg(command).arg(PostRestoreCommandLimitMs / 60000);
            for (const QByteArray& line : process.readAll().split('\n'))
                m_control.log(command + QStringLiteral(": ") + QString::fromUtf8(line));
            if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
                m_outcome.warnings << RestoreJob::tr("“%1” failed (exit status %2); the restore itself is complete.")
                                          .arg(command)
                                          .arg(process.exitCode());
        }
    }

    const RestoreRequest& m_request;
    JobControl& m_control;
    std::unique_ptr<RepositoryLock> m_lock;
    RestoreJournal m_journal;
    RestoreOutcome m_outcome;
    QStringList m_extractionWarnings; // written by the extraction's worker only, until it is joined
    QList<const SourcePart*> m_parts;
    const ObjectsPart* m_bucketPart = nullptr;
    BucketChanges m_bucketChanges;
    bool m_bucketChanged = false; // objects may have changed: a failure puts the bucket back
    std::optional<DatabaseAdmin> m_admin;
    std::unique_ptr<PassFile> m_passFile;
    PgTool m_pgRestore;
    std::optional<DumpToc> m_streamToc; // set when the dump is loaded straight from the bundle
    QElapsedTimer m_sinceGrowthPoll;
    qint64 m_growthCounted = 0;
    QString m_stagingDir;
    QString m_journalPath;
    bool m_restoreDatabase = false;
    bool m_canCreate = true;
    bool m_roomForTails = true; // unknown (a server elsewhere) counts as room
    bool m_createdDatabase = false;
    bool m_swapped = false;
    bool m_keepJournal = false;
    std::atomic<bool> m_extractionFailed = false;
};

} // namespace

Result<RestoreOutcome> RestoreJob::run(const RestoreRequest& request, JobControl& control)
{
    AuditRecord audit(request.profile.repository, AuditAction::Restore, request.profile.name, request.backup.name);
    if (!request.backup.manifest || request.backup.status != BackupStatus::Complete) {
        const Error refused{tr("Only a complete backup can be restored (“%1” is %2).").arg(request.backup.name, statusDisplayName(request.backup.status)), {}};
        audit.finish(Status(refused));
        return refused;
    }
    Result<RestoreOutcome> result = RestoreRun(request, control).execute();
    if (!result)
        control.log(result.error().toLogString());
    QStringList said;
    if (result && !result->databaseInspection.isEmpty())
        said << tr("into the database %1").arg(result->databaseInspection);
    if (result)
        said << result->warnings;
    audit.finish(result, request.backup.sizeBytes, said.join(u' '));
    return result;
}

QStringList RestoreJob::keptFromCurrent(const RestoreRequest& request)
{
    QStringList patterns;
    for (const SourcePart& part : request.backup.manifest ? request.backup.manifest->sources : QList<SourcePart>()) {
        if (!request.sources.contains(part.label))
            continue;
        // Only what the backup really left out: a pattern added to the profile since may name
        // something the backup holds, and then the backup's copy wins (RestoreCarry::plan).
        for (const QString& pattern : part.exclusions) {
            if (!patterns.contains(pattern))
                patterns << pattern;
        }
    }
    return patterns;
}

QFuture<Result<RestoreOutcome>> RestoreJob::start(RestoreRequest request, std::shared_ptr<JobControl> control)
{
    return runInBackground([request = std::move(request), control] { return run(request, *control); });
}

Result<RestoreJournal> RestoreJob::undo(const Profile& profile, const QString& password, JobControl& control,
                                        const QString& documentsSecret)
{
    AuditRecord audit(profile.repository, AuditAction::Undo, profile.name);
    Result<RestoreJournal> undone = undoLast(profile, password, control, documentsSecret);
    if (undone)
        audit.setBackup(undone->backup);
    audit.finish(undone);
    return undone;
}

Result<RestoreJournal> RestoreJob::undoLast(const Profile& profile, const QString& password, JobControl& control,
                                            const QString& documentsSecret)
{
    Result<std::unique_ptr<RepositoryLock>> lock = RepositoryLock::acquire(profile.repository);
    if (!lock)
        return lock.error();
    const QString path = QDir(profile.repository).filePath(QLatin1String(RestoreJournal::LastFile));
    Result<RestoreJournal> journal = RestoreJournal::read(path);
    if (!journal)
        return journal.error();
    if (Status mine = journal->belongsTo(profile.name); !mine)
        return mine.error();
    if (journal->state == u"undone")
        return Error{tr("The last restore (%1) was already undone.").arg(journal->backup), {}};
    for (const RestoreJournal::Folder& folder : journal->folders) {
        if (!folder.reverted && folder.hadOriginal && !QFileInfo::exists(folder.before))
            return Error{tr("The copy “%1” is gone: the restore can no longer be undone.").arg(folder.before), {}};
    }
    const bool bucketDue = journal->bucket && journal->bucket->started && !journal->bucket->reverted;
    if (bucketDue && !journal->bucket->safetyBackup.isEmpty() && !QFileInfo::exists(journal->bucket->safetyBackup))
        return Error{tr("The safety backup “%1” of the bucket is gone: the restore can no longer be undone.")
                         .arg(QFileInfo(journal->bucket->safetyBackup).fileName()),
                     {}};
    std::optional<DatabaseAdmin> admin;
    if (!journal->database.isEmpty() && !journal->databaseReverted) {
        Result<DatabaseAdmin> connected = DatabaseAdmin::connect(profile.database, password);
        if (!connected)
            return connected.error();
        admin.emplace(std::move(connected).value());
        if (!admin->exists(journal->databaseBefore))
            return Error{tr("The database “%1” is gone: the restore can no longer be undone.").arg(journal->databaseBefore), {}};
        // Both databases still the ones the restore left, checked before any folder moves: a live
        // database replaced since (another restore, a reset) must not end in a mix.
        for (const auto& [name, oid] : {std::pair{journal->database, journal->restoredOid}, std::pair{journal->databaseBefore, journal->databaseOid}}) {
            if (Status same = RestoreSwap::isRecorded(*admin, name, oid); !same)
                return Error{tr("The restore can no longer be undone: %1").arg(same.error().message), same.error().detail};
        }
    }
    RestoreJournal undone = *journal;
    Status reverted = RestoreSwap::revert(undone, admin, control);
    if (reverted && bucketDue)
        reverted = putBucketBack(undone, documentsSecret, profile.repository, control);
    // Kept, marked undone: cleanup-restore still finds the copies it names (…undone_<stamp>).
    // Stopped halfway: what was put back is marked, and the rest stays to undo on a retry.
    undone.state = reverted ? QStringLiteral("undone") : QStringLiteral("undoing");
    const Status written = undone.write(path);
    if (!reverted)
        return Error{tr("The undo stopped halfway: %1 What is still to undo is recorded: run Undo again once this is fixed.")
                         .arg(reverted.error().message),
                     reverted.error().detail};
    if (!written)
        return written.error();
    return undone;
}

QString RestoreJob::recover(const Profile& profile, const QString& password)
{
    const QString path = QDir(profile.repository).filePath(QLatin1String(RestoreJournal::InProgressFile));
    if (!QFileInfo::exists(path)) {
        removeOrphanStaging(profile.repository);
        return {};
    }
    // A journal under a held lock is a restore running right now (the window, or coffre-cli in a
    // terminal): only a journal whose owner is gone is an interrupted one.
    // A process just killed may hold it for a moment more (the kernel closes its files as it dies).
    Result<std::unique_ptr<RepositoryLock>> lock = RepositoryLock::acquire(profile.repository, 3000);
    if (!lock)
        return {};
    Result<RestoreJournal> journal = RestoreJournal::read(path);
    if (!journal)
        return journal.error().message;
    if (Status mine = journal->belongsTo(profile.name); !mine)
        return mine.error().message;
    JobControl control;
    std::optional<DatabaseAdmin> admin;
    if (!journal->database.isEmpty()) {
        Result<DatabaseAdmin> connected = DatabaseAdmin::connect(profile.database, password);
        if (!connected)
            return tr("A restore was interrupted, and the database server cannot be reached to put it back: %1")
                .arg(connected.error().message);
        admin.emplace(std::move(connected).value());
    }
    if (admin)
        admin->endCoffreSession(journal->serverPid); // a CREATE DATABASE or a rename still under way ends first
    RestoreJournal reverting = *journal;
    const Status reverted = RestoreSwap::revert(reverting, admin, control);
    // Objects put back one by one cannot wait for a rename: the bucket goes back as it was
    // (credentials from the environment: a start-up has no keychain secret at hand).
    const bool bucketDue = journal->bucket && journal->bucket->started && !journal->bucket->reverted;
    const Status bucketBack = bucketDue ? putBucketBack(reverting, {}, profile.repository, control) : Status();
    if (!bucketBack) {
        reverting.write(path); // what was put back stays put back; the bucket is tried again next time
        return tr("A restore of %1 was interrupted; putting the bucket %2 back failed: %3")
            .arg(journal->backup, journal->bucket->location.url(), bucketBack.error().message);
    }
    for (const RestoreJournal::Folder& folder : journal->folders)
        removeStaging(folder.staging);
    // Only the database this restore created, by its recorded OID, and never under the live name.
    if (admin && !journal->databaseRestored.isEmpty() && journal->databaseRestored != journal->database) {
        if (Status dropped = admin->dropCreated(journal->databaseRestored, journal->restoredOid); !dropped)
            control.log(dropped.error().toLogString());
    }
    if (!journal->stamp.isEmpty())
        removeTree(QDir(profile.repository).filePath(QStringLiteral(".restore-") + journal->stamp));
    if (!reverted)
        return tr("A restore of %1 was interrupted; putting the previous state back failed: %2").arg(journal->backup, reverted.error().message);
    if (journal->state == u"staging" && !bucketDue) {
        QFile::remove(path);
        return tr("A restore of %1 was interrupted on %2 before it changed anything; its temporary files were removed.")
            .arg(journal->backup, journal->stamp);
    }
    // What was put aside while putting back (…undone_…) is named, as after an Undo, so that
    // cleanup-restore (or the window) can remove it: never an unnamed copy left on the server.
    reverting.state = QStringLiteral("undone");
    if (reverting.write(QDir(profile.repository).filePath(QLatin1String(RestoreJournal::LastFile))))
        QFile::remove(path);
    return tr("A restore of %1 was interrupted on %2: the previous state was put back.").arg(journal->backup, journal->stamp);
}

} // namespace coffre
