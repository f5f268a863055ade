// Processes killed at random moments (issue 9): coffre-cli create and restore are killed with
// SIGKILL at a random time of their run, 20 times each, and each kill is followed by what the next
// run does first (RestoreJob::recover, the same code `coffre-cli restore` and the window call at
// start). After each: the live database and folder are either both as before or both as in the
// backup, never a mix; when they are the backup's, the state before is kept in before-restore
// copies; nothing is left behind (temporary database, staging folder, journal) and no pg_dump or
// pg_restore outlives its coffre-cli. The seed is printed so that a failure can be replayed.
#include "PgFixture.h"
#include "catalog/Catalog.h"
#include "jobs/RestoreJob.h"
#include "jobs/RestoreJournal.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace coffre;

namespace {
const QString Database = QStringLiteral("fuzz");
const QString BackupRows = QStringLiteral("200000"); // state A: what the backup holds
const QString LiveRows = QStringLiteral("1000");     // state B: what is live before each restore
} // namespace

class TestKillFuzz : public QObject
{
    Q_OBJECT

    QTemporaryDir m_home;
    QString m_repository, m_source;
    QRandomGenerator m_random;

    QString conninfo() const
    {
        return QStringLiteral("host=%1 port=%2 user=postgres dbname=%3").arg(qEnvironmentVariable("PGHOST"), qEnvironmentVariable("PGPORT"), Database);
    }

    Profile profile() const
    {
        Profile p;
        p.name = QStringLiteral("ad-hoc"); // what coffre-cli calls a target given by options
        p.repository = m_repository;
        p.database.conninfo = conninfo();
        p.sources = {{QStringLiteral("app"), m_source}};
        return p;
    }

