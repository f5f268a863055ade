#include "PgFixture.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

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

    Run cli(QStringList arguments, const QString& database = QStringLiteral("cli_restore"), const QString& repository = {})
    {
        QProcess process;
        start(process, arguments, database, repository);
        process.waitForFinished(120000);
        return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
    }

    void start(QProcess& process, QStringList arguments, const QString& database, const QString& repository)
    {
        arguments << QStringLiteral("--repository") << (repository.isEmpty() ? m_repository : repository) << QStringLiteral("--source")
                  << QStringLiteral("app=") + m_source << QStringLiteral("--db")
                  << QStringLiteral("host=%1 port=%2 user=postgres dbname=%3")
                         .arg(qEnvironmentVariable("PGHOST"), qEnvironmentVariable("PGPORT"), database);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
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
    // coffre-cli killed outright (SIGKILL) while pg_restore runs: pg_restore dies with it (it reads a
    // file, so no broken pipe would ever stop it), and the next run removes what was staged.
    void killedRestoreTakesPgRestoreWithIt()
    {
        if (!test::hasFixture())
            QSKIP("PGHOST is not set: run through ctest, which starts the PostgreSQL fixture");
        const QString database = QStringLiteral("cli_kill");
        const QString repository = m_home.filePath(QStringLiteral("kill-backups"));
        QVERIFY(test::recreateDatabase(database));
        // An index whose build is slow only in the database a restore creates: pg_restore is then
        // surely still running when coffre-cli is killed.
        QVERIFY(test::execSql(database, {QStringLiteral("create table big as select g, md5(g::text) h from generate_series(1, 200000) g"),
                                         QStringLiteral("create function slow(i int) returns int immutable language plpgsql as $$ begin "
                                                        "if current_database() like '%restoring%' then perform pg_sleep(0.005); end if; "
                                                        "return i; end $$"),
                                         QStringLiteral("create index on big (public.slow(g)) where g <= 3000")}));
        const Run created = cli({QStringLiteral("create"), QStringLiteral("--no-sources"), QStringLiteral("--name"), QStringLiteral("big")},
                                database, repository);
        QVERIFY2(created.status == 0, qPrintable(created.err));

        QProcess restore;
        start(restore, {QStringLiteral("restore"), QStringLiteral("big"), QStringLiteral("--only"), QStringLiteral("database"),
                        QStringLiteral("--confirm"), QStringLiteral("OUI")},
              database, repository);
        const QString pattern = QStringLiteral("[p]g_restore.*cli_kill_");
        QTRY_VERIFY_WITH_TIMEOUT(pgrep(pattern) == 0 || restore.state() == QProcess::NotRunning, 60000);
        QTest::qWait(1500); // into the slow index
        QVERIFY2(restore.state() == QProcess::Running, "the restore ended before pg_restore could be caught running");
        restore.kill();
        QVERIFY(restore.waitForFinished(10000));
        QTRY_COMPARE_WITH_TIMEOUT(pgrep(pattern), 1, 2000);

        // The next run puts things right: the live database as it was, no temporary database left.
        const Run next = cli({QStringLiteral("list")}, database, repository);
        QCOMPARE(next.status, 0);
        const Run retried = cli({QStringLiteral("restore"), QStringLiteral("big"), QStringLiteral("--only"), QStringLiteral("database"),
                                 QStringLiteral("--confirm"), QStringLiteral("OUI")},
                                database, repository);
        QVERIFY2(retried.status == 0, qPrintable(retried.err));
        QCOMPARE(test::sqlScalar(database, QStringLiteral("select count(*) from big")), QStringLiteral("200000"));
        QCOMPARE(test::sqlScalar(QStringLiteral("postgres"),
                                 QStringLiteral("select count(*) from pg_database where datname like 'cli_kill_restoring%'")),
                 QStringLiteral("0"));
    }

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

        run = cli({QStringLiteral("cleanup-restore"), QStringLiteral("--confirm"), QStringLiteral("OUI")});
        QVERIFY2(run.status == 0, qPrintable(run.err));
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
};

QTEST_GUILESS_MAIN(TestCliRestore)
#include "tst_cli_restore.moc"
