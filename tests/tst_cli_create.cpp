#include "PgFixture.h"
#include "catalog/Catalog.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace coffre;

// `coffre-cli create` as cron or a person at a terminal runs it: output, exit status, Ctrl-C,
// and a process killed outright.
class TestCliCreate : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;
    QString m_source;

    QStringList target(const QString& repository, const QString& dbname) const
    {
        return {QStringLiteral("--repository"), repository, QStringLiteral("--db"),
                QStringLiteral("host=%1 port=%2 user=postgres dbname=%3")
                    .arg(qEnvironmentVariable("PGHOST"), qEnvironmentVariable("PGPORT"), dbname),
                QStringLiteral("--source"), QStringLiteral("app=") + m_source};
    }

    void start(QProcess& process, const QStringList& arguments)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(COFFRE_CLI), arguments);
        QVERIFY(process.waitForStarted());
    }

    static QStringList backupFolders(const QString& repository)
    {
        return QDir(repository).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    }

private slots:
    void initTestCase()
    {
        if (!test::hasFixture())
            QSKIP("PGHOST is not set: run through ctest, which starts the PostgreSQL fixture");
        m_source = m_home.filePath(QStringLiteral("app"));
        QDir().mkpath(m_source + QStringLiteral("/node_modules/x"));
        QFile env(m_source + QStringLiteral("/.env"));
        QVERIFY(env.open(QIODevice::WriteOnly));
        env.write("SECRET=1\n");
        env.close();
        QVERIFY(test::recreateDatabase(QStringLiteral("cli_small")));
        QVERIFY(test::execSql(QStringLiteral("cli_small"), {QStringLiteral("create table t as select generate_series(1, 500) i")}));
        QVERIFY(test::recreateDatabase(QStringLiteral("cli_big")));
        QVERIFY(test::execSql(QStringLiteral("cli_big"),
                              {QStringLiteral("create table blobs as select repeat(md5(i::text), 40) body from generate_series(1, 150000) i")}));
    }

    void printsTheNewBackupsName()
    {
        const QString repository = m_home.filePath(QStringLiteral("repo-ok"));
        QProcess cli;
        start(cli, QStringList{QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("nightly_1")} +
                       target(repository, QStringLiteral("cli_small")));
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 0);
        QCOMPARE(cli.readAllStandardOutput(), QByteArray("nightly_1\n"));
        QCOMPARE(cli.readAllStandardError(), QByteArray()); // quiet without a terminal: cron mails nothing

        QProcess json;
        start(json, QStringList{QStringLiteral("create"), QStringLiteral("--json"), QStringLiteral("--scheduled")} +
                        target(repository, QStringLiteral("cli_small")));
        QVERIFY(json.waitForFinished(60000));
        QCOMPARE(json.exitCode(), 0);
        const QJsonObject object = QJsonDocument::fromJson(json.readAllStandardOutput()).object();
        QVERIFY(object[QStringLiteral("name")].toString().startsWith(QStringLiteral("backup_")));
        QCOMPARE(object[QStringLiteral("status")].toString(), QStringLiteral("complete"));
        QVERIFY(object[QStringLiteral("size_bytes")].toInteger() > 0);
        const Result<RepositoryScan> scan = Catalog::scan(repository);
        QCOMPARE(scan->backups.size(), 2);
        QCOMPARE(scan->backups[0].kind(), BackupKind::Scheduled);
    }

    void failureExitsNonZeroWithAReason()
    {
        const QString repository = m_home.filePath(QStringLiteral("repo-fail"));
        QProcess cli;
        start(cli, QStringList{QStringLiteral("create")} + target(repository, QStringLiteral("no_such_db")));
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 1);
        QVERIFY(QString::fromUtf8(cli.readAllStandardError()).contains(QStringLiteral("The database does not exist")));
        QCOMPARE(backupFolders(repository), QStringList());

        QProcess nothing;
        start(nothing, QStringList{QStringLiteral("create"), QStringLiteral("--no-db"), QStringLiteral("--no-sources")} +
                           target(repository, QStringLiteral("cli_small")));
        QVERIFY(nothing.waitForFinished(60000));
        QCOMPARE(nothing.exitCode(), 2);
    }

    void refusesABackupFolderInsideTheSources()
    {
        const QString repository = m_source + QStringLiteral("/backups");
        QProcess cli;
        start(cli, QStringList{QStringLiteral("create")} + target(repository, QStringLiteral("cli_big")));
        QVERIFY(cli.waitForFinished(30000));
        QCOMPARE(cli.exitCode(), 1);
        QVERIFY2(cli.readAllStandardError().contains("inside the source folder"), "no reason given");
        QVERIFY(!QFileInfo::exists(repository) || backupFolders(repository).isEmpty());
    }

    void interruptCancelsAndLeavesNothing_data()
    {
        QTest::addColumn<int>("signal");
        QTest::newRow("Ctrl-C") << int(SIGINT);
        QTest::newRow("ssh session dropped") << int(SIGHUP);
        QTest::newRow("kill") << int(SIGTERM);
    }

    void interruptCancelsAndLeavesNothing()
    {
        QFETCH(int, signal);
        const QString repository = m_home.filePath(QStringLiteral("repo-int-%1").arg(signal));
        QProcess cli;
        start(cli, QStringList{QStringLiteral("create"), QStringLiteral("--plain-sql")} + target(repository, QStringLiteral("cli_big")));
        QTRY_VERIFY_WITH_TIMEOUT(!backupFolders(repository).isEmpty() || cli.state() == QProcess::NotRunning, 20000);
        QVERIFY2(cli.state() == QProcess::Running, "finished before it could be interrupted");
        ::kill(pid_t(cli.processId()), signal);
        QVERIFY(cli.waitForFinished(30000));
        QCOMPARE(cli.exitCode(), 1);
        QVERIFY(QString::fromUtf8(cli.readAllStandardError()).contains(QStringLiteral("canceled")));
        QCOMPARE(backupFolders(repository), QStringList());
    }

    void killedOutrightLeavesAnIncompleteBackup()
    {
        const QString repository = m_home.filePath(QStringLiteral("repo-kill"));
        QProcess cli;
        start(cli, QStringList{QStringLiteral("create"), QStringLiteral("--plain-sql")} + target(repository, QStringLiteral("cli_big")));
        QTRY_VERIFY_WITH_TIMEOUT(!backupFolders(repository).isEmpty() || cli.state() == QProcess::NotRunning, 20000);
        QVERIFY2(cli.state() == QProcess::Running, "finished before it could be killed");
        cli.kill(); // SIGKILL: no cleanup at all, as a power loss
        QVERIFY(cli.waitForFinished(10000));
        // Its pg_dump dies with it (the kernel kills it: PR_SET_PDEATHSIG), not minutes later.
        QTRY_COMPARE_WITH_TIMEOUT(QProcess::execute(QStringLiteral("pgrep"), {QStringLiteral("-f"), QStringLiteral("[p]g_dump.*cli_big")}), 1, 5000);
        const Result<RepositoryScan> scan = Catalog::scan(repository);
        QCOMPARE(scan->backups.size(), 1);
        QCOMPARE(scan->backups[0].status, BackupStatus::Incomplete);
        // The lock of the dead process does not block the next run.
        QProcess next;
        start(next, QStringList{QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("after_kill")} +
                        target(repository, QStringLiteral("cli_small")));
        QVERIFY(next.waitForFinished(60000));
        QVERIFY2(next.exitCode() == 0, next.readAllStandardError().constData());
    }
};

QTEST_GUILESS_MAIN(TestCliCreate)
#include "tst_cli_create.moc"
