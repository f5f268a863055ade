#include "PgFixture.h"
#include "TestBundles.h"
#include "catalog/Catalog.h"
#include "catalog/ManifestParser.h"
#include "jobs/BackupJob.h"
#include "storage/RepositoryLock.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <sys/mount.h>
#include <unistd.h>

using namespace coffre;

// BackupJob against the PostgreSQL fixture and a real source tree; every result is checked with
// standard tools (pg_restore, tar, zstd, sha256sum), as someone without Coffre would.
class TestBackupJob : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_work;
    QString m_tree;
    const QString m_db = QStringLiteral("create_src");

    struct Shell
    {
        int status;
        QString output;
    };

    static Shell sh(const QString& script, const QString& workDir = {})
    {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        if (!workDir.isEmpty())
            process.setWorkingDirectory(workDir);
        process.start(QStringLiteral("sh"), {QStringLiteral("-c"), script});
        process.waitForFinished(120000);
        return {process.exitCode(), QString::fromUtf8(process.readAll())};
    }

    static void writeFile(const QString& path, const QByteArray& content)
    {
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }

    // Every file below `root`, with its bytes, symlinks as "-> target".
    static QMap<QString, QByteArray> treeContent(const QString& root)
    {
        QMap<QString, QByteArray> content;
        QDirIterator it(root, QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot | QDir::System,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QFileInfo info(it.next());
            const QString relative = QDir(root).relativeFilePath(info.filePath());
            if (info.isSymLink()) {
                QByteArray target(4096, '\0');
                target.truncate(::readlink(QFile::encodeName(info.filePath()).constData(), target.data(), target.size()));
                content.insert(relative, "-> " + target);
            }
            else if (info.isFile()) {
                QFile file(info.filePath());
                file.open(QIODevice::ReadOnly);
                content.insert(relative, file.readAll());
            }
        }
        return content;
    }

    Profile profile(const QString& repository) const
    {
        Profile p;
        p.name = QStringLiteral("shop");
        p.database = test::fixtureDatabase(m_db);
        p.sources = {{QStringLiteral("backend"), m_tree + QStringLiteral("/backend")},
                     {QStringLiteral("frontend"), m_tree + QStringLiteral("/frontend")}};
        p.repository = repository;
        return p;
    }

    static QStringList folders(const QString& repository)
    {
        return QDir(repository).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden);
    }

