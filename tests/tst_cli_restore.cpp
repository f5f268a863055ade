#include "PgFixture.h"

#include "jobs/RestoreJournal.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <sys/mount.h>
#include <unistd.h>

using namespace coffre;

// coffre-cli restore, verify, undo-restore and cleanup-restore, as a person or a script runs them.
class TestCliRestore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;
    QString m_repository, m_source;

    struct Run
    {
        int status;
        QString out, err;
    };

    QStringList withTarget(QStringList arguments, const QString& dbname = QStringLiteral("cli_restore")) const
    {
        return arguments << QStringLiteral("--repository") << m_repository << QStringLiteral("--source") << QStringLiteral("app=") + m_source
                         << QStringLiteral("--db")
                         << (dbname.contains(u'=') ? dbname // a whole connection string
                                                   : QStringLiteral("host=%1 port=%2 user=postgres dbname=%3")
                                                         .arg(qEnvironmentVariable("PGHOST"), qEnvironmentVariable("PGPORT"), dbname));
    }

    static bool systemHasLocale(const QString& name)
    {
        QProcess locales;
        locales.start(QStringLiteral("locale"), {QStringLiteral("-a")});
        locales.waitForFinished();
        return QString::fromLocal8Bit(locales.readAllStandardOutput()).split(u'\n').contains(name);
    }

    // A French desktop: Coffre's own messages in French, and libpq's and the server's too when
    // the system has that locale.
    static void makeFrench(QProcessEnvironment& env)
    {
        env.remove(QStringLiteral("LC_ALL"));
        env.insert(QStringLiteral("LANG"), QStringLiteral("fr_FR.UTF-8"));
        env.insert(QStringLiteral("LC_MESSAGES"), QStringLiteral("fr_FR.UTF-8"));
        env.insert(QStringLiteral("LANGUAGE"), QStringLiteral("fr"));
        if (systemHasLocale(QStringLiteral("fr_FR.utf8")))
            env.insert(QStringLiteral("PGOPTIONS"), QStringLiteral("-c lc_messages=fr_FR.UTF-8"));
    }

    // On a terminal (util-linux script gives it one), answering the question with `answer`.
    Run cliOnTerminal(const QStringList& arguments, const QByteArray& answer)
    {
        QStringList quoted{QStringLiteral(COFFRE_CLI)};
        for (QString argument : withTarget(arguments))
            quoted << QStringLiteral("'%1'").arg(argument.replace(u'\'', QStringLiteral("'\\''")));
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
        process.setProcessEnvironment(env);
        process.start(QStringLiteral("script"), {QStringLiteral("-qec"), quoted.join(u' '), QStringLiteral("/dev/null")});
        process.write(answer);
        process.waitForFinished(120000);
        return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
    }

    enum Language { English, French };

    Run cli(QStringList arguments, const QString& dbname = QStringLiteral("cli_restore"), Language language = English)
    {
        QProcess process;
        start(process, arguments, dbname, language);
        process.waitForFinished(120000);
        return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
    }

    void start(QProcess& process, QStringList arguments, const QString& dbname, Language language = English)
    {
        arguments = withTarget(arguments, dbname);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
        if (language == French)
            makeFrench(env);
        process.setProcessEnvironment(env);
        process.setStandardInputFile(QProcess::nullDevice()); // no terminal: as cron
        process.start(QStringLiteral(COFFRE_CLI), arguments);
    }

    static int pgrep(const QString& pattern) { return QProcess::execute(QStringLiteral("pgrep"), {QStringLiteral("-f"), pattern}); }

    static QString rows() { return test::sqlScalar(QStringLiteral("cli_restore"), QStringLiteral("select count(*) from t")); }

    QByteArray env() const
    {
        QFile file(m_source + QStringLiteral("/.env"));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    void setEnv(const QByteArray& content)
    {
        QFile file(m_source + QStringLiteral("/.env"));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(content);
    }

private slots:
    void initTestCase()
    {
        if (!test::hasFixture())
            QSKIP("PGHOST is not set: run through ctest, which starts the PostgreSQL fixture");
        m_repository = m_home.filePath(QStringLiteral("backups"));
        m_source = m_home.filePath(QStringLiteral("app"));
        QDir().mkpath(m_source);
        setEnv("SECRET=backed-up\n");
        QVERIFY(test::recreateDatabase(QStringLiteral("cli_restore")));
        QVERIFY(test::execSql(QStringLiteral("cli_restore"), {QStringLiteral("create table t as select generate_series(1, 300) i")}));
        const Run created = cli({QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("good")});
        QVERIFY2(created.status == 0, qPrintable(created.err));
    }

    void refusesWithoutOui()
    {
        QVERIFY(test::execSql(QStringLiteral("cli_restore"), {QStringLiteral("delete from t where i > 100")}));
        setEnv("SECRET=changed\n");
        Run run = cli({QStringLiteral("restore"), QStringLiteral("good")});
        QCOMPARE(run.status, 2);
        QVERIFY(run.err.contains(QStringLiteral("--confirm OUI")));
        run = cli({QStringLiteral("restore"), QStringLiteral("good"), QStringLiteral("--confirm"), QStringLiteral("oui")});
        QCOMPARE(run.status, 2);
        QCOMPARE(rows(), QStringLiteral("100"));
        QCOMPARE(env(), QByteArray("SECRET=changed\n"));
    }

    void confirmationSaysWhatIsKeptFromTheCurrentFolder()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("script")).isEmpty())
            QSKIP("script (util-linux) is needed to give coffre-cli a terminal");
        // A setting made since the backup: the confirmation says it goes.
        QVERIFY(test::execSql(QStringLiteral("cli_restore"),
                              {QStringLiteral("alter database cli_restore set work_mem = '3MB'")}));
        const Run run = cliOnTerminal({QStringLiteral("restore"), QStringLiteral("good")}, "non\n");
        QVERIFY(test::execSql(QStringLiteral("cli_restore"),
                              {QStringLiteral("alter database cli_restore reset work_mem")}));
        QCOMPARE(run.status, 1);
        QVERIFY2(run.out.contains(
                     QStringLiteral("Database settings that will change: work_mem (now: 3MB → backup: (none))")),
                 qPrintable(run.out));
        QVERIFY2(run.out.contains(QStringLiteral("Kept from the current folder (not in backups): node_modules, .next, dist, *.log, .env.local")),
                 qPrintable(run.out));
        QVERIFY2(run.out.contains(QStringLiteral("Nothing was changed.")), qPrintable(run.out));
        QCOMPARE(rows(), QStringLiteral("100"));
    }

    void restoresWithOuiThenUndoesThenCleansUp()
    {
        Run run = cli({QStringLiteral("restore"), QStringLiteral("--latest"), QStringLiteral("--confirm"), QStringLiteral("OUI")});
        QVERIFY2(run.status == 0, qPrintable(run.err));
        QVERIFY(run.out.contains(QStringLiteral("Previous database kept as cli_restore_before_restore_")));
        QCOMPARE(rows(), QStringLiteral("300"));
        QCOMPARE(env(), QByteArray("SECRET=backed-up\n"));

        run = cli({QStringLiteral("undo-restore")});
        QVERIFY2(run.status == 0, qPrintable(run.err));
        QCOMPARE(rows(), QStringLiteral("100"));
        QCOMPARE(env(), QByteArray("SECRET=changed\n"));
        QCOMPARE(cli({QStringLiteral("undo-restore")}).status, 1);

        // A file system mounted inside a copy (an uploads share): cleanup refuses, nothing removed.
        const QStringList copies = QDir(m_home.path()).entryList({QStringLiteral("app.undone_*")}, QDir::Dirs);
        QCOMPARE(copies.size(), 1);
        const QString mountPoint = m_home.filePath(copies.first() + QStringLiteral("/uploads"));
        QVERIFY(QDir().mkpath(mountPoint));
        if (::geteuid() == 0 && ::mount("tmpfs", QFile::encodeName(mountPoint).constData(), "tmpfs", 0, "size=1m") == 0) {
            QFile upload(mountPoint + QStringLiteral("/photo.jpg"));
            QVERIFY(upload.open(QIODevice::WriteOnly));
            upload.write("precious");
            upload.close();
            run = cli({QStringLiteral("cleanup-restore"), QStringLiteral("--confirm"), QStringLiteral("OUI")});
            QCOMPARE(run.status, 1);
            QVERIFY2(run.err.contains(QStringLiteral("mounted file system")), qPrintable(run.err));
            QVERIFY(QFileInfo::exists(mountPoint + QStringLiteral("/photo.jpg")));
            QCOMPARE(::umount(QFile::encodeName(mountPoint).constData()), 0);
        } else {
            qInfo("not root: the mount-point case of cleanup-restore is not checked");
        }

        // The journal of another profile sharing this repository: refused, naming it, nothing removed.
        const QString journalPath = m_repository + QStringLiteral("/.coffre-last-restore.json");
        Result<RestoreJournal> journal = RestoreJournal::read(journalPath);
        QVERIFY(journal);
        RestoreJournal foreign = journal.value();
        foreign.profile = QStringLiteral("prod");
        QVERIFY(foreign.write(journalPath).ok());
        for (const QStringList& command : {QStringList{QStringLiteral("cleanup-restore"), QStringLiteral("--confirm"), QStringLiteral("OUI")},
                                           QStringList{QStringLiteral("undo-restore")}}) {
            run = cli(command);
            QCOMPARE(run.status, 1);
            QVERIFY2(run.err.contains(QStringLiteral("profile “prod”")), qPrintable(run.err));
        }
        QCOMPARE(QDir(m_home.path()).entryList({QStringLiteral("app.undone_*")}, QDir::Dirs), copies);
        QVERIFY(journal.value().write(journalPath).ok());

        // A copy that became a link to elsewhere: the link goes, never what it points to.
        const QString copy = m_home.filePath(copies.first());
        const QString elsewhere = m_home.filePath(QStringLiteral("elsewhere"));
        QVERIFY(QDir().rename(copy, elsewhere));
        QVERIFY(QFile::link(elsewhere, copy));

        run = cli({QStringLiteral("cleanup-restore"), QStringLiteral("--confirm"), QStringLiteral("OUI")});
        QVERIFY2(run.status == 0, qPrintable(run.err));
        QVERIFY(!QFileInfo(copy).isSymLink());
        QVERIFY(QFileInfo::exists(elsewhere + QStringLiteral("/.env")));
        QVERIFY(QDir(elsewhere).removeRecursively());
        QCOMPARE(test::sqlScalar(QStringLiteral("postgres"),
                                 QStringLiteral("select count(*) from pg_database where datname like 'cli_restore_%'")),
                 QStringLiteral("0"));
        const QStringList beside = QDir(m_home.path()).entryList(QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot);
        QCOMPARE(beside.filter(QStringLiteral("app.")), QStringList());
    }

    void ifEmptyLeavesAFullDatabaseAlone()
    {
        const Run run = cli({QStringLiteral("restore"), QStringLiteral("--latest"), QStringLiteral("--if-empty"), QStringLiteral("--confirm"),
                             QStringLiteral("OUI")});
        QCOMPARE(run.status, 0);
        QVERIFY(run.out.contains(QStringLiteral("nothing was restored")));
        QCOMPARE(rows(), QStringLiteral("100"));
    }

    void ifEmptyDecidesTheSameUnderAFrenchLocale()
    {
        const QStringList ifEmpty{QStringLiteral("restore"), QStringLiteral("--latest"), QStringLiteral("--only"),
                                  QStringLiteral("database"), QStringLiteral("--if-empty"), QStringLiteral("--confirm"),
                                  QStringLiteral("OUI")};
        // Tables: left alone, and said so (in French).
        Run run = cli(ifEmpty, QStringLiteral("cli_restore"), French);
        QVERIFY2(run.status == 0, qPrintable(run.err));
        QVERIFY2(run.out.contains(QStringLiteral("rien n")), qPrintable(run.out));
        QCOMPARE(rows(), QStringLiteral("100"));

        // No such database: restored.
        QVERIFY(test::execSql(QStringLiteral("postgres"), {QStringLiteral("drop database if exists cli_restore_fresh with (force)")}));
        run = cli(ifEmpty, QStringLiteral("cli_restore_fresh"), French);
        QVERIFY2(run.status == 0, qPrintable(run.err));
        QCOMPARE(test::sqlScalar(QStringLiteral("cli_restore_fresh"), QStringLiteral("select count(*) from t")), QStringLiteral("300"));

        // A database without tables: restored.
        QVERIFY(test::recreateDatabase(QStringLiteral("cli_restore_empty")));
        run = cli(ifEmpty, QStringLiteral("cli_restore_empty"), French);
        QVERIFY2(run.status == 0, qPrintable(run.err));
        QCOMPARE(test::sqlScalar(QStringLiteral("cli_restore_empty"), QStringLiteral("select count(*) from t")), QStringLiteral("300"));

        // A server that cannot be reached is an error, never "empty".
        const QString unreachable = QStringLiteral("host=%1 port=1 user=postgres dbname=cli_restore_fresh").arg(qEnvironmentVariable("PGHOST"));
        QCOMPARE(cli(ifEmpty, unreachable, French).status, 1);

        QVERIFY(test::execSql(QStringLiteral("postgres"), {QStringLiteral("drop database cli_restore_fresh with (force)"),
                                                           QStringLiteral("drop database cli_restore_empty with (force)")}));
        QVERIFY(cli({QStringLiteral("cleanup-restore"), QStringLiteral("--confirm"), QStringLiteral("OUI")}, QStringLiteral("cli_restore_empty")).status == 0);
    }

    void verifyFindsAFlippedByte()
    {
        QCOMPARE(cli({QStringLiteral("verify"), QStringLiteral("good")}).status, 0);
        QFile dump(m_repository + QStringLiteral("/good/database.dump.zst"));
        QVERIFY(dump.open(QIODevice::ReadWrite));
        const QByteArray bytes = dump.readAll();
        dump.seek(bytes.size() / 2);
        dump.putChar(char(bytes[bytes.size() / 2] ^ 0x10));
        dump.close();
        const Run run = cli({QStringLiteral("verify"), QStringLiteral("good")});
        QCOMPARE(run.status, 1);
        QVERIFY2(run.err.contains(QStringLiteral("database.dump.zst” is damaged")), qPrintable(run.err));
        const Run restore = cli({QStringLiteral("restore"), QStringLiteral("good"), QStringLiteral("--confirm"), QStringLiteral("OUI")});
        QCOMPARE(restore.status, 1);
        QCOMPARE(rows(), QStringLiteral("100")); // refused before anything changed
    }

    // coffre-cli killed outright (SIGKILL) while pg_restore runs: pg_restore dies with it (it reads a
    // file, so no broken pipe would ever stop it), and the next run removes what was staged.
    void killedRestoreTakesPgRestoreWithIt()
    {
        const QString database = QStringLiteral("cli_kill");
        const QString shared = m_repository;
        m_repository = m_home.filePath(QStringLiteral("kill-backups")); // its own journal and lock
        const auto putBack = qScopeGuard([&] { m_repository = shared; });
        // An index whose build is slow only in the database a restore creates: pg_restore is then
        // surely still running when coffre-cli is killed.
        QVERIFY(test::recreateDatabase(database));
        QVERIFY(test::execSql(database, {QStringLiteral("create table big as select g, md5(g::text) h from generate_series(1, 200000) g"),
                                         QStringLiteral("create function slow(i int) returns int immutable language plpgsql as $$ begin "
                                                        "if current_database() like '%restoring%' then perform pg_sleep(0.005); end if; "
                                                        "return i; end $$"),
                                         QStringLiteral("create index on big (public.slow(g)) where g <= 3000")}));
        const Run created = cli({QStringLiteral("create"), QStringLiteral("--no-sources"), QStringLiteral("--name"), QStringLiteral("big")}, database);
        QVERIFY2(created.status == 0, qPrintable(created.err));

        QProcess restore;
        const QStringList restoreArguments{QStringLiteral("restore"), QStringLiteral("big"), QStringLiteral("--only"),
                                           QStringLiteral("database"), QStringLiteral("--confirm"), QStringLiteral("OUI")};
        start(restore, restoreArguments, database);
        // The post-data pg_restore (the one with --jobs, building the slow index). Not the short
        // pre-data one: it may end between two looks. qWaitFor asks once per look; QTRY_VERIFY
        // would ask again after a true answer, and fail if that run of pg_restore had just ended.
        const QString pattern = QStringLiteral("[p]g_restore.*cli_kill_.*--jobs");
        const bool caught = QTest::qWaitFor([&] { return pgrep(pattern) == 0 || restore.state() == QProcess::NotRunning; }, 60000);
        QVERIFY2(caught && restore.state() == QProcess::Running, "the restore ended before pg_restore could be caught running");
        QTest::qWait(1500); // into the slow index
        restore.kill();
        QVERIFY(restore.waitForFinished(10000));
        QTRY_COMPARE_WITH_TIMEOUT(pgrep(QStringLiteral("[p]g_restore.*cli_kill_")), 1, 2000); // none at all

        // The next run puts things right: the live database as it was, no temporary database left.
        const Run retried = cli(restoreArguments, database);
        QVERIFY2(retried.status == 0, qPrintable(retried.err));
        QCOMPARE(test::sqlScalar(database, QStringLiteral("select count(*) from big")), QStringLiteral("200000"));
        QCOMPARE(test::sqlScalar(QStringLiteral("postgres"),
                                 QStringLiteral("select count(*) from pg_database where datname like 'cli_kill_restoring%'")),
                 QStringLiteral("0"));
    }
};

QTEST_GUILESS_MAIN(TestCliRestore)
#include "tst_cli_restore.moc"
