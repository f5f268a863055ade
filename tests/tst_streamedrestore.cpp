#include "PgFixture.h"
#include "TestBundles.h"
#include "jobs/BackupJob.h"
#include "jobs/RestoreJob.h"
#include "jobs/RestoreJournal.h"
#include "jobs/VerifyJob.h"
#include "postgres/DumpDataLoader.h"
#include "postgres/StreamedDumpRestore.h"
#include "storage/DiskUsage.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QtConcurrent>

#include <sys/mount.h>
#include <thread>
#include <unistd.h>

using namespace coffre;

// Issue 14: a restore loads the data straight from the compressed bundle. What it restores must
// equal what pg_restore restores from the decompressed dump, on features nobody here designed.
class TestStreamedRestore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_work;
    Profile m_profile;
    Backup m_backup;

    // pg_restore as the tests run it, for StreamedDumpRestore::Request::pgRestore.
    static Status pgRestore(const QString& database, const QString& archive, const QStringList& extra)
    {
        const QStringList arguments = QStringList{QStringLiteral("--exit-on-error"), QStringLiteral("-d"), database} + extra + QStringList{archive};
        if (test::runProgram(QStringLiteral("pg_restore"), arguments) != 0)
            return Error{QStringLiteral("pg_restore failed"), {}};
        return {};
    }

    static StreamedDumpRestore::Request streamedRequest(const QString& bundle, const BundleFile& entry, const DumpToc& toc,
                                                        const QString& workDir, const QString& target)
    {
        StreamedDumpRestore::Request request;
        request.bundle = bundle;
        request.entry = entry;
        request.toc = toc;
        request.workDir = workDir;
        request.target = test::fixtureDatabase(target);
        request.pgRestore = [target](const QString& archive, const QStringList& extra) { return pgRestore(target, archive, extra); };
        return request;
    }

    // The whole database as pg_dump sees it, schema and data (large objects too), without the
    // random key of psql's \restrict lines (PostgreSQL 15.14 and later).
    static QByteArray dumpOf(const QString& database)
    {
        QByteArray dump;
        test::runProgram(QStringLiteral("pg_dump"), {QStringLiteral("--no-sync"), QStringLiteral("-d"), database}, &dump);
        QByteArrayList lines = dump.split('\n');
        lines.removeIf([](const QByteArray& line) { return line.startsWith("\\restrict ") || line.startsWith("\\unrestrict "); });
        return lines.join('\n');
    }

    // The reference: a compressed dump (the bundle's by default) decompressed, restored by pg_restore alone.
    QString restoredByPgRestore(const QString& database, QString compressed = {})
    {
        if (compressed.isEmpty())
            compressed = QDir(m_backup.path).filePath(m_backup.manifest->database->file);
        const QString plain = m_work.filePath(QStringLiteral("plain.dump"));
        test::runProgram(QStringLiteral("zstd"), {QStringLiteral("-dqf"), compressed, QStringLiteral("-o"), plain});
        return emptyDatabase(database) && pgRestore(database, plain, {}) ? database : QString();
    }

    // Two dumps that differ, kept for a look: the diff command that shows how.
    QString keptForDiff(const QByteArray& ours, const QByteArray& theirs)
    {
        QFile a(m_work.filePath(QStringLiteral("ours.sql"))), b(m_work.filePath(QStringLiteral("theirs.sql")));
        a.open(QIODevice::WriteOnly), a.write(ours), a.close();
        b.open(QIODevice::WriteOnly), b.write(theirs), b.close();
        m_work.setAutoRemove(false);
        return QStringLiteral("the dumps differ: diff %1 %2").arg(a.fileName(), b.fileName());
    }

    RestoreRequest inspection(const QString& asDatabase) const
    {
        RestoreRequest request;
        request.profile = m_profile;
        request.backup = m_backup;
        request.asDatabase = asDatabase;
        return request;
    }

    // pg_dump -Fc -Z0 ARGUMENTS | zstd, as a bundle's file in `folder`, with its checksum (none on failure).
    static BundleFile compressedDump(const QString& arguments, const QString& folder)
    {
        BundleFile entry{QStringLiteral("database.dump.zst"), 0, {}};
        QProcess dump;
        dump.setStandardOutputFile(QDir(folder).filePath(entry.path));
        dump.start(QStringLiteral("sh"), {QStringLiteral("-c"), QStringLiteral("pg_dump -Fc -Z0 %1 | zstd -q").arg(arguments)});
        if (!dump.waitForFinished(120000) || dump.exitCode() != 0)
            return entry;
        entry.size = QFileInfo(QDir(folder).filePath(entry.path)).size();
        JobControl control;
        const Result<QString> sha256 = VerifyJob::readHashed(folder, entry, control);
        entry.sha256 = sha256 ? *sha256 : QString();
        return entry;
    }

    static QString dropAndName(const QString& name)
    {
        test::execSql(QStringLiteral("postgres"), {QStringLiteral("drop database if exists \"%1\" with (force)").arg(name)});
        return name;
    }

    // A new, empty database (from template0, as a restore wants it) in place of any of that name.
    static bool emptyDatabase(const QString& name)
    {
        return test::execSql(QStringLiteral("postgres"), {QStringLiteral("drop database if exists \"%1\" with (force)").arg(name),
                                                          QStringLiteral("create database \"%1\" template template0").arg(name)});
    }