private slots:
    void initTestCase()
    {
        if (!test::hasFixture())
            QSKIP("PGHOST is not set: run through ctest, which starts the PostgreSQL fixture");
        QVERIFY(test::recreateDatabase(m_db));
        QVERIFY(test::execSql(m_db, {
            QStringLiteral("create table customers (id serial primary key, email text not null)"),
            QStringLiteral("create table orders (id serial primary key, customer_id int references customers, total numeric(10,2))"),
            QStringLiteral("create schema audit"),
            QStringLiteral("create table audit.\"Events\" (id bigserial primary key, payload jsonb)"),
            QStringLiteral("insert into customers (email) select 'c' || i || '@example.fr' from generate_series(1, 1500) i"),
            QStringLiteral("insert into orders (customer_id, total) select 1 + i % 1500, i * 1.5 from generate_series(1, 4200) i"),
            QStringLiteral("insert into audit.\"Events\" (payload) select jsonb_build_object('i', i) from generate_series(1, 333) i"),
        }));

        m_tree = m_work.filePath(QStringLiteral("app"));
        const QString b = m_tree + QStringLiteral("/backend/"), f = m_tree + QStringLiteral("/frontend/");
        writeFile(b + QStringLiteral(".env"), "DATABASE_URL=postgres://shop\nSECRET=x\n");
        writeFile(b + QStringLiteral(".env.local"), "SECRET=mine\n");
        writeFile(b + QStringLiteral("package.json"), "{\"name\":\"backend\"}\n");
        writeFile(b + QStringLiteral("prisma/schema.prisma"), "model User { id Int @id }\n");
        writeFile(b + QStringLiteral("prisma/migrations/20250101_init/migration.sql"), "CREATE TABLE x();\n");
        writeFile(b + QStringLiteral("src/main.ts"), "console.log('hi')\n");
        QByteArray binary;
        for (int i = 0; i < 300000; ++i)
            binary += char((qint64(i) * 7919) % 251);
        writeFile(b + QStringLiteral("assets/logo.bin"), binary);
        writeFile(b + QStringLiteral("node_modules/x/index.js"), "module.exports = 1\n");
        writeFile(b + QStringLiteral("dist/main.js"), "built\n");
        writeFile(b + QStringLiteral("server.log"), "log line\n");
        writeFile(b + QStringLiteral("src/deep/old.log"), "log line\n");
        QVERIFY(QFile::link(QStringLiteral("src/main.ts"), b + QStringLiteral("entry.ts")));
        writeFile(f + QStringLiteral("package.json"), "{\"name\":\"frontend\"}\n");
        writeFile(f + QStringLiteral(".next/cache/x"), "cache\n");
        writeFile(f + QStringLiteral("pages/index.tsx"), "export default () => null\n");
        writeFile(f + QStringLiteral("pages/empty.txt"), "");
    }

    void createdBundleRestoresWithStandardTools()
    {
        const QString repository = m_work.filePath(QStringLiteral("repo-main"));
        BackupRequest request;
        request.profile = profile(repository);
        request.name = QStringLiteral("first");
        request.note = QStringLiteral("before the migration");
        JobControl control;
        const Result<Backup> result = BackupJob::run(request, control);
        QVERIFY2(result.ok(), qPrintable(result.error().toLogString()));
        QCOMPARE(result->status, BackupStatus::Complete);
        const QString bundle = repository + QStringLiteral("/first");
        QCOMPARE(result->path, bundle);

        const Manifest& m = *result->manifest;
        QCOMPARE(m.note, QStringLiteral("before the migration"));
        QCOMPARE(m.database->serverVersion.section(u'.', 0, 0), QStringLiteral("15"));
        QVERIFY(!m.database->pgDumpVersion.isEmpty());
        QCOMPARE(m.database->tables.size(), 3);
        QCOMPARE(m.database->tables[0], (TableRowCount{QStringLiteral("audit"), QStringLiteral("Events"), 333}));
        QCOMPARE(m.database->tables[1], (TableRowCount{QStringLiteral("public"), QStringLiteral("customers"), 1500}));
        QCOMPARE(m.database->tables[2], (TableRowCount{QStringLiteral("public"), QStringLiteral("orders"), 4200}));
        QCOMPARE(m.sources.size(), 2);
        QCOMPARE(m.sources[0].fileCount, 7); // .env package.json schema.prisma migration.sql main.ts logo.bin entry.ts
        QVERIFY(control.bytesDone() > 300000);

        // Permissions: the bundle holds .env secrets.
        QCOMPARE(QFileInfo(bundle).permissions() & (QFile::ReadOther | QFile::ReadGroup | QFile::ExeOther), QFile::Permissions());
        QDirIterator files(bundle, QDir::Files, QDirIterator::Subdirectories);
        while (files.hasNext()) {
            const QFileInfo info(files.next());
            QCOMPARE(info.permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
                     QFile::Permissions());
        }

        // Checksums: the manifest agrees with sha256sum.
        for (const BundleFile& file : m.files) {
            const Shell sum = sh(QStringLiteral("sha256sum '%1'").arg(file.path), bundle);
            QCOMPARE(sum.status, 0);
            QCOMPARE(sum.output.section(u' ', 0, 0), file.sha256);
        }
        QCOMPARE(sh(QStringLiteral("sha256sum -c SHA256SUMS"), bundle).status, 0);

        // The database restores with a plain pg_restore into a new database, same row counts.
        QVERIFY(test::recreateDatabase(QStringLiteral("create_restored")));
        const Shell restore = sh(QStringLiteral("zstd -dc database.dump.zst | pg_restore --exit-on-error --no-owner -d create_restored"), bundle);
        QVERIFY2(restore.status == 0, qPrintable(restore.output));
        for (const TableRowCount& t : m.database->tables)
            QCOMPARE(test::sqlScalar(QStringLiteral("create_restored"),
                                     QStringLiteral("select count(*) from \"%1\".\"%2\"").arg(t.schema, t.table)),
                     QString::number(t.rows));

        // Each archive lists with tar and holds exactly the files that are not excluded, byte for byte.
        QVERIFY(m.sources[0].packs.size() >= 1);
        const Shell listing = sh(test::catArchiveCommand(m, QStringLiteral("backend")) + QStringLiteral(" | tar -itf -"), bundle);
        QCOMPARE(listing.status, 0);
        QVERIFY(listing.output.contains(QStringLiteral("prisma/migrations/20250101_init/migration.sql")));
        for (const QString& label : {QStringLiteral("backend"), QStringLiteral("frontend")}) {
            const QString out = m_work.filePath(QStringLiteral("extracted-") + label);
            QDir().mkpath(out);
            // As RESTORE_INSTRUCTIONS.md says: each pack in turn, with standard tools.
            QCOMPARE(sh(QStringLiteral("for pack in sources/%1/*.tar.zst; do zstd -dc \"$pack\" | tar -xf - -C '%2' || exit 1; done").arg(label, out), bundle).status, 0);
            QMap<QString, QByteArray> expected = treeContent(m_tree + u'/' + label);
            for (const QString& key : expected.keys()) {
                const QStringList parts = key.split(u'/');
                if (parts.contains(QStringLiteral("node_modules")) || parts.contains(QStringLiteral("dist")) ||
                    parts.contains(QStringLiteral(".next")) || key.endsWith(QStringLiteral(".log")) || key == u".env.local")
                    expected.remove(key);
            }
            const QMap<QString, QByteArray> extracted = treeContent(out);
            QCOMPARE(extracted.keys(), expected.keys());
            for (const QString& key : expected.keys())
                QVERIFY2(extracted.value(key) == expected.value(key), qPrintable(key));
        }
        QCOMPARE(treeContent(m_work.filePath(QStringLiteral("extracted-backend"))).value(QStringLiteral(".env")),
                 QByteArray("DATABASE_URL=postgres://shop\nSECRET=x\n"));

        // The catalog sees it complete.
        const Result<RepositoryScan> scan = Catalog::scan(repository);
        QCOMPARE(scan->backups.size(), 1);
        QCOMPARE(scan->backups[0].status, BackupStatus::Complete);
    }

    void restoreInstructionsWorkWhenFollowedLiterally()
    {
        const QString repository = m_work.filePath(QStringLiteral("repo-instructions"));
        BackupRequest request;
        request.profile = profile(repository);
        request.name = QStringLiteral("literal");
        request.plainSql = true;
        JobControl control;
        const Result<Backup> result = BackupJob::run(request, control);
        QVERIFY2(result.ok(), qPrintable(result.error().toLogString()));
        QVERIFY(QFile::exists(result->path + QStringLiteral("/database.sql.zst")));
        QCOMPARE(result->manifest->database->plainSqlFile, QStringLiteral("database.sql.zst"));

        QFile instructions(result->path + QStringLiteral("/RESTORE_INSTRUCTIONS.md"));
        QVERIFY(instructions.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(instructions.readAll());
        QVERIFY(text.contains(QStringLiteral("## Français")));
        // The commands of the English "Steps", as they are.
        const QString steps = text.section(QStringLiteral("### Steps"), 1).section(QStringLiteral("###"), 0, 0);
        static const QRegularExpression block(QStringLiteral("```sh\\n(.*?)```"), QRegularExpression::DotMatchesEverythingOption);
        QString script = QStringLiteral("set -e\n");
        for (const QRegularExpressionMatch& match : block.globalMatch(steps))
            script += match.captured(1);
        QVERIFY(script.contains(QStringLiteral("pg_restore")));
        test::execSql(QStringLiteral("postgres"), {QStringLiteral("drop database if exists create_src_restored with (force)")});
        qputenv("PGUSER", "postgres");
        const Shell run = sh(script, result->path);
        QVERIFY2(run.status == 0, qPrintable(script + run.output));
        QCOMPARE(test::sqlScalar(QStringLiteral("create_src_restored"), QStringLiteral("select count(*) from orders")),
                 QStringLiteral("4200"));
        QVERIFY(QFile::exists(result->path + QStringLiteral("/restored/backend/prisma/schema.prisma")));
        QVERIFY(QFile::exists(result->path + QStringLiteral("/restored/frontend/pages/index.tsx")));
    }

    void gzipForOldTooling()
    {
        const QString repository = m_work.filePath(QStringLiteral("repo-gzip"));
        BackupRequest request;
        request.profile = profile(repository);
        request.gzip = true;
        JobControl control;
        const Result<Backup> result = BackupJob::run(request, control);
        QVERIFY2(result.ok(), qPrintable(result.error().toLogString()));
        QVERIFY(result->name.startsWith(QStringLiteral("backup_")));
        QCOMPARE(result->manifest->database->file, QStringLiteral("database.dump"));
        QCOMPARE(sh(QStringLiteral("pg_restore --list database.dump > /dev/null && tar -tzf sources/frontend.tar.gz"), result->path).status, 0);
    }

    void onlySourcesOrOnlyDatabase()
    {
        const QString repository = m_work.filePath(QStringLiteral("repo-parts"));
        BackupRequest request;
        request.profile = profile(repository);
        request.includeDatabase = false;
        request.name = QStringLiteral("sources_only");
        JobControl control;
        Result<Backup> result = BackupJob::run(request, control);
        QVERIFY2(result.ok(), qPrintable(result.error().toLogString()));
        QCOMPARE(result->components(), QStringList({QStringLiteral("source:backend"), QStringLiteral("source:frontend")}));
        request.includeDatabase = true;
        request.includeSources = false;
        request.name = QStringLiteral("db_only");
        result = BackupJob::run(request, control);
        QVERIFY2(result.ok(), qPrintable(result.error().toLogString()));
        QCOMPARE(result->components(), QStringList{QStringLiteral("database")});
        request.name = QStringLiteral("db_only");
        result = BackupJob::run(request, control);
        QVERIFY(!result.ok());
        QVERIFY(result.error().message.contains(QStringLiteral("already exists")));
        request.name = QStringLiteral("../escape");
        QVERIFY(!BackupJob::run(request, control).ok());
        QVERIFY(!QFileInfo::exists(m_work.filePath(QStringLiteral("escape"))));
    }

    void cancelLeavesNoFolder()
    {
        QVERIFY(test::recreateDatabase(QStringLiteral("create_big")));
        QVERIFY(test::execSql(QStringLiteral("create_big"), {
            QStringLiteral("create table blobs (id serial primary key, body text)"),
            QStringLiteral("insert into blobs (body) select repeat(md5(i::text), 40) from generate_series(1, 500000) i"),
        }));
        const QString repository = m_work.filePath(QStringLiteral("repo-cancel"));
        BackupRequest request;
        request.profile = profile(repository);
        request.profile.database = test::fixtureDatabase(QStringLiteral("create_big"));
        request.plainSql = true;
        auto control = std::make_shared<JobControl>();
        QFuture<Result<Backup>> future = BackupJob::start(request, control);
        QTRY_VERIFY_WITH_TIMEOUT(control->bytesDone() > 0 || future.isFinished(), 20000);
        QVERIFY2(!future.isFinished(), "the job ended before it could be canceled: make the database bigger");
        control->cancel();
        future.waitForFinished();
        QVERIFY(!future.result().ok());
        QCOMPARE(future.result().error().code, ErrorCode::Canceled);
        QCOMPARE(folders(repository), QStringList());
        QTRY_VERIFY(sh(QStringLiteral("pgrep -f '[p]g_dump.*create_big'")).status != 0); // no pg_dump left behind
    }

    void serverDownAndWrongPasswordLeaveNoFolder()
    {
        const QString repository = m_work.filePath(QStringLiteral("repo-errors"));
        BackupRequest request;
        request.profile = profile(repository);
        request.profile.database.port += 1;
        JobControl control;
        Result<Backup> result = BackupJob::run(request, control);
        QVERIFY(!result.ok());
        QVERIFY2(result.error().message.startsWith(QStringLiteral("No PostgreSQL server answers")), qPrintable(result.error().message));
        QCOMPARE(folders(repository), QStringList());

        request.profile.database = test::fixtureDatabase(m_db, QStringLiteral("coffre_pw"));
        request.password = QStringLiteral("not-the-password");
        result = BackupJob::run(request, control);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::WrongPassword);
        QVERIFY(result.error().message.startsWith(QStringLiteral("Wrong password")));
        QCOMPARE(folders(repository), QStringList());
    }

    void passwordNeverInArgvLogsOrBundle()
    {
        const QString secret = QStringLiteral("right-secret");
        QVERIFY(test::recreateDatabase(QStringLiteral("create_pw"), QStringLiteral("coffre_pw")));
        const QString repository = m_work.filePath(QStringLiteral("repo-password"));
        BackupRequest request;
        request.profile = profile(repository);
        request.profile.database = test::fixtureDatabase(QStringLiteral("create_pw"), QStringLiteral("coffre_pw"));
        request.password = secret;
        request.includeSources = false;
        request.plainSql = true;

        // Watch every process's command line while the job runs.
        auto control = std::make_shared<JobControl>();
        QFuture<Result<Backup>> future = BackupJob::start(request, control);
        bool sawPgDump = false;
        while (!future.isFinished()) {
            const QStringList pids = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
            for (const QString& pid : pids) {
                QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
                if (!cmdline.open(QIODevice::ReadOnly))
                    continue;
                const QByteArray args = cmdline.readAll();
                sawPgDump |= args.contains("pg_dump");
                QVERIFY2(!args.contains(secret.toUtf8()), args.constData());
            }
        }
        const Result<Backup> result = future.result();
        QVERIFY2(result.ok(), qPrintable(result.error().toLogString()));
        const QString log = control->logLines().join(u'\n');
        QVERIFY(log.contains(QStringLiteral("pg_dump")));
        QVERIFY(!log.contains(secret));
        QVERIFY(!log.contains(QStringLiteral("password=")));
        const Shell grep = sh(QStringLiteral("zstd -dc database.sql.zst | grep -c right-secret; grep -rl right-secret . ; true"), result->path);
        QCOMPARE(grep.output.trimmed(), QStringLiteral("0"));
        qInfo("saw pg_dump running: %s", sawPgDump ? "yes" : "no (it was quick)");
    }

    void fullDiskGivesAClearErrorAndNoFolder()
    {
        if (::geteuid() != 0)
            QSKIP("mounting a small tmpfs needs root");
        const QString mountPoint = m_work.filePath(QStringLiteral("small-disk"));
        QDir().mkpath(mountPoint);
        if (::mount("tmpfs", QFile::encodeName(mountPoint).constData(), "tmpfs", 0, "size=40m") != 0)
            QSKIP("cannot mount a tmpfs here");
        const auto unmount = qScopeGuard([&] { ::umount(QFile::encodeName(mountPoint).constData()); });

        // 48 MB that does not compress: the estimate (half of it, plus a margin) fits, the bytes do not.
        const QString noisy = m_work.filePath(QStringLiteral("noisy"));
        QCOMPARE(sh(QStringLiteral("mkdir -p '%1' && head -c 48000000 /dev/urandom > '%1/video.bin'").arg(noisy)).status, 0);
        BackupRequest request;
        request.profile = profile(mountPoint + QStringLiteral("/repo"));
        request.profile.sources.append({QStringLiteral("uploads"), noisy});
        request.name = QStringLiteral("too_big");
        JobControl control;
        Result<Backup> result = BackupJob::run(request, control);
        QVERIFY(!result.ok());
        QVERIFY2(result.error().message.contains(QStringLiteral("disk holding the backups is full")), qPrintable(result.error().toLogString()));
        QCOMPARE(folders(mountPoint + QStringLiteral("/repo")), QStringList());

        // Far too big: refused before anything is written.
        QCOMPARE(sh(QStringLiteral("head -c 100000000 /dev/zero > '%1/zeros.bin'").arg(noisy)).status, 0);
        result = BackupJob::run(request, control);
        QVERIFY(!result.ok());
        QVERIFY2(result.error().message.startsWith(QStringLiteral("Not enough free space")), qPrintable(result.error().message));
        QCOMPARE(folders(mountPoint + QStringLiteral("/repo")), QStringList());
        QFile::remove(noisy + QStringLiteral("/zeros.bin"));
        QFile::remove(noisy + QStringLiteral("/video.bin"));
    }

    void lockedRepositoryIsRefused()
    {
        const QString repository = m_work.filePath(QStringLiteral("repo-locked"));
        QDir().mkpath(repository);
        const Result<std::unique_ptr<RepositoryLock>> other = RepositoryLock::acquire(repository);
        QVERIFY(other);
        BackupRequest request;
        request.profile = profile(repository);
        JobControl control;
        const Result<Backup> result = BackupJob::run(request, control);
        QVERIFY(!result.ok());
        QVERIFY2(result.error().message.startsWith(QStringLiteral("Another Coffre job")), qPrintable(result.error().message));
    }
};

QTEST_GUILESS_MAIN(TestBackupJob)
#include "tst_backupjob.moc"