    void start(QProcess& process, const QStringList& arguments)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
        process.setProcessEnvironment(env);
        process.setStandardInputFile(QProcess::nullDevice());
        process.start(QStringLiteral(COFFRE_CLI), arguments + QStringList{QStringLiteral("--repository"), m_repository, QStringLiteral("--db"),
                                                                          conninfo(), QStringLiteral("--source"), QStringLiteral("app=") + m_source});
        QVERIFY(process.waitForStarted());
    }

    int run(const QStringList& arguments)
    {
        QProcess process;
        start(process, arguments);
        process.waitForFinished(120000);
        if (process.exitCode() != 0)
            qWarning().noquote() << arguments.join(u' ') << QString::fromUtf8(process.readAllStandardError());
        return process.exitCode();
    }

    // Runs the command and kills it outright after `delayMs`; false when it ended before.
    bool killAfter(const QStringList& arguments, int delayMs)
    {
        QProcess process;
        start(process, arguments);
        if (process.waitForFinished(delayMs))
            return false;
        process.kill();
        process.waitForFinished(10000);
        return true;
    }

    static QString liveRows() { return test::sqlScalar(Database, QStringLiteral("select count(*) from t")); }
    QByteArray liveEnv() const { return read(m_source + QStringLiteral("/.env")); }
    static QByteArray read(const QString& path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<missing>");
    }
    static int pgrep(const QString& pattern) { return QProcess::execute(QStringLiteral("pgrep"), {QStringLiteral("-f"), pattern}); }
    static QString databasesLike(const QString& pattern)
    {
        return test::sqlScalar(QStringLiteral("postgres"), QStringLiteral("select count(*) from pg_database where datname like '%1'").arg(pattern));
    }
    QStringList besideSource(const QString& pattern) const
    {
        return QFileInfo(m_source).dir().entryList({pattern}, QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
    }

    // Nothing a restore stages may outlive the recovery that follows a kill.
    void checkNoLeftovers()
    {
        QTRY_COMPARE_WITH_TIMEOUT(pgrep(QStringLiteral("[p]g_restore.*fuzz")), 1, 3000);
        QTRY_COMPARE_WITH_TIMEOUT(pgrep(QStringLiteral("[p]g_dump.*fuzz")), 1, 3000);
        QCOMPARE(databasesLike(QStringLiteral("fuzz\\_restoring%")), QStringLiteral("0"));
        QCOMPARE(besideSource(QStringLiteral(".app.restoring_*")), QStringList());
        QCOMPARE(QDir(m_repository).entryList({QStringLiteral(".restore-*")}, QDir::Dirs | QDir::Hidden), QStringList());
        QVERIFY(!QFileInfo::exists(QDir(m_repository).filePath(QLatin1String(RestoreJournal::InProgressFile))));
    }

    void setLiveState()
    {
        QVERIFY(test::execSql(Database, {QStringLiteral("delete from t where i > %1").arg(LiveRows)}));
        QFile env(m_source + QStringLiteral("/.env"));
        QVERIFY(env.open(QIODevice::WriteOnly | QIODevice::Truncate));
        env.write("STATE=live\n");
    }

private slots:
    void initTestCase()
    {
        if (!test::hasFixture())
            QSKIP("PGHOST is not set: run through ctest, which starts the PostgreSQL fixture");
        const quint32 seed = qEnvironmentVariableIsSet("COFFRE_FUZZ_SEED") ? qEnvironmentVariable("COFFRE_FUZZ_SEED").toUInt()
                                                                         : QRandomGenerator::global()->generate();
        qInfo("seed %u (COFFRE_FUZZ_SEED=%u replays this run)", seed, seed);
        m_random.seed(seed);
        m_repository = m_home.filePath(QStringLiteral("backups"));
        m_source = m_home.filePath(QStringLiteral("app"));
        QVERIFY(QDir().mkpath(m_source + QStringLiteral("/src")));
        for (int i = 0; i < 200; ++i) {
            QFile file(m_source + QStringLiteral("/src/f%1.txt").arg(i));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(QByteArray(20000, char('a' + i % 26)));
        }
        QFile env(m_source + QStringLiteral("/.env"));
        QVERIFY(env.open(QIODevice::WriteOnly));
        env.write("STATE=backup\n");
        env.close();
        QVERIFY(test::recreateDatabase(Database));
        QVERIFY(test::execSql(Database, {QStringLiteral("create table t as select generate_series(1, %1) i, md5(random()::text) h").arg(BackupRows),
                                         QStringLiteral("create index on t (h)")}));
        QCOMPARE(run({QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("base")}), 0);
        setLiveState();
    }

    void killedCreates()
    {
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(run({QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("timed")}), 0);
        const int fullMs = int(clock.elapsed());
        QCOMPARE(run({QStringLiteral("delete"), QStringLiteral("timed"), QStringLiteral("--yes")}), 0);
        int killed = 0;
        for (int i = 0; killed < 20 && i < 120; ++i) {
            const QString name = QStringLiteral("k%1").arg(i);
            const int delay = m_random.bounded(fullMs + 1);
            killed += killAfter({QStringLiteral("create"), QStringLiteral("--name"), name}, delay);
            checkNoLeftovers();
            if (QTest::currentTestFailed())
                return;
            const Backup backup = Catalog::inspect(m_repository, name);
            QVERIFY2(backup.status == BackupStatus::Complete || backup.status == BackupStatus::Incomplete || !QFileInfo::exists(backup.path),
                     qPrintable(QStringLiteral("%1 killed after %2 ms is %3").arg(name).arg(delay).arg(statusToString(backup.status))));
            QCOMPARE(liveRows(), LiveRows);
            QCOMPARE(liveEnv(), QByteArray("STATE=live\n"));
            if (QFileInfo::exists(backup.path))
                QCOMPARE(run({QStringLiteral("delete"), name, QStringLiteral("--yes")}), 0);
        }
        qInfo("%d creates killed while running (a full create takes %d ms)", killed, fullMs);
        QCOMPARE(killed, 20);
    }

    void killedRestores()
    {
        const QStringList restore{QStringLiteral("restore"), QStringLiteral("base"), QStringLiteral("--confirm"), QStringLiteral("OUI")};
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(run(restore), 0);
        const int fullMs = int(clock.elapsed());
        QCOMPARE(liveRows(), BackupRows);
        QCOMPARE(run({QStringLiteral("undo-restore")}), 0);
        QCOMPARE(run({QStringLiteral("cleanup-restore"), QStringLiteral("--confirm"), QStringLiteral("OUI")}), 0);
        QCOMPARE(liveRows(), LiveRows);

        int killed = 0, restored = 0, putBack = 0;
        for (int i = 0; killed < 20 && i < 120; ++i) {
            // Half anywhere in the run, half around its end, where the swaps happen in a few ms.
            const int delay = i % 2 == 0 ? m_random.bounded(fullMs + 1) : fullMs * 8 / 10 + m_random.bounded(fullMs * 3 / 10 + 1);
            const QString when = QStringLiteral("restore %1 killed after %2 ms").arg(i).arg(delay);
            killed += killAfter(restore, delay);
            const bool journalLeft = QFileInfo::exists(QDir(m_repository).filePath(QLatin1String(RestoreJournal::InProgressFile)));
            const QString said = RestoreJob::recover(profile(), QString()); // what the next run does first
            if (databasesLike(QStringLiteral("fuzz\\_restoring%")) != u"0") // said once under load in CI: tell why, next time
                qWarning().noquote() << when << "left a restoring database; journal before recovery:" << journalLeft
                                     << "journal after:" << QFileInfo::exists(QDir(m_repository).filePath(QLatin1String(RestoreJournal::InProgressFile)))
                                     << "recovery said:" << said;
            checkNoLeftovers();
            if (QTest::currentTestFailed()) {
                qWarning().noquote() << when << said;
                return;
            }
            const QString rows = liveRows();
            const QByteArray env = liveEnv();
            if (rows == LiveRows) { // as before: nothing was changed, or it was put back
                QVERIFY2(env == "STATE=live\n", qPrintable(when + QStringLiteral(": database as before, folder not (") + said + u')'));
                if (said.contains(QStringLiteral("put back"))) {
                    ++putBack;
                    QCOMPARE(run({QStringLiteral("cleanup-restore"), QStringLiteral("--confirm"), QStringLiteral("OUI")}), 0);
                }
                QCOMPARE(databasesLike(QStringLiteral("fuzz\\_undone%")), QStringLiteral("0"));
                QCOMPARE(databasesLike(QStringLiteral("fuzz\\_before\\_restore%")), QStringLiteral("0"));
                QCOMPARE(besideSource(QStringLiteral("app.*_*")), QStringList());
                continue;
            }
            // The restore got through: both parts are the backup's, and the state before is kept.
            QVERIFY2(rows == BackupRows && env == "STATE=backup\n", qPrintable(when + QStringLiteral(": a mix (") + said + u')'));
            ++restored;
            QCOMPARE(databasesLike(QStringLiteral("fuzz\\_before\\_restore%")), QStringLiteral("1"));
            const QStringList copies = besideSource(QStringLiteral("app.before_restore_*"));
            QCOMPARE(copies.size(), 1);
            QCOMPARE(read(QFileInfo(m_source).dir().filePath(copies.first()) + QStringLiteral("/.env")), QByteArray("STATE=live\n"));
            QCOMPARE(run({QStringLiteral("undo-restore")}), 0);
            QCOMPARE(liveRows(), LiveRows);
            QCOMPARE(liveEnv(), QByteArray("STATE=live\n"));
            QCOMPARE(run({QStringLiteral("cleanup-restore"), QStringLiteral("--confirm"), QStringLiteral("OUI")}), 0);
        }
        qInfo("%d restores killed while running; %d times the restore had gone through, %d times the recovery put the state "
              "before back (a full restore takes %d ms)", killed, restored, putBack, fullMs);
        QCOMPARE(killed, 20);
    }
};

QTEST_GUILESS_MAIN(TestKillFuzz)
#include "tst_killfuzz.moc"