private slots:
    void initTestCase()
    {
        if (!test::hasFixture())
            QSKIP("PGHOST is not set: run through ctest, which starts the PostgreSQL fixture");
        const QString db = QStringLiteral("streamed_src");
        QVERIFY(test::recreateDatabase(db));
        // Partitions, large objects, extensions, generated and identity columns, row security,
        // a materialized view, odd names and values: things pg_dump handles its own way.
        QVERIFY(test::execSql(db, {
            QStringLiteral("create extension hstore"),
            QStringLiteral("create extension citext"),
            QStringLiteral("create schema \"Ventes été\""),
            QStringLiteral("create table \"Ventes été\".\"commandes \"\"spéciales\"\" avec un nom de 63 octets_\" "
                           "(id int generated always as identity primary key, email citext, attrs hstore, "
                           "total numeric(12,2), ttc numeric(12,2) generated always as (total * 1.2) stored)"),
            QStringLiteral("insert into \"Ventes été\".\"commandes \"\"spéciales\"\" avec un nom de 63 octets_\" (email, attrs, total) "
                           "select 'Client' || i || '@Example.com', hstore('k', i::text), i / 7.0 from generate_series(1, 20000) i"),
            QStringLiteral("create table events (id bigserial, at date not null, body text) partition by range (at)"),
            QStringLiteral("create table events_2025 partition of events for values from ('2025-01-01') to ('2026-01-01')"),
            QStringLiteral("create table events_2026 partition of events for values from ('2026-01-01') to ('2027-01-01')"),
            QStringLiteral("create table events_other partition of events default"),
            QStringLiteral("insert into events (at, body) select date '2025-01-01' + (i % 900), "
                           "E'line\\twith tab\\nand newline \\\\ backslash ' || i from generate_series(1, 60000) i"),
            QStringLiteral("insert into events (at, body) values ('2030-01-01', null), ('2030-01-02', '')"),
            QStringLiteral("create table secrets (id int primary key, owner_name text, v text)"),
            QStringLiteral("insert into secrets select i, 'u' || (i % 3), md5(i::text) from generate_series(1, 500) i"),
            QStringLiteral("alter table secrets enable row level security"),
            QStringLiteral("alter table secrets force row level security"),
            QStringLiteral("create policy mine on secrets using (owner_name = current_user)"),
            QStringLiteral("create table empty_one (id int)"),
            // Privileges and comments come after the data in pg_restore: they must here too.
            QStringLiteral("drop role if exists streamed_reader"),
            QStringLiteral("create role streamed_reader"),
            QStringLiteral("grant select on secrets to streamed_reader"),
            QStringLiteral("revoke insert on empty_one from postgres"),
            QStringLiteral("comment on table secrets is 'lignes protégées'"),
            QStringLiteral("create table bulk as select i, repeat('coffre ', 40) || i as t from generate_series(1, 150000) i"),
            QStringLiteral("create unlogged table scratch as select i from generate_series(1, 100) i"),
            QStringLiteral("create sequence invoice_no start 1000"),
            QStringLiteral("select setval('invoice_no', 4242)"),
            QStringLiteral("create materialized view totals as select count(*) as n from events"),
            QStringLiteral("select lo_from_bytea(424242, convert_to(repeat('grand objet ', 5000), 'UTF8'))"),
            QStringLiteral("select lo_from_bytea(424243, ''::bytea)"),
            QStringLiteral("comment on large object 424242 is 'un objet'"),
            QStringLiteral("grant select on large object 424242 to streamed_reader"),
            QStringLiteral("create index on events (at)"),
            QStringLiteral("alter table events_2025 add constraint body_set check (body is not null) not valid"),
        }));
        m_profile.name = QStringLiteral("streamed");
        m_profile.database = test::fixtureDatabase(db);
        m_profile.repository = m_work.filePath(QStringLiteral("backups"));
        BackupRequest request;
        request.profile = m_profile;
        request.includeSources = false;
        request.name = QStringLiteral("streamed");
        JobControl control;
        const Result<Backup> backup = BackupJob::run(request, control);
        QVERIFY2(backup.ok(), backup.ok() ? "" : qPrintable(backup.error().toLogString()));
        m_backup = *backup;
        QVERIFY(m_backup.manifest->database->file.endsWith(QLatin1String(".dump.zst")));
    }

    void theRestoreEqualsPgRestoreOfTheDecompressedDump()
    {
        const QString streamed = dropAndName(QStringLiteral("streamed_copy"));
        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(inspection(streamed), control);
        QVERIFY2(outcome.ok(), outcome.ok() ? "" : qPrintable(outcome.error().toLogString()));
        // Loaded from the bundle, not through a decompressed copy.
        QVERIFY2(control.logLines().join(u'\n').contains(QStringLiteral("without unpacking it")), qPrintable(control.logLines().join(u'\n')));
        const QString reference = restoredByPgRestore(QStringLiteral("streamed_reference"));
        QVERIFY(!reference.isEmpty());
        const QByteArray ours = dumpOf(streamed);
        const QByteArray theirs = dumpOf(reference);
        QVERIFY(ours.contains("grand objet") || ours.contains("6772616e64206f626a6574")); // the large object's data is there
        QVERIFY(ours.contains("4242"));
        QVERIFY(ours.size() > 1000000);
        if (ours != theirs)
            QFAIL(qPrintable(keptForDiff(ours, theirs)));
        QCOMPARE(test::sqlScalar(streamed, QStringLiteral("select last_value from invoice_no")), QStringLiteral("4242"));
        const QString otherRows = test::sqlScalar(QStringLiteral("streamed_src"), QStringLiteral("select count(*) from events_other"));
        QVERIFY(otherRows.toInt() > 2);
        QCOMPARE(test::sqlScalar(streamed, QStringLiteral("select count(*) from events_other")), otherRows);
        QCOMPARE(test::sqlScalar(streamed, QStringLiteral("select length(lo_get(424242))")), QStringLiteral("60000"));
        dropAndName(streamed);
        dropAndName(reference);
    }

    // A COPY the server refuses stops the restore and names the table; the other loads stop too.
    void aRefusedCopyStopsTheRestoreAndNamesTheTable()
    {
        const QString target = QStringLiteral("streamed_refused");
        QVERIFY(emptyDatabase(target));
        const QString path = QDir(m_backup.path).filePath(m_backup.manifest->database->file);
        const Result<DumpToc> toc = StreamedDumpRestore::readToc(path);
        QVERIFY(toc.ok());
        QCOMPARE(StreamedDumpRestore::whyNotStreamable(*toc), QString());
        QTemporaryDir work;
        StreamedDumpRestore::Request request =
            streamedRequest(m_backup.path, *m_backup.manifest->findFile(m_backup.manifest->database->file), *toc, work.path(), target);
        QStringList sections;
        request.pgRestore = [&](const QString& archive, const QStringList& extra) -> Status {
            sections << extra.first();
            if (Status restored = pgRestore(target, archive, extra); !restored)
                return restored;
            if (extra.first().endsWith(u"before-data.list")) // rows the backup holds become unacceptable
                test::execSql(target, {QStringLiteral("alter table secrets add constraint short check (length(v) < 5)")});
            return {};
        };
        JobControl control;
        const Status restored = StreamedDumpRestore::run(request, control);
        QVERIFY(!restored.ok());
        QVERIFY2(restored.error().message.contains(QStringLiteral("public.secrets")), qPrintable(restored.error().message));
        QVERIFY2(restored.error().detail.contains(QStringLiteral("short")), qPrintable(restored.error().detail));
        QCOMPARE(sections.size(), 1); // no indexes built on a failed load
        QVERIFY(sections.first().endsWith(u"before-data.list"));
        QCOMPARE(test::sqlScalar(target, QStringLiteral("select count(*) from secrets")), QStringLiteral("0"));
        dropAndName(target);
    }

    // A dump that loads partitions through their root (pg_dump --load-via-partition-root) cannot
    // COPY FREEZE into the partitioned root: the loader falls back to a plain COPY.
    void partitionsLoadedThroughTheirRoot()
    {
        QTemporaryDir bundle;
        const BundleFile entry = compressedDump(QStringLiteral("--load-via-partition-root -d streamed_src"), bundle.path());
        QVERIFY(!entry.sha256.isEmpty());
        const QString path = bundle.filePath(entry.path);
        JobControl control;
        const QString target = QStringLiteral("streamed_via_root");
        QVERIFY(emptyDatabase(target));
        const Result<DumpToc> toc = StreamedDumpRestore::readToc(path);
        QVERIFY(toc.ok());
        QTemporaryDir work;
        const StreamedDumpRestore::Request request = streamedRequest(bundle.path(), entry, *toc, work.path(), target);
        const Status restored = StreamedDumpRestore::run(request, control);
        QVERIFY2(restored.ok(), restored.ok() ? "" : qPrintable(restored.error().toLogString()));
        for (const QString& table : {QStringLiteral("events_2025"), QStringLiteral("events_other"), QStringLiteral("bulk")})
            QCOMPARE(test::sqlScalar(target, QStringLiteral("select count(*) from ") + table),
                     test::sqlScalar(QStringLiteral("streamed_src"), QStringLiteral("select count(*) from ") + table));
        dropAndName(target);
    }

    // A connection with nothing left to load takes the second half of a large table still loading
    // (TableTails): the rows must still come out in the dump's order, identity and generated
    // columns as pg_restore gives them. The table's CHECK sleeps now and then, so the head is
    // still loading when the other connection is free, and rows were updated, so the dump's order
    // is not the ids' order.
    void aLargeTablesTailLoadsBesideInTheDumpsOrder()
    {
        const QString source = QStringLiteral("streamed_tails_src");
        QVERIFY(test::recreateDatabase(source));
        QVERIFY(test::execSql(source, {
            QStringLiteral("create function slow_check(i int) returns boolean language plpgsql immutable as "
                           "$$ begin if i % 100 = 0 then perform pg_sleep(0.005); end if; return true; end $$"),
            // "pièce" is stored as it is, never compressed (storage external): the staged tail must
            // not compress it either. Every row has one of the same length, so that rows of unequal
            // sizes do not send some into an earlier page's free space, as any COPY may.
            QStringLiteral("create table \"grand livre\" (id int generated always as identity primary key, amount numeric(12,2), "
                           "note text, ttc numeric generated always as (amount * 1.2) stored, \"pièce\" text, check (slow_check(id)))"),
            QStringLiteral("alter table \"grand livre\" alter column \"pièce\" set storage external"),
            QStringLiteral("insert into \"grand livre\" (amount, note, \"pièce\") select i / 3.0, E'ligne ' || i || E' \\\\ \\t été', "
                           "repeat('scan ', 420) || lpad(i::text, 6, '0') from generate_series(1, 30000) i"),
            QStringLiteral("update \"grand livre\" set note = 'changée' where id % 7 = 0"),
            QStringLiteral("create table small (k int)"),
            QStringLiteral("insert into small values (1)"),
        }));
        QTemporaryDir bundle;
        const BundleFile entry = compressedDump(QStringLiteral("-d ") + source, bundle.path());
        QVERIFY(!entry.sha256.isEmpty());
        const QString target = QStringLiteral("streamed_tails");
        QVERIFY(emptyDatabase(target));
        const Result<DumpToc> toc = StreamedDumpRestore::readToc(bundle.filePath(entry.path));
        QVERIFY(toc.ok());
        QTemporaryDir work;
        StreamedDumpRestore::Request request = streamedRequest(bundle.path(), entry, *toc, work.path(), target);
        request.tailBytes = 1024 * 1024; // the table's data is about 65 MB
        JobControl control;
        const Status restored = StreamedDumpRestore::run(request, control);
        QVERIFY2(restored.ok(), restored.ok() ? "" : qPrintable(restored.error().toLogString()));
        const QString log = control.logLines().join(u'\n');
        QVERIFY2(log.contains(QStringLiteral("public.grand livre: its last")) && log.contains(QStringLiteral("second connection")), qPrintable(log));
        QCOMPARE(test::sqlScalar(target, QStringLiteral("select count(*) from pg_namespace where nspname = 'coffre_restore_tails'")),
                 QStringLiteral("0"));
        const QString reference = restoredByPgRestore(QStringLiteral("streamed_tails_reference"), bundle.filePath(entry.path));
        QVERIFY(!reference.isEmpty());
        const QByteArray ours = dumpOf(target);
        QVERIFY(ours.contains("changée"));
        const QByteArray theirs = dumpOf(reference);
        if (ours != theirs)
            QFAIL(qPrintable(keptForDiff(ours, theirs))); // rows in the same order, not only the same rows
        const QString compressed = QStringLiteral("select count(*) filter (where pg_column_compression(\"pièce\") is not null) || '/' || "
                                                  "count(\"pièce\") from \"grand livre\"");
        QCOMPARE(test::sqlScalar(target, compressed), QStringLiteral("0/30000"));
        QCOMPARE(test::sqlScalar(reference, compressed), QStringLiteral("0/30000"));
        dropAndName(reference);

        // No tails (what a restore asks when the server's disk has no room for a staged half).
        QVERIFY(emptyDatabase(target));
        request.tailBytes = 0;
        JobControl wholeControl;
        QVERIFY(StreamedDumpRestore::run(request, wholeControl).ok());
        QVERIFY2(!wholeControl.logLines().join(u'\n').contains(QStringLiteral("second connection")), qPrintable(wholeControl.logLines().join(u'\n')));
        QCOMPARE(test::sqlScalar(target, QStringLiteral("select count(*) from \"grand livre\"")), QStringLiteral("30000"));
        request.tailBytes = 1024 * 1024;

        // Rows of the tail refused when they are appended: the restore stops and names the table.
        QVERIFY(emptyDatabase(target));
        request.pgRestore = [&](const QString& archive, const QStringList& extra) -> Status {
            if (Status restored = pgRestore(target, archive, extra); !restored)
                return restored;
            if (extra.first().endsWith(u"before-data.list")) // the last ids are in the tail (about the second half)
                test::execSql(target, {QStringLiteral("alter table \"grand livre\" add constraint early_ids check (id <= 28000)")});
            return {};
        };
        JobControl refusedControl;
        const Status refused = StreamedDumpRestore::run(request, refusedControl);
        QVERIFY(!refused.ok());
        QVERIFY(refused.error().code != ErrorCode::Canceled);
        QVERIFY2(refused.error().message.contains(QStringLiteral("public.grand livre")), qPrintable(refused.error().toLogString()));
        QVERIFY2(refused.error().detail.contains(QStringLiteral("early_ids")), qPrintable(refused.error().toLogString()));
        QVERIFY2(refused.error().detail.startsWith(QStringLiteral("INSERT INTO")), qPrintable(refused.error().toLogString())); // by the append
        QCOMPARE(test::sqlScalar(target, QStringLiteral("select count(*) from \"grand livre\"")), QStringLiteral("0"));
        dropAndName(target);
        dropAndName(source);
    }

    // A tail's append runs on the server alone (minutes for a large table): Cancel must reach it
    // there, not wait for it. Here the append takes minutes (a CHECK that sleeps 5 ms a row,
    // in INSERTs only); canceled as soon as the server runs it, the restore ends at once.
    void cancelReachesATailsAppendOnTheServer()
    {
        const QString source = QStringLiteral("streamed_append_src");
        QVERIFY(test::recreateDatabase(source));
        QVERIFY(test::execSql(source, {
            QStringLiteral("create function slow_check(i int) returns boolean language plpgsql immutable as $$ begin "
                           "if current_query() ilike 'insert%' then perform pg_sleep(0.005); "
                           "elsif i % 100 = 0 then perform pg_sleep(0.005); end if; return true; end $$"),
            QStringLiteral("create table ledger (id int primary key, line text, check (slow_check(id)))"),
            QStringLiteral("insert into ledger select i, repeat('ligne ', 40) || i from generate_series(1, 24000) i"),
            QStringLiteral("create table small (k int)"),
        }));
        QTemporaryDir bundle;
        const BundleFile entry = compressedDump(QStringLiteral("-d ") + source, bundle.path());
        QVERIFY(!entry.sha256.isEmpty());
        const QString target = QStringLiteral("streamed_append");
        QVERIFY(emptyDatabase(target));
        const Result<DumpToc> toc = StreamedDumpRestore::readToc(bundle.filePath(entry.path));
        QVERIFY(toc.ok());
        QTemporaryDir work;
        StreamedDumpRestore::Request request = streamedRequest(bundle.path(), entry, *toc, work.path(), target);
        request.tailBytes = 1024 * 1024; // the table's data is about 6 MB

        JobControl control;
        std::atomic<bool> restoring{true};
        QElapsedTimer sinceCancel;
        std::atomic<bool> appendSeen{false};
        std::thread watcher([&] {
            const QString appending = QStringLiteral("select count(*) from pg_stat_activity where datname = 'streamed_append' "
                                                     "and state = 'active' and query like 'INSERT INTO \"public\".\"ledger\"%'");
            while (restoring && !appendSeen) {
                if (test::sqlScalar(QStringLiteral("postgres"), appending) == QLatin1String("1")) {
                    appendSeen = true;
                    sinceCancel.start();
                    control.cancel();
                }
                QThread::msleep(50);
            }
        });
        const Status restored = StreamedDumpRestore::run(request, control);
        const qint64 afterCancel = sinceCancel.isValid() ? sinceCancel.elapsed() : -1;
        restoring = false;
        watcher.join();
        QVERIFY2(appendSeen, qPrintable(control.logLines().join(u'\n')));
        QVERIFY(!restored.ok());
        QCOMPARE(restored.error().code, ErrorCode::Canceled);
        qInfo("the restore ended %lld ms after Cancel", afterCancel);
        QVERIFY2(afterCancel < 30000, "Cancel waited for the append"); // the append alone takes minutes
        QCOMPARE(test::sqlScalar(QStringLiteral("postgres"), QStringLiteral("select count(*) from pg_stat_activity where datname = 'streamed_append'")),
                 QStringLiteral("0"));
        dropAndName(target);
        dropAndName(source);
    }

    // The new database is made beside the live one: a server disk that cannot hold both refuses
    // the restore before anything is made (the fixture's server is on this machine, over a socket).
    void aServerDiskTooSmallForTheNewDatabaseIsSaidFirst()
    {
        Manifest huge = *m_backup.manifest;
        huge.database->sizeBytes = qint64(1) << 60;
        RestoreRequest request = inspection(dropAndName(QStringLiteral("streamed_no_room")));
        request.backup.manifest = std::make_shared<const Manifest>(huge);
        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(request, control);
        QVERIFY(!outcome.ok());
        QVERIFY2(outcome.error().message.contains(QStringLiteral("database server's disk")), qPrintable(outcome.error().message));
        QCOMPARE(test::sqlScalar(QStringLiteral("postgres"), QStringLiteral("select count(*) from pg_database where datname = 'streamed_no_room'")),
                 QStringLiteral("0"));
    }

    // The zstd frame's last bytes are only hashed, never decoded, once every block is loaded:
    // damage there must still refuse the restore.
    void damageInTheDumpsLastByteIsFound()
    {
        const QString copy = m_work.filePath(QStringLiteral("tail/streamed"));
        QDir().mkpath(QFileInfo(copy).path());
        QCOMPARE(test::runProgram(QStringLiteral("cp"), {QStringLiteral("-a"), m_backup.path, QFileInfo(copy).path() + u'/'}), 0);
        QVERIFY(test::flipByte(QDir(copy).filePath(m_backup.manifest->database->file), -1, 0x40));
        RestoreRequest request = inspection(dropAndName(QStringLiteral("streamed_tail")));
        request.profile.repository = QFileInfo(copy).path();
        request.backup.path = copy;
        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(request, control);
        QVERIFY(!outcome.ok());
        QVERIFY2(outcome.error().message.contains(QStringLiteral("checksum does not match")), qPrintable(outcome.error().toLogString()));
        QCOMPARE(test::sqlScalar(QStringLiteral("postgres"), QStringLiteral("select count(*) from pg_database where datname = 'streamed_tail'")),
                 QStringLiteral("0"));
    }

    void cancelWhileLoadingLeavesNoDatabase()
    {
        const QString target = QStringLiteral("streamed_canceled");
        dropAndName(target);
        auto control = std::make_shared<JobControl>();
        QFuture<Result<RestoreOutcome>> restore = RestoreJob::start(inspection(target), control);
        QElapsedTimer clock;
        clock.start();
        while (!restore.isFinished() && !control->phase().startsWith(QStringLiteral("Loading the data")) && clock.elapsed() < 60000)
            QThread::msleep(2);
        const QString phaseAtCancel = control->phase();
        control->cancel();
        const Result<RestoreOutcome> outcome = restore.result();
        if (outcome.ok()) {
            dropAndName(target);
            QSKIP("the restore finished before the cancel reached it");
        }
        QVERIFY2(phaseAtCancel.startsWith(QStringLiteral("Loading the data")), qPrintable(phaseAtCancel));
        QCOMPARE(outcome.error().code, ErrorCode::Canceled);
        QCOMPARE(test::sqlScalar(QStringLiteral("postgres"), QStringLiteral("select count(*) from pg_database where datname = '%1'").arg(target)),
                 QStringLiteral("0"));
        QCOMPARE(QDir(m_profile.repository).entryList({QStringLiteral(".restore-*")}, QDir::Dirs | QDir::Hidden), QStringList());
        QVERIFY(!QFileInfo::exists(QDir(m_profile.repository).filePath(QLatin1String(RestoreJournal::InProgressFile))));
    }

    // The point of streaming: a repository disk with less room than the plain dump still restores.
    void aRepositoryWithLessRoomThanTheDumpRestores()
    {
        if (geteuid() != 0)
            QSKIP("mounting a small tmpfs needs root");
        const QString mountPoint = m_work.filePath(QStringLiteral("small"));
        QDir().mkpath(mountPoint);
        const qint64 bundleBytes = m_backup.sizeBytes;
        QByteArray plain;
        test::runProgram(QStringLiteral("zstd"), {QStringLiteral("-dc"), QDir(m_backup.path).filePath(m_backup.manifest->database->file)}, &plain);
        const qint64 plainBytes = plain.size();
        const qint64 room = bundleBytes + DiskUsage::MarginBytes + 4 * 1024 * 1024;
        QVERIFY2(room < plainBytes, qPrintable(QStringLiteral("%1 < %2").arg(room).arg(plainBytes)));
        const QByteArray options = "size=" + QByteArray::number(room);
        if (::mount("tmpfs", QFile::encodeName(mountPoint).constData(), "tmpfs", 0, options.constData()) != 0)
            QSKIP("this machine refuses to mount a tmpfs here");
        const auto unmount = qScopeGuard([&] { ::umount2(QFile::encodeName(mountPoint).constData(), MNT_DETACH); });
        QCOMPARE(test::runProgram(QStringLiteral("cp"), {QStringLiteral("-a"), m_backup.path, mountPoint + QStringLiteral("/")}), 0);
        Profile small = m_profile;
        small.repository = mountPoint;
        RestoreRequest request = inspection(dropAndName(QStringLiteral("streamed_small_disk")));
        request.profile = small;
        request.backup.path = QDir(mountPoint).filePath(QFileInfo(m_backup.path).fileName());
        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(request, control);
        QVERIFY2(outcome.ok(), outcome.ok() ? "" : qPrintable(outcome.error().toLogString()));
        QCOMPARE(test::sqlScalar(request.asDatabase, QStringLiteral("select count(*) from events")), QStringLiteral("60002"));
        dropAndName(request.asDatabase);
    }

    void cleanupTestCase()
    {
        if (test::hasFixture())
            dropAndName(QStringLiteral("streamed_src"));
    }
};

QTEST_GUILESS_MAIN(TestStreamedRestore)
#include "tst_streamedrestore.moc"
