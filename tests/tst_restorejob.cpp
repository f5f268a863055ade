#include "PgFixture.h"
#include "catalog/Catalog.h"
#include "catalog/ManifestWriter.h"
#include "jobs/BackupJob.h"
#include "TestBundles.h"
#include "jobs/RestoreJob.h"
#include "storage/RepositoryLock.h"
#include "util/Sha256.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace coffre;

// RestoreJob against the PostgreSQL fixture and real folders: create, change, restore, compare.
class TestRestoreJob : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_work;

    static void writeFile(const QString& path, const QByteArray& content)
    {
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(content);
    }

    // The password of coffre_owner in a private pgpass file that libpq reads (PGPASSFILE), for
    // the life of a test: the way a managed database's owner connects.
    struct OwnerPassFile
    {
        QTemporaryDir home;
        bool isPrivate = false;
        OwnerPassFile()
        {
            const QString path = home.filePath(QStringLiteral("pgpass"));
            writeFile(path, QStringLiteral("127.0.0.1:%1:*:coffre_owner:owner-secret\n").arg(qEnvironmentVariable("PGPORT")).toUtf8());
            isPrivate = QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
            qputenv("PGPASSFILE", QFile::encodeName(path));
        }
        ~OwnerPassFile() { qunsetenv("PGPASSFILE"); }
    };

    static QByteArray readFile(const QString& path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<missing>");
    }

    // Every table's content as one checksum, to compare databases exactly.
    static QString contentOf(const QString& db)
    {
        return test::sqlScalar(db, QStringLiteral(
            "select string_agg(t || ':' || c, ',' order by t) from ("
            " select 'customers' t, md5(coalesce(string_agg(x::text, '|' order by x.id), '')) c from customers x"
            " union all select 'orders', md5(coalesce(string_agg(y::text, '|' order by y.id), '')) from orders y) s"));
    }

    static QMap<QString, QByteArray> tree(const QString& root)
    {
        QMap<QString, QByteArray> files;
        QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            files.insert(QDir(root).relativeFilePath(path), readFile(path));
        }
        return files;
    }

    struct Fixture
    {
        Profile profile;
        Backup backup;
        QString content;                   // database content at backup time
        QMap<QString, QByteArray> backend; // tree at backup time (without exclusions)
    };

    // A database, a source tree, and a backup of both; each test gets its own.
    // `extra` adds to the tree and the profile before the backup is made.
    Fixture makeFixture(const QString& name, const QString& owner = QStringLiteral("postgres"),
                        const std::function<void(Profile&)>& extra = {})
    {
        Fixture f;
        const QString db = QStringLiteral("restore_") + name;
        if (!test::recreateDatabase(db, owner))
            qFatal("cannot create %s", qPrintable(db));
        test::execSql(db, {QStringLiteral("create table customers (id serial primary key, email text)"),
                           QStringLiteral("create table orders (id serial primary key, customer_id int references customers, total numeric)"),
                           QStringLiteral("insert into customers (email) select 'c' || i from generate_series(1, 800) i"),
                           QStringLiteral("insert into orders (customer_id, total) select 1 + i % 800, i from generate_series(1, 2000) i"),
                           QStringLiteral("alter database \"%1\" set work_mem = '7MB'").arg(db)});
        if (owner != u"postgres")
            test::execSql(db, {QStringLiteral("alter table customers owner to %1").arg(owner),
                               QStringLiteral("alter table orders owner to %1").arg(owner)});
        const QString root = m_work.filePath(name + QStringLiteral("/app/backend"));
        writeFile(root + QStringLiteral("/.env"), "SECRET=original\n");
        writeFile(root + QStringLiteral("/package.json"), "{\"v\":1}\n");
        writeFile(root + QStringLiteral("/prisma/schema.prisma"), "model A {}\n");
        writeFile(root + QStringLiteral("/node_modules/dep/index.js"), "dep\n");
        f.profile.name = name;
        f.profile.database = test::fixtureDatabase(db, owner);
        f.profile.sources = {{QStringLiteral("backend"), root}};
        f.profile.repository = m_work.filePath(name + QStringLiteral("/backups"));
        if (extra)
            extra(f.profile);
        f.content = contentOf(db);
        f.backend = tree(root);
        f.backend.remove(QStringLiteral("node_modules/dep/index.js"));
        BackupRequest request;
        request.profile = f.profile;
        request.password = owner == u"postgres" ? QString() : QStringLiteral("right-secret");
        request.name = QStringLiteral("before_changes");
        JobControl control;
        Result<Backup> backup = BackupJob::run(request, control);
        if (!backup)
            qFatal("backup failed: %s", qPrintable(backup.error().toLogString()));
        f.backup = *backup;
        return f;
    }

    static void damage(const Fixture& f)
    {
        const QString db = f.profile.database.dbname;
        test::execSql(db, {QStringLiteral("delete from orders where id > 1500"), QStringLiteral("update customers set email = 'x'")});
        const QString root = f.profile.sources[0].path;
        QFile::remove(root + QStringLiteral("/prisma/schema.prisma"));
        writeFile(root + QStringLiteral("/.env"), "SECRET=changed\n");
        writeFile(root + QStringLiteral("/new-file.txt"), "added after the backup\n");
    }

    static RestoreRequest everything(const Fixture& f)
    {
        RestoreRequest request;
        request.profile = f.profile;
        request.backup = f.backup;
        request.sources = {QStringLiteral("backend")};
        return request;
    }

    QStringList leftovers(const Fixture& f)
    {
        QStringList found;
        const QDir parent(QFileInfo(f.profile.sources[0].path).absolutePath());
        for (const QString& name : parent.entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot))
            if (name.contains(QStringLiteral("restoring")))
                found << name;
        for (const QString& name : QDir(f.profile.repository).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot))
            if (name.startsWith(QStringLiteral(".restore")))
                found << name;
        return found;
    }


    // What backups leave out, at any depth and by any kind of pattern, and the restored tree.
    Fixture makeCarryFixture(const QString& name)
    {
        Fixture f = makeFixture(name, QStringLiteral("postgres"), [](Profile& profile) {
            const QString root = profile.sources[0].path;
            profile.exclusions = {QStringLiteral("node_modules"), QStringLiteral(".env.local"), QStringLiteral("*.log"),
                                  QStringLiteral("public/uploads")};
            writeFile(root + QStringLiteral("/.env.local"), "LOCAL=1\n");
            writeFile(root + QStringLiteral("/logs/a.log"), "log line\n");
            writeFile(root + QStringLiteral("/public/index.html"), "<html>\n");
            writeFile(root + QStringLiteral("/public/uploads/x.jpg"), QByteArray("\xff\xd8\xff\xe0jpeg\0bytes", 15));
            writeFile(root + QStringLiteral("/packages/a/src.js"), "a\n");
            writeFile(root + QStringLiteral("/packages/a/node_modules/m/index.js"), "module m\n");
            writeFile(root + QStringLiteral("/cache.tmp"), "backed up\n");
            QVERIFY(QFile::link(QStringLiteral("packages/a"), root + QStringLiteral("/vendor")));
        });
        for (const char* left : {".env.local", "logs/a.log", "public/uploads/x.jpg", "packages/a/node_modules/m/index.js"})
            f.backend.remove(QString::fromLatin1(left)); // what the backup holds
        return f;
    }

    // After the backup: excluded files in a folder the backup never saw, a dangling link, and
    // a path the backup holds that the profile now excludes.
    static void changeCarryFixture(Fixture& f)
    {
        damage(f);
        const QString root = f.profile.sources[0].path;
        writeFile(root + QStringLiteral("/newpkg/b/node_modules/n/index.js"), "new module\n");
        QFile::setPermissions(root + QStringLiteral("/newpkg"), QFile::Permissions(0x7750));
        QVERIFY(QFile::link(QStringLiteral("/nonexistent/target"), root + QStringLiteral("/debug.log")));
        writeFile(root + QStringLiteral("/cache.tmp"), "current\n");
        f.profile.exclusions << QStringLiteral("*.tmp");
        // Where the backup has a link, a real folder now: nothing may be carried through the link.
        QVERIFY(QFile::remove(root + QStringLiteral("/vendor")));
        writeFile(root + QStringLiteral("/vendor/node_modules/x.js"), "vendored\n");
    }

    static QMap<QString, QByteArray> excludedNow()
    {
        return {{QStringLiteral(".env.local"), "LOCAL=1\n"},
                {QStringLiteral("logs/a.log"), "log line\n"},
                {QStringLiteral("public/uploads/x.jpg"), QByteArray("\xff\xd8\xff\xe0jpeg\0bytes", 15)},
                {QStringLiteral("packages/a/node_modules/m/index.js"), "module m\n"},
                {QStringLiteral("node_modules/dep/index.js"), "dep\n"},
                {QStringLiteral("newpkg/b/node_modules/n/index.js"), "new module\n"},
                {QStringLiteral("debug.log"), "-> /nonexistent/target"}};
    }

private slots:
    void initTestCase()
    {
        if (!test::hasFixture())
            QSKIP("PGHOST is not set: run through ctest, which starts the PostgreSQL fixture");
    }

    // The live database replaced since the restore (another restore, an application's reset):
    // Undo refuses before it moves any folder, so that nothing ends as a mix.
    void undoRefusesWhenTheLiveDatabaseWasReplaced()
    {
        const Fixture f = makeFixture(QStringLiteral("replaced"));
        damage(f);
        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(everything(f), control);
        QVERIFY2(outcome.ok(), qPrintable(outcome.error().toLogString()));
        const QString root = f.profile.sources[0].path;
        const QMap<QString, QByteArray> restoredTree = tree(root);
        QVERIFY(test::recreateDatabase(f.profile.database.dbname)); // same name, another database
        const Result<RestoreJournal> undone = RestoreJob::undo(f.profile, {}, control);
        QVERIFY(!undone.ok());
        QCOMPARE(tree(root), restoredTree); // no folder moved: the folders and the database still match
        QVERIFY2(undone.error().message.contains(QStringLiteral("can no longer be undone")), qPrintable(undone.error().message));
        QVERIFY(QFileInfo::exists(root + QStringLiteral(".before_restore_") + outcome->journal.stamp));
    }

    void restoreBringsEverythingBackAndKeepsTheOldState()
    {
        const Fixture f = makeFixture(QStringLiteral("main"));
        damage(f);
        const QString changed = contentOf(f.profile.database.dbname);
        QVERIFY(changed != f.content);

        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(everything(f), control);
        QVERIFY2(outcome.ok(), qPrintable(outcome.error().toLogString()));
        const RestoreJournal& j = outcome->journal;

        QCOMPARE(contentOf(f.profile.database.dbname), f.content);
        QMap<QString, QByteArray> restored = tree(f.profile.sources[0].path);
        QCOMPARE(restored.take(QStringLiteral("node_modules/dep/index.js")), QByteArray("dep\n")); // moved along
        QCOMPARE(restored, f.backend);
        // Database-level settings survive the swap.
        QCOMPARE(test::sqlScalar(f.profile.database.dbname, QStringLiteral("show work_mem")), QStringLiteral("7MB"));

        // The state before the restore is kept beside it.
        QCOMPARE(j.databaseBefore, f.profile.database.dbname + QStringLiteral("_before_restore_") + j.stamp);
        QCOMPARE(contentOf(j.databaseBefore), changed);
        QCOMPARE(readFile(f.profile.sources[0].path + QStringLiteral(".before_restore_") + j.stamp + QStringLiteral("/.env")),
                 QByteArray("SECRET=changed\n"));
        QCOMPARE(leftovers(f), QStringList());

        // Undo swaps back, and keeps the restored state aside.
        JobControl undoControl;
        const Result<RestoreJournal> undone = RestoreJob::undo(f.profile, {}, undoControl);
        QVERIFY2(undone.ok(), qPrintable(undone.error().toLogString()));
        QCOMPARE(contentOf(f.profile.database.dbname), changed);
        QCOMPARE(readFile(f.profile.sources[0].path + QStringLiteral("/.env")), QByteArray("SECRET=changed\n"));
        QCOMPARE(readFile(f.profile.sources[0].path + QStringLiteral("/node_modules/dep/index.js")), QByteArray("dep\n"));
        QVERIFY(QFileInfo::exists(f.profile.sources[0].path + QStringLiteral(".undone_") + j.stamp));
        const Result<RestoreJournal> again = RestoreJob::undo(f.profile, {}, undoControl);
        QVERIFY(!again.ok()); // once only
        QVERIFY2(again.error().message.contains(QStringLiteral("already undone")), qPrintable(again.error().message));
        QVERIFY(!Catalog::scan(f.profile.repository)->restoreUndoable);
    }

    void excludedPathsAtAnyDepthStayAndUndoPutsThemBack()
    {
        Fixture f = makeCarryFixture(QStringLiteral("carry"));
        changeCarryFixture(f);
        const QString root = f.profile.sources[0].path;
        const QMap<QString, QByteArray> current = test::treeContents(root);
        RestoreRequest request = everything(f);
        // What the backup left out: a pattern added to the profile since (*.tmp) is not promised,
        // since the backup's copy of a path wins over the current one.
        QCOMPARE(RestoreJob::keptFromCurrent(request),
                 QStringList({QStringLiteral("node_modules"), QStringLiteral(".env.local"), QStringLiteral("*.log"),
                              QStringLiteral("public/uploads")}));

        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(request, control);
        QVERIFY2(outcome.ok(), qPrintable(outcome.error().toLogString()));
        const RestoreJournal::Folder& folder = outcome->journal.folders.first();

        // The backup's files, plus everything the exclusions kept out of it, byte for byte.
        QMap<QString, QByteArray> expected = f.backend;
        const QMap<QString, QByteArray> excluded = excludedNow();
        for (auto it = excluded.begin(); it != excluded.end(); ++it)
            expected.insert(it.key(), it.value());
        QCOMPARE(test::treeContents(root), expected);
        QCOMPARE(readFile(root + QStringLiteral("/cache.tmp")), QByteArray("backed up\n")); // the restored one wins
        QCOMPARE(readFile(folder.before + QStringLiteral("/cache.tmp")), QByteArray("current\n")); // the old one is kept
        QCOMPARE(QFileInfo(root + QStringLiteral("/newpkg")).permissions(), QFileInfo(folder.before + QStringLiteral("/newpkg")).permissions());
        QCOMPARE(folder.createdDirs, QStringList({QStringLiteral("newpkg"), QStringLiteral("newpkg/b")}));
        QStringList moved = folder.movedBack;
        moved.sort();
        QCOMPARE(moved, QStringList({QStringLiteral(".env.local"), QStringLiteral("debug.log"), QStringLiteral("logs/a.log"),
                                     QStringLiteral("newpkg/b/node_modules"), QStringLiteral("node_modules"),
                                     QStringLiteral("packages/a/node_modules"), QStringLiteral("public/uploads")}));
        QCOMPARE(test::treeContents(folder.before).keys().filter(QStringLiteral("node_modules")),
                 QStringList{QStringLiteral("vendor/node_modules/x.js")});
        QCOMPARE(QFileInfo(root + QStringLiteral("/vendor")).symLinkTarget(), root + QStringLiteral("/packages/a"));
        QVERIFY(!QFileInfo::exists(root + QStringLiteral("/packages/a/node_modules/x.js")));

        // Undo: the folder exactly as it was, and the restored tree aside without what was carried.
        JobControl undoControl;
        const Result<RestoreJournal> undone = RestoreJob::undo(f.profile, {}, undoControl);
        QVERIFY2(undone.ok(), qPrintable(undone.error().toLogString()));
        QCOMPARE(test::treeContents(root), current);
        QCOMPARE(QFileInfo(root + QStringLiteral("/newpkg")).permissions(), QFile::Permissions(0x7750));
        const QString aside = root + QStringLiteral(".undone_") + outcome->journal.stamp;
        QCOMPARE(test::treeContents(aside), f.backend);
        QVERIFY(!QFileInfo::exists(aside + QStringLiteral("/newpkg")));
    }

    void killedWhileCarryingIsPutBackOnNextStart()
    {
        Fixture f = makeCarryFixture(QStringLiteral("carrykill"));
        changeCarryFixture(f);
        const QString root = f.profile.sources[0].path;
        const QMap<QString, QByteArray> current = test::treeContents(root);
        const QString changed = contentOf(f.profile.database.dbname);
        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(everything(f), control);
        QVERIFY2(outcome.ok(), qPrintable(outcome.error().toLogString()));
        // As if the process died halfway through the moves: the journal lists the plan, two paths
        // are still in the old tree and one created folder was not made yet.
        RestoreJournal journal = outcome->journal;
        journal.state = QStringLiteral("swapping");
        const RestoreJournal::Folder& folder = journal.folders.first();
        QVERIFY(QDir().rename(root + QStringLiteral("/logs/a.log"), folder.before + QStringLiteral("/logs/a.log")));
        QVERIFY(QDir().rename(root + QStringLiteral("/newpkg/b/node_modules"), folder.before + QStringLiteral("/newpkg/b/node_modules")));
        QVERIFY(QDir(root).rmdir(QStringLiteral("newpkg/b")));
        QVERIFY(journal.write(f.profile.repository + QStringLiteral("/.coffre-restore.json")).ok());

        const QString report = RestoreJob::recover(f.profile, {});
        QVERIFY2(report.contains(QStringLiteral("previous state was put back")), qPrintable(report));
        QCOMPARE(test::treeContents(root), current);
        QCOMPARE(contentOf(f.profile.database.dbname), changed);
        QVERIFY(!QFileInfo::exists(root + QStringLiteral(".undone_") + journal.stamp + QStringLiteral("/newpkg")));
        // What was put aside while putting back is named, as after an Undo, for cleanup-restore.
        const Result<RestoreJournal> named = RestoreJournal::read(f.profile.repository + QStringLiteral("/.coffre-last-restore.json"));
        QVERIFY(named);
        QCOMPARE(named->state, QStringLiteral("undone"));
        QCOMPARE(named->stamp, journal.stamp);
    }

    void restoresWithinOneSecondKeepTheirCopiesApart()
    {
        Fixture f = makeFixture(QStringLiteral("twice"));
        RestoreRequest request = everything(f);
        request.database = false;
        const QString root = f.profile.sources[0].path;
        // Copies named after this second and the next few exist already (a restore just before).
        const QDateTime now = QDateTime::currentDateTime();
        for (int s = 0; s < 4; ++s)
            writeFile(root + QStringLiteral(".before_restore_") + now.addSecs(s).toString(QStringLiteral("yyyyMMdd_HHmmss")) +
                          QStringLiteral("/mine.txt"),
                      "earlier copy\n");
        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(request, control);
        QVERIFY2(outcome.ok(), qPrintable(outcome.error().toLogString()));
        const QString before = outcome->journal.folders.first().before;
        QVERIFY2(outcome->journal.stamp.endsWith(QStringLiteral("_2")), qPrintable(outcome->journal.stamp));
        QCOMPARE(readFile(before + QStringLiteral("/.env")), QByteArray("SECRET=original\n"));
        for (int s = 0; s < 4; ++s)
            QCOMPARE(readFile(root + QStringLiteral(".before_restore_") + now.addSecs(s).toString(QStringLiteral("yyyyMMdd_HHmmss")) +
                              QStringLiteral("/mine.txt")),
                     QByteArray("earlier copy\n"));
    }

    void databaseGivenAsAConnectionStringIsTheOneRestored()
    {
        // coffre-cli --db "dbname=..." restores into that database, not the one named in the backup.
        const Fixture f = makeFixture(QStringLiteral("conninfo"));
        QVERIFY(test::recreateDatabase(QStringLiteral("restore_conninfo_copy")));
        RestoreRequest request = everything(f);
        request.sources.clear();
        request.profile.database = DatabaseTarget();
        request.profile.database.conninfo = QStringLiteral("host=%1 port=%2 user=postgres dbname=restore_conninfo_copy")
                                                .arg(qEnvironmentVariable("PGHOST"), qEnvironmentVariable("PGPORT"));
        damage(f);
        const QString changed = contentOf(f.profile.database.dbname);
        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(request, control);
        QVERIFY2(outcome.ok(), qPrintable(outcome.error().toLogString()));
        QCOMPARE(outcome->journal.database, QStringLiteral("restore_conninfo_copy"));
        QCOMPARE(contentOf(QStringLiteral("restore_conninfo_copy")), f.content);
        QCOMPARE(contentOf(f.profile.database.dbname), changed); // the backup's own database is untouched
    }

    void postRestoreCommandsRunInTheFolderAndFailuresAreWarnings()
    {
        Fixture f = makeFixture(QStringLiteral("post"));
        RestoreRequest request = everything(f);
        request.database = false;
        request.profile.postRestoreCommands = {QStringLiteral("echo generated > post.txt"), QStringLiteral("read answer; exit 3")};
        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(request, control);
        QVERIFY2(outcome.ok(), qPrintable(outcome.error().toLogString()));
        QCOMPARE(readFile(f.profile.sources[0].path + QStringLiteral("/post.txt")), QByteArray("generated\n"));
        QCOMPARE(outcome->warnings.size(), 1);
        QVERIFY2(outcome->warnings.first().contains(QStringLiteral("exit status 3")), qPrintable(outcome->warnings.first()));
    }

    // Checksums are taken as the files are read (each once): a damaged dump or pack, even in bytes
    // the reading never needs (a pack's last byte), stops the restore before any swap.
    void damagedFileIsRefusedBeforeAnythingChanges_data()
    {
        QTest::addColumn<bool>("pack");
        QTest::addColumn<bool>("lastByte");
        QTest::newRow("dump, middle") << false << false;
        QTest::newRow("pack, middle") << true << false;
        QTest::newRow("pack, last byte") << true << true;
    }
    void damagedFileIsRefusedBeforeAnythingChanges()
    {
        QFETCH(bool, pack);
        QFETCH(bool, lastByte);
        const Fixture f = makeFixture(pack ? (lastByte ? QStringLiteral("packtail") : QStringLiteral("packmid")) : QStringLiteral("flip"));
        damage(f);
        const QString changed = contentOf(f.profile.database.dbname);
        const QMap<QString, QByteArray> changedTree = tree(f.profile.sources[0].path);
        const QString file = pack ? f.backup.manifest->sources.first().archivePaths(f.backup.path).last()
                                  : f.backup.path + u'/' + f.backup.manifest->database->file;
        QVERIFY(test::flipByte(file, lastByte ? -1 : QFileInfo(file).size() / 2));

        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(everything(f), control);
        QVERIFY(!outcome.ok());
        QVERIFY2(outcome.error().message.contains(QStringLiteral("checksum does not match")), qPrintable(outcome.error().message));
        QCOMPARE(contentOf(f.profile.database.dbname), changed);
        QCOMPARE(tree(f.profile.sources[0].path), changedTree);
        QCOMPARE(leftovers(f), QStringList());
    }

    void pgRestoreKilledHalfwayLeavesTheTargetAsItWas()
    {
        const Fixture f = makeFixture(QStringLiteral("killed"));
        damage(f);
        const QString changed = contentOf(f.profile.database.dbname);
        QTemporaryDir bin;
        const QString real = QStringLiteral("/usr/lib/postgresql/15/bin/pg_restore");
        writeFile(bin.filePath(QStringLiteral("pg_restore")),
                  QStringLiteral("#!/bin/sh\n[ \"$1\" = --version ] && exec %1 --version\n%1 \"$@\" & sleep 0.05; kill -9 $!; exit 137\n")
                      .arg(real).toUtf8());
        QFile::setPermissions(bin.filePath(QStringLiteral("pg_restore")), QFile::Permissions(0x7755));
        qputenv("COFFRE_PG_BINDIR", bin.path().toUtf8());
        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(everything(f), control);
        qunsetenv("COFFRE_PG_BINDIR");
        QVERIFY(!outcome.ok());
        QVERIFY2(outcome.error().message.startsWith(QStringLiteral("pg_restore failed")), qPrintable(outcome.error().message));
        QCOMPARE(contentOf(f.profile.database.dbname), changed);
        QCOMPARE(test::sqlScalar(QStringLiteral("postgres"),
                                 QStringLiteral("select count(*) from pg_database where datname like 'restore_killed_%'")),
                 QStringLiteral("0")); // the temporary database is gone
        QCOMPARE(leftovers(f), QStringList());
    }

    void openSessionsAreEndedAndTheSwapSucceeds()
    {
        const Fixture f = makeFixture(QStringLiteral("sessions"));
        Result<PgConnection> app = PgConnection::open(f.profile.database);
        QVERIFY(app.ok());
        QVERIFY(app.value().scalar(QStringLiteral("select 1")).ok());
        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(everything(f), control);
        QVERIFY2(outcome.ok(), qPrintable(outcome.error().toLogString()));
        QVERIFY(!app.value().scalar(QStringLiteral("select 1")).ok()); // that session was ended
        QCOMPARE(contentOf(f.profile.database.dbname), f.content);
    }

    void hostileArchiveIsRefusedAndNothingWrittenOutside()
    {
        Fixture f = makeFixture(QStringLiteral("hostile"));
        // Forge the bundle: a tar with "../escaped.txt", and a manifest that vouches for it.
        const QString evilDir = m_work.filePath(QStringLiteral("evil"));
        writeFile(evilDir + QStringLiteral("/x"), "x");
        // The last pack: the good ones before it are extracted first, and must go too. Unlinked
        // first: another backup may share its bytes (a hard link), and must stay whole.
        const QString evilPack = f.backup.manifest->sources[0].archiveFiles().last();
        QVERIFY(QFile::remove(f.backup.path + u'/' + evilPack));
        QProcess tar;
        tar.start(QStringLiteral("sh"), {QStringLiteral("-c"),
                                         QStringLiteral("cd '%1' && tar --zstd -cf '%2' --transform 's,^x,../escaped.txt,' x")
                                             .arg(evilDir, f.backup.path + u'/' + evilPack)});
        QVERIFY(tar.waitForFinished());
        QCOMPARE(tar.exitCode(), 0);
        Manifest forged = *f.backup.manifest;
        QFile archive(f.backup.path + u'/' + evilPack);
        QVERIFY(archive.open(QIODevice::ReadOnly));
        const QByteArray bytes = archive.readAll();
        Sha256 hash;
        hash.add(bytes.constData(), bytes.size());
        for (BundleFile& file : forged.files) {
            if (file.path == evilPack)
                file = {file.path, bytes.size(), hash.hex()};
        }
        QVERIFY(ManifestWriter::writeToBundle(forged, f.backup.path).ok());
        f.backup = Catalog::inspect(f.profile.repository, f.backup.name);
        QCOMPARE(f.backup.status, BackupStatus::Complete);

        damage(f);
        const QString changed = contentOf(f.profile.database.dbname);
        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(everything(f), control);
        QVERIFY(!outcome.ok());
        QVERIFY2(outcome.error().message.contains(QStringLiteral("outside its folder")), qPrintable(outcome.error().message));
        const QString parent = QFileInfo(f.profile.sources[0].path).absolutePath();
        QVERIFY(!QFileInfo::exists(parent + QStringLiteral("/escaped.txt")));
        QVERIFY(!QFileInfo::exists(m_work.filePath(QStringLiteral("hostile/escaped.txt"))));
        QCOMPARE(contentOf(f.profile.database.dbname), changed);
        QCOMPARE(readFile(f.profile.sources[0].path + QStringLiteral("/.env")), QByteArray("SECRET=changed\n"));
        QCOMPARE(leftovers(f), QStringList());
    }

    // The database's own settings (what pg_dump leaves out) as the backup recorded them.
    static QString settingsOf(const QString& db, const QString& role = {})
    {
        const QString setrole = role.isEmpty()
                                    ? QStringLiteral("0")
                                    : QStringLiteral("(select oid from pg_roles where rolname = '%1')").arg(role);
        return test::sqlScalar(
            QStringLiteral("postgres"),
            QStringLiteral(
                "select coalesce(string_agg(c, '|' order by c), '') from pg_db_role_setting s, unnest(s.setconfig) c "
                "where s.setdatabase = (select oid from pg_database where datname = '%1') and s.setrole = %2")
                .arg(db, setrole));
    }

    static QString databaseRow(const QString& db)
    {
        return test::sqlScalar(
            QStringLiteral("postgres"),
            QStringLiteral("select datconnlimit || ' ' || pg_get_userbyid(datdba) || ' ' || coalesce((select "
                           "string_agg(a::text, ',' order by a::text) from unnest(datacl) a), 'default') || ' ' || "
                           "coalesce(shobj_description(oid, 'pg_database'), '') from pg_database where datname = '%1'")
                .arg(db));
    }

    void databaseSettingsComeBackFromTheBackup()
    {
        QVERIFY(test::execSql(
            QStringLiteral("postgres"),
            {QStringLiteral(
                 "do $$ begin if not exists (select from pg_roles where rolname = 'coffre_settings_role') then "
                 "create role coffre_settings_role; end if; end $$"),
             QStringLiteral("drop role if exists coffre_settings_gone"),
             QStringLiteral("create role coffre_settings_gone")}));
        const Fixture f = makeFixture(QStringLiteral("settings"), QStringLiteral("postgres"), [](Profile& profile) {
            const QString db = profile.database.dbname;
            QVERIFY(test::execSql(
                db,
                {QStringLiteral("create schema extra"),
                 QStringLiteral("alter database %1 set search_path = public, extra").arg(db),
                 QStringLiteral("alter database %1 set work_mem = '8MB'").arg(db),
                 QStringLiteral("alter role coffre_settings_role in database %1 set statement_timeout = '42s'").arg(db),
                 QStringLiteral("alter role coffre_settings_gone in database %1 set lock_timeout = '3s'").arg(db),
                 QStringLiteral("alter database %1 connection limit 17").arg(db),
                 QStringLiteral("comment on database %1 is 'the shop, as backed up'").arg(db),
                 QStringLiteral("revoke temporary on database %1 from public").arg(db),
                 QStringLiteral("grant create on database %1 to coffre_settings_role").arg(db)}));
        });
        const QString db = f.profile.database.dbname;
        QVERIFY(f.backup.manifest->database->settings.has_value());
        const QString backedUpRow = databaseRow(db);
        QCOMPARE(backedUpRow.section(u' ', 0, 0), QStringLiteral("17"));
        QCOMPARE(settingsOf(db), QStringLiteral("search_path=public, extra|work_mem=8MB"));

        QVERIFY(test::execSql(
            db, {QStringLiteral("alter database %1 set search_path = public").arg(db),
                 QStringLiteral("alter database %1 set work_mem = '1MB'").arg(db),
                 QStringLiteral("alter database %1 set lock_timeout = '5s'").arg(db), // new since the backup
                 QStringLiteral("alter role coffre_settings_role in database %1 set statement_timeout = '1s'").arg(db),
                 QStringLiteral("alter database %1 connection limit 3").arg(db),
                 QStringLiteral("comment on database %1 is 'changed'").arg(db),
                 QStringLiteral("grant all on database %1 to public").arg(db),
                 QStringLiteral("revoke create on database %1 from coffre_settings_role").arg(db),
                 QStringLiteral("drop role coffre_settings_gone")}));
        QVERIFY(databaseRow(db) != backedUpRow);

        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(everything(f), control);
        QVERIFY2(outcome.ok(), qPrintable(outcome.error().toLogString()));
        QCOMPARE(settingsOf(db), QStringLiteral("search_path=public, extra|work_mem=8MB"));
        QCOMPARE(settingsOf(db, QStringLiteral("coffre_settings_role")), QStringLiteral("statement_timeout=42s"));
        QCOMPARE(databaseRow(db), backedUpRow);
        // A list comes back as a list: two schemas, not one quoted name "public, extra".
        QCOMPARE(test::sqlScalar(db, QStringLiteral("show search_path")), QStringLiteral("public, extra"));
        QCOMPARE(test::sqlScalar(db, QStringLiteral("select array_length(current_schemas(false), 1)")),
                 QStringLiteral("2"));
        QCOMPARE(test::sqlScalar(db, QStringLiteral("show work_mem")), QStringLiteral("8MB"));
        // The role dropped since is skipped, and said so.
        QVERIFY2(outcome->warnings.join(u'\n').contains(QStringLiteral("coffre_settings_gone")),
                 qPrintable(outcome->warnings.join(u'\n')));
    }

    void oldManifestWithoutSettingsKeepsTheCurrentOnes()
    {
        const Fixture f = makeFixture(QStringLiteral("oldsettings"));
        Backup old = f.backup;
        auto manifest = std::make_shared<Manifest>(*old.manifest);
        manifest->database->settings.reset(); // as written before settings were recorded
        old.manifest = manifest;
        const QString db = f.profile.database.dbname;
        QVERIFY(test::execSql(db, {QStringLiteral("alter database %1 set work_mem = '5MB'").arg(db)}));
        RestoreRequest request = everything(f);
        request.backup = old;
        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(request, control);
        QVERIFY2(outcome.ok(), qPrintable(outcome.error().toLogString()));
        QCOMPARE(settingsOf(db), QStringLiteral("work_mem=5MB"));
    }

    void underAnotherNameForInspection()
    {
        const Fixture f = makeFixture(QStringLiteral("inspect"));
        damage(f);
        const QString changed = contentOf(f.profile.database.dbname);
        RestoreRequest request = everything(f);
        request.sources.clear();
        request.asDatabase = QStringLiteral("restore_inspect_copy");
        test::execSql(QStringLiteral("postgres"), {QStringLiteral("drop database if exists restore_inspect_copy")});
        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(request, control);
        QVERIFY2(outcome.ok(), qPrintable(outcome.error().toLogString()));
        QCOMPARE(contentOf(QStringLiteral("restore_inspect_copy")), f.content);
        QCOMPARE(contentOf(f.profile.database.dbname), changed); // the live one is untouched
    }

    void roleWithoutCreatedbRestoresInPlaceAfterASafetyCopy()
    {
        const Fixture f = makeFixture(QStringLiteral("nocreatedb"), QStringLiteral("coffre_pw"));
        damage(f);
        RestoreRequest request = everything(f);
        request.password = QStringLiteral("right-secret");
        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(request, control);
        QVERIFY2(outcome.ok(), qPrintable(outcome.error().toLogString()));
        QCOMPARE(contentOf(f.profile.database.dbname), f.content);
        const Result<RepositoryScan> scan = Catalog::scan(f.profile.repository);
        bool safety = false;
        for (const Backup& b : scan->backups)
            safety |= b.kind() == BackupKind::Safety && b.status == BackupStatus::Complete;
        QVERIFY(safety);
    }

    // The database's tables, view and sequence as one text, to compare an in-place restore exactly.
    static QString inPlaceContent(const QString& db)
    {
        return test::sqlScalar(
            db, QStringLiteral(
                    "select (select md5(string_agg(p::text, '|' order by p.id)) from payment p) || ' ' || "
                    "(select md5(string_agg(i::text, '|' order by i.id)) from item i) || ' ' || "
                    "(select count(*) from big_payments) || ' ' || (select last_value from invoice_no) || ' ' || "
                    "(select string_agg(c.relname || ':' || c.relkind::text || ':' || pg_get_userbyid(c.relowner), ',' "
                    "order by c.relname) "
                    " from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public')"));
    }

    void inPlaceRestoreAsOwnerOverTcpWithPartitions()
    {
        // As on managed PostgreSQL: the database's owner, without CREATEDB, over TCP, its
        // password in a pgpass file.
        const OwnerPassFile passFile;
        QVERIFY(passFile.isPrivate);
        const QString db = QStringLiteral("restore_inplace");
        QVERIFY(test::recreateDatabase(db, QStringLiteral("coffre_owner")));
        QVERIFY(
            test::execSql(QStringLiteral("postgres"), {QStringLiteral("drop role if exists coffre_inplace_reader")}));
        QVERIFY(test::execSql(
            db,
            {QStringLiteral("create role coffre_inplace_reader"), QStringLiteral("set role coffre_owner"),
             QStringLiteral(
                 "create table payment (id int, paid date not null, amount numeric) partition by range (paid)"),
             QStringLiteral(
                 "create table payment_p2026_07 partition of payment for values from ('2026-07-01') to ('2026-08-01')"),
             QStringLiteral(
                 "create table payment_p2026_08 partition of payment for values from ('2026-08-01') to ('2026-09-01')"),
             QStringLiteral("alter table payment add primary key (id, paid)"),
             QStringLiteral("create table item (id serial primary key, price numeric, qty int, total numeric generated "
                            "always as (price * qty) stored)"),
             QStringLiteral("create view big_payments as select * from payment where amount > 50"),
             QStringLiteral("create sequence invoice_no start 1000"),
             QStringLiteral("select setval('invoice_no', 1234)"),
             QStringLiteral(
                 "insert into payment select i, date '2026-07-01' + (i % 60), i from generate_series(1, 500) i"),
             QStringLiteral("insert into item (price, qty) select i, 2 from generate_series(1, 100) i"),
             QStringLiteral("grant select on payment to coffre_inplace_reader"),
             QStringLiteral("create schema \"odd, name\""),
             QStringLiteral("create table \"odd, name\".note as select generate_series(1, 3) a"),
             QStringLiteral("alter database restore_inplace set search_path = public, \"odd, name\""),
             QStringLiteral("reset role"),
             QStringLiteral("alter role coffre_pw in database restore_inplace set work_mem = '2MB'")}));
        Profile profile;
        profile.name = QStringLiteral("inplace");
        profile.database.host = QStringLiteral("127.0.0.1");
        profile.database.port = qEnvironmentVariableIntValue("PGPORT");
        profile.database.user = QStringLiteral("coffre_owner");
        profile.database.dbname = db;
        profile.repository = m_work.filePath(QStringLiteral("inplace/backups"));
        BackupRequest backupRequest;
        backupRequest.profile = profile;
        backupRequest.name = QStringLiteral("before_changes");
        JobControl backupControl;
        const Result<Backup> backup = BackupJob::run(backupRequest, backupControl);
        QVERIFY2(backup.ok(), qPrintable(backup.error().toLogString()));
        const QString backedUp = inPlaceContent(db);

        QVERIFY(test::execSql(
            db,
            {QStringLiteral("set role coffre_owner"), QStringLiteral("delete from payment where id > 300"),
             QStringLiteral("update item set qty = 5"), QStringLiteral("select setval('invoice_no', 5000)"),
             QStringLiteral("create table added_since (a int)"),
             QStringLiteral("insert into \"odd, name\".note values (4)"),
             QStringLiteral("alter database restore_inplace set search_path = public"), QStringLiteral("reset role"),
             QStringLiteral("alter role coffre_pw in database restore_inplace set work_mem = '3MB'")}));
        QVERIFY(inPlaceContent(db) != backedUp);
        RestoreRequest request;
        request.profile = profile;
        request.backup = *backup;
        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(request, control);
        QVERIFY2(outcome.ok(), qPrintable(outcome.error().toLogString()));
        QVERIFY2(outcome->safetyBackup.startsWith(QStringLiteral("safety_before_restore_")),
                 qPrintable(outcome->safetyBackup));
        QCOMPARE(inPlaceContent(db), backedUp);
        QCOMPARE(test::sqlScalar(db, QStringLiteral("select count(*) from \"odd, name\".note")), QStringLiteral("3"));
        // The owner puts the database's settings back, a quoted list element whole; another
        // role's setting is beyond it: a warning, not a failure.
        QCOMPARE(settingsOf(db), QStringLiteral("search_path=public, \"odd, name\""));
        QCOMPARE(test::sqlScalar(db, QStringLiteral("show search_path")), QStringLiteral("public, \"odd, name\""));
        QCOMPARE(settingsOf(db, QStringLiteral("coffre_pw")), QStringLiteral("work_mem=3MB"));
        QVERIFY2(outcome->warnings.join(u'\n').contains(QStringLiteral("coffre_pw")),
                 qPrintable(outcome->warnings.join(u'\n')));

        // Halfway through (the privileges come after the data), a GRANT to a role gone since:
        // everything is rolled back, and the error names the safety backup.
        QVERIFY(test::execSql(db, {QStringLiteral("set role coffre_owner"),
                                   QStringLiteral("delete from payment where id > 100"),
                                   QStringLiteral("create table added_since (a int)"), QStringLiteral("reset role"),
                                   QStringLiteral("drop owned by coffre_inplace_reader"),
                                   QStringLiteral("drop role coffre_inplace_reader")}));
        const QString before = inPlaceContent(db);
        JobControl failing;
        const Result<RestoreOutcome> failed = RestoreJob::run(request, failing);
        QVERIFY(!failed.ok());
        QVERIFY2(failed.error().message.contains(QStringLiteral("rolled back")), qPrintable(failed.error().message));
        QVERIFY2(failed.error().detail.contains(QStringLiteral("coffre_inplace_reader")),
                 qPrintable(failed.error().detail));
        QCOMPARE(inPlaceContent(db), before);
        const QString safety = QRegularExpression(QStringLiteral("safety_before_restore_[0-9_]+"))
                                   .match(failed.error().message)
                                   .captured();
        QVERIFY2(!safety.isEmpty(), qPrintable(failed.error().message));
        QVERIFY(safety != outcome->safetyBackup);
        QVERIFY(QFileInfo::exists(profile.repository + u'/' + safety + QStringLiteral("/manifest.json")));
    }

    // A database made before PostgreSQL 15 keeps `public` owned by the superuser: the owner of
    // the database may not drop it, only what it owns in it.
    void inPlaceRestoreWhenPublicBelongsToTheSuperuser()
    {
        const OwnerPassFile passFile;
        QVERIFY(passFile.isPrivate);
        const QString db = QStringLiteral("restore_inplace_old");
        QVERIFY(test::recreateDatabase(db, QStringLiteral("coffre_owner")));
        QVERIFY(test::execSql(
            db, {QStringLiteral("alter schema public owner to postgres"),
                 QStringLiteral("grant all on schema public to public"), QStringLiteral("set role coffre_owner"),
                 QStringLiteral("create type mood as enum ('calm', 'busy')"),
                 QStringLiteral("create table visit (id serial primary key, mood mood, twice int generated always as "
                                "(id * 2) stored)"),
                 QStringLiteral("create function moods() returns bigint language sql as 'select count(*) from visit'"),
                 QStringLiteral("create view busy as select * from visit where mood = 'busy'"),
                 QStringLiteral("insert into visit (mood) select case when i % 3 = 0 then 'busy'::mood else 'calm' end "
                                "from generate_series(1, 90) i")}));
        const QString content = QStringLiteral(
            "select (select count(*) from busy) || ' ' || moods() || ' ' || (select sum(twice) from visit)");
        const QString backedUp = test::sqlScalar(db, content);
        QCOMPARE(backedUp, QStringLiteral("30 90 8190"));
        Profile profile;
        profile.name = QStringLiteral("inplace_old");
        profile.database.host = QStringLiteral("127.0.0.1");
        profile.database.port = qEnvironmentVariableIntValue("PGPORT");
        profile.database.user = QStringLiteral("coffre_owner");
        profile.database.dbname = db;
        profile.repository = m_work.filePath(QStringLiteral("inplace_old/backups"));
        BackupRequest backupRequest;
        backupRequest.profile = profile;
        JobControl backupControl;
        const Result<Backup> backup = BackupJob::run(backupRequest, backupControl);
        QVERIFY2(backup.ok(), qPrintable(backup.error().toLogString()));

        QVERIFY(test::execSql(db, {QStringLiteral("set role coffre_owner"),
                                   QStringLiteral("delete from visit where id > 45"),
                                   QStringLiteral("create table added_since (a int)")}));
        QVERIFY(test::sqlScalar(db, content) != backedUp);
        RestoreRequest request;
        request.profile = profile;
        request.backup = *backup;
        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(request, control);
        QVERIFY2(outcome.ok(), qPrintable(outcome.error().toLogString()));
        QCOMPARE(test::sqlScalar(db, content), backedUp);
        QCOMPARE(test::sqlScalar(db, QStringLiteral("select to_regclass('added_since') is null")), QStringLiteral("t"));
        QCOMPARE(test::sqlScalar(
                     db, QStringLiteral("select nspowner::regrole::text from pg_namespace where nspname = 'public'")),
                 QStringLiteral("postgres"));
    }

    // Run as root (the tests are), a restore gives files their archived owners back, by number.
    void restoredFilesGetTheirArchivedOwnersBack()
    {
        if (::geteuid() != 0)
            QSKIP("only root can give files away");
        const Fixture f = makeFixture(QStringLiteral("owners"), QStringLiteral("postgres"), [](Profile& profile) {
            const QString root = profile.sources[0].path;
            writeFile(root + QStringLiteral("/uploads/owned.txt"), "web server's\n");
            QCOMPARE(::chown(QFile::encodeName(root + QStringLiteral("/uploads/owned.txt")).constData(), 1234, 1234), 0);
            QCOMPARE(::chown(QFile::encodeName(root + QStringLiteral("/uploads")).constData(), 1234, 1235), 0);
        });
        const QString root = f.profile.sources[0].path;
        QVERIFY(QFile::remove(root + QStringLiteral("/uploads/owned.txt")));
        RestoreRequest request = everything(f);
        request.database = false;
        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(request, control);
        QVERIFY2(outcome.ok(), qPrintable(outcome.error().toLogString()));
        struct stat st;
        QCOMPARE(::lstat(QFile::encodeName(root + QStringLiteral("/uploads/owned.txt")).constData(), &st), 0);
        QCOMPARE(st.st_uid, uid_t(1234));
        QCOMPARE(st.st_gid, gid_t(1234));
        QCOMPARE(::lstat(QFile::encodeName(root + QStringLiteral("/uploads")).constData(), &st), 0);
        QCOMPARE(st.st_uid, uid_t(1234));
        QCOMPARE(st.st_gid, gid_t(1235));
        QCOMPARE(::lstat(QFile::encodeName(root + QStringLiteral("/package.json")).constData(), &st), 0);
        QCOMPARE(st.st_uid, uid_t(0));
    }

    // Two profiles on one repository: the journal of one is never undone, put back or cleaned
    // up by the other, and the refusal names the profile that wrote it.
    void anotherProfilesJournalIsLeftAlone()
    {
        const Fixture f = makeFixture(QStringLiteral("shared"));
        damage(f);
        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(everything(f), control);
        QVERIFY2(outcome.ok(), qPrintable(outcome.error().toLogString()));
        const QString root = f.profile.sources[0].path;
        const QMap<QString, QByteArray> restored = tree(root);
        Profile other = f.profile;
        other.name = QStringLiteral("shared-staging");

        const Result<RestoreJournal> refused = RestoreJob::undo(other, {}, control);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.contains(QStringLiteral("“shared”")), qPrintable(refused.error().message));
        QCOMPARE(tree(root), restored);
        QCOMPARE(contentOf(f.profile.database.dbname), f.content);

        // An interrupted restore of the other profile: recovery leaves its journal for that profile.
        RestoreJournal interrupted = outcome->journal;
        interrupted.state = QStringLiteral("swapping");
        const QString inProgress = f.profile.repository + QStringLiteral("/.coffre-restore.json");
        QVERIFY(interrupted.write(inProgress).ok());
        const QString report = RestoreJob::recover(other, {});
        QVERIFY2(report.contains(QStringLiteral("“shared”")), qPrintable(report));
        QVERIFY(QFileInfo::exists(inProgress));
        QCOMPARE(tree(root), restored);
        QVERIFY(QFile::remove(inProgress));

        const Result<RestoreJournal> undone = RestoreJob::undo(f.profile, {}, control);
        QVERIFY2(undone.ok(), qPrintable(undone.error().toLogString()));
        QCOMPARE(readFile(root + QStringLiteral("/.env")), QByteArray("SECRET=changed\n"));
    }

    // An undo that fails halfway (a folder cannot be moved aside) records what is left; once the
    // obstacle is gone, a second undo finishes, and the database is not swapped twice.
    void undoStoppedHalfwayIsFinishedByASecondUndo()
    {
        const Fixture f = makeFixture(QStringLiteral("retry"));
        damage(f);
        const QString root = f.profile.sources[0].path;
        const QMap<QString, QByteArray> current = tree(root);
        const QString changed = contentOf(f.profile.database.dbname);
        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(everything(f), control);
        QVERIFY2(outcome.ok(), qPrintable(outcome.error().toLogString()));
        // Where undo puts the restored tree aside, a folder that is not empty: the rename fails, even as root.
        const QString aside = root + QStringLiteral(".undone_") + outcome->journal.stamp;
        writeFile(aside + QStringLiteral("/obstacle.txt"), "in the way\n");

        const Result<RestoreJournal> failed = RestoreJob::undo(f.profile, {}, control);
        QVERIFY(!failed.ok());
        QVERIFY2(failed.error().message.contains(QStringLiteral("stopped halfway")), qPrintable(failed.error().message));
        QCOMPARE(contentOf(f.profile.database.dbname), changed); // the database went back
        const Result<RestoreJournal> left = RestoreJournal::read(f.profile.repository + QStringLiteral("/.coffre-last-restore.json"));
        QVERIFY(left);
        QCOMPARE(left->state, QStringLiteral("undoing"));
        QVERIFY(left->databaseReverted);
        QVERIFY(!left->folders.first().reverted);
        QVERIFY(Catalog::scan(f.profile.repository)->restoreUndoable);

        QVERIFY(QDir(aside).removeRecursively());
        const Result<RestoreJournal> finished = RestoreJob::undo(f.profile, {}, control);
        QVERIFY2(finished.ok(), qPrintable(finished.error().toLogString()));
        QCOMPARE(tree(root), current);
        QCOMPARE(contentOf(f.profile.database.dbname), changed);
        QCOMPARE(contentOf(finished->databaseUndone), f.content); // the restored one, aside
        QCOMPARE(readFile(aside + QStringLiteral("/.env")), QByteArray("SECRET=original\n"));
        const Result<RestoreJournal> again = RestoreJob::undo(f.profile, {}, control);
        QVERIFY(!again.ok());
        QVERIFY2(again.error().message.contains(QStringLiteral("already undone")), qPrintable(again.error().message));
    }

    // An excluded folder that is a mount point (an uploads share) cannot be renamed into the
    // restored tree: the restore succeeds, and says so in its warnings, not only in the log.
    void whatCouldNotBeCarriedIsAWarning()
    {
        if (::geteuid() != 0)
            QSKIP("mounting needs root");
        const Fixture f = makeFixture(QStringLiteral("carrybusy"), QStringLiteral("postgres"), [](Profile& profile) {
            profile.exclusions = {QStringLiteral("uploads")};
            writeFile(profile.sources[0].path + QStringLiteral("/uploads/old.jpg"), "old\n");
        });
        const QString mountPoint = f.profile.sources[0].path + QStringLiteral("/uploads");
        if (::mount("tmpfs", QFile::encodeName(mountPoint).constData(), "tmpfs", 0, "size=1m") != 0)
            QSKIP("tmpfs cannot be mounted here");
        QString mounted = mountPoint; // where it is after the swap: in the before-restore copy
        const auto unmount = qScopeGuard([&] { ::umount(QFile::encodeName(mounted).constData()); });
        writeFile(mountPoint + QStringLiteral("/photo.jpg"), "precious\n");
        RestoreRequest request = everything(f);
        request.database = false;
        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(request, control);
        QVERIFY2(outcome.ok(), qPrintable(outcome.error().toLogString()));
        const RestoreJournal::Folder& folder = outcome->journal.folders.first();
        mounted = folder.before + QStringLiteral("/uploads");
        QCOMPARE(readFile(mounted + QStringLiteral("/photo.jpg")), QByteArray("precious\n"));
        QCOMPARE(outcome->warnings.size(), 1);
        QVERIFY2(outcome->warnings.first().contains(QStringLiteral("“uploads” could not be carried")) &&
                     outcome->warnings.first().contains(folder.before),
                 qPrintable(outcome->warnings.first()));
        QVERIFY(folder.movedBack.isEmpty());
    }

    // Without CREATEDB the database is restored in place before the folders are swapped: when a
    // folder cannot be swapped, the error says the database was restored, the folders not, and
    // where the database's previous state is.
    void inPlaceRestoreWhoseFolderSwapFailsSaysWhatWasRestored()
    {
        if (::geteuid() != 0)
            QSKIP("mounting needs root");
        const Fixture f = makeFixture(QStringLiteral("inplacefail"), QStringLiteral("coffre_pw"));
        damage(f);
        const QString root = f.profile.sources[0].path;
        // A mount point cannot be renamed (EBUSY): the folder swap fails after the database was restored.
        if (::mount("tmpfs", QFile::encodeName(root).constData(), "tmpfs", 0, "size=1m") != 0)
            QSKIP("tmpfs cannot be mounted here");
        const auto unmount = qScopeGuard([&] { ::umount(QFile::encodeName(root).constData()); });
        RestoreRequest request = everything(f);
        request.password = QStringLiteral("right-secret");
        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(request, control);
        QVERIFY(!outcome.ok());
        const QString message = outcome.error().message;
        QVERIFY2(message.contains(QStringLiteral("The database was restored (in place, from before_changes), but the folders were not")),
                 qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("The folders (%1) are as they were before the restore.").arg(root)), qPrintable(message));
        QVERIFY2(message.contains(QRegularExpression(QStringLiteral("safety backup safety_before_restore_\\d{8}_\\d{6}"))),
                 qPrintable(message));
        QCOMPARE(contentOf(f.profile.database.dbname), f.content);
        QCOMPARE(leftovers(f), QStringList());
    }

    void killedWhileStagingIsCleanedOnNextStart()
    {
        const Fixture f = makeFixture(QStringLiteral("staged"));
        damage(f);
        const QString changed = contentOf(f.profile.database.dbname);
        // What a restore killed during pg_restore leaves: its journal, a temporary database, staging folders.
        RestoreJournal journal;
        journal.stamp = QStringLiteral("20260101_000000");
        journal.backup = f.backup.name;
        journal.state = QStringLiteral("staging");
        journal.database = f.profile.database.dbname;
        journal.databaseBefore = journal.database + QStringLiteral("_before_restore_") + journal.stamp;
        journal.databaseRestored = journal.database + QStringLiteral("_restoring_") + journal.stamp;
        RestoreJournal::Folder folder;
        folder.path = f.profile.sources[0].path;
        folder.before = folder.path + QStringLiteral(".before_restore_") + journal.stamp;
        folder.staging = QFileInfo(folder.path).absolutePath() + QStringLiteral("/.backend.restoring_") + journal.stamp;
        journal.folders = {folder};
        writeFile(folder.staging + QStringLiteral("/half.txt"), "half");
        QVERIFY(test::execSql(QStringLiteral("postgres"), {QStringLiteral("create database \"%1\"").arg(journal.databaseRestored)}));
        QVERIFY(journal.write(f.profile.repository + QStringLiteral("/.coffre-restore.json")).ok());
        QVERIFY(Catalog::scan(f.profile.repository)->restoreInterrupted);

        const QString report = RestoreJob::recover(f.profile, {});
        QVERIFY2(report.contains(QStringLiteral("before it changed anything")), qPrintable(report));
        QVERIFY(!QFileInfo::exists(folder.staging));
        QCOMPARE(test::sqlScalar(QStringLiteral("postgres"),
                                 QStringLiteral("select count(*) from pg_database where datname = '%1'").arg(journal.databaseRestored)),
                 QStringLiteral("0"));
        QCOMPARE(contentOf(f.profile.database.dbname), changed);
        QCOMPARE(readFile(folder.path + QStringLiteral("/.env")), QByteArray("SECRET=changed\n"));
        QVERIFY(!Catalog::scan(f.profile.repository)->restoreInterrupted);
    }

    void interruptedSwapIsPutBackOnNextStart()
    {
        const Fixture f = makeFixture(QStringLiteral("crash"));
        damage(f);
        const QString changed = contentOf(f.profile.database.dbname);
        JobControl control;
        const Result<RestoreOutcome> outcome = RestoreJob::run(everything(f), control);
        QVERIFY(outcome.ok());
        // As if the process died right after the swaps, before it marked them done.
        RestoreJournal journal = outcome->journal;
        journal.state = QStringLiteral("swapping");
        QVERIFY(journal.write(f.profile.repository + QStringLiteral("/.coffre-restore.json")).ok());
        {
            // A new restore never overwrites the journal of the one that was cut short.
            JobControl again;
            const Result<RestoreOutcome> refused = RestoreJob::run(everything(f), again);
            QVERIFY(!refused.ok());
            QVERIFY2(refused.error().message.contains(QStringLiteral("was interrupted")), qPrintable(refused.error().message));
        }
        {
            // While another process holds the repository (a restore running), nothing is touched.
            const Result<std::unique_ptr<RepositoryLock>> running = RepositoryLock::acquire(f.profile.repository);
            QVERIFY(running);
            QCOMPARE(RestoreJob::recover(f.profile, {}), QString());
            QCOMPARE(readFile(f.profile.sources[0].path + QStringLiteral("/.env")), QByteArray("SECRET=original\n"));
        }
        const QString report = RestoreJob::recover(f.profile, {});
        QVERIFY2(report.contains(QStringLiteral("previous state was put back")), qPrintable(report));
        QCOMPARE(contentOf(f.profile.database.dbname), changed);
        QCOMPARE(readFile(f.profile.sources[0].path + QStringLiteral("/.env")), QByteArray("SECRET=changed\n"));
        QVERIFY(!QFileInfo::exists(f.profile.repository + QStringLiteral("/.coffre-restore.json")));
        QCOMPARE(RestoreJob::recover(f.profile, {}), QString()); // nothing left to do
    }
};

QTEST_GUILESS_MAIN(TestRestoreJob)
#include "tst_restorejob.moc"
