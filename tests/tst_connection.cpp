#include "PgFixture.h"
#include "postgres/ConnectionTester.h"
#include "postgres/PassFile.h"
#include "postgres/PgConnection.h"

#include <QDir>
#include <QProcess>
#include <QTest>

#include <libpq-fe.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

using namespace coffre;

// Against the private cluster started by the CTest fixture (tests/pg-fixture): PGHOST is its
// socket folder, PGPORT its port; the role coffre_pw has the password "right-secret".
class TestConnection : public QObject
{
    Q_OBJECT

private:
    static DatabaseTarget fixture(const QString& user = QStringLiteral("postgres"),
                                  const QString& dbname = QStringLiteral("coffre_test"))
    {
        return test::fixtureDatabase(dbname, user);
    }

private slots:
    void initTestCase()
    {
        if (!test::hasFixture())
            QSKIP("PGHOST is not set: run through ctest, which starts the PostgreSQL fixture");
        qunsetenv("PGPASSWORD");
    }

    // A run killed while pg_dump held its password file leaves the folder: the next start removes
    // it, and never the folder of a process still alive.
    void passwordFilesOfKilledRunsAreRemoved()
    {
        QProcess gone;
        gone.start(QStringLiteral("true"));
        QVERIFY(gone.waitForStarted());
        const qint64 pid = gone.processId();
        QVERIFY(gone.waitForFinished());
        const QString dead = QDir(QDir::tempPath()).filePath(QStringLiteral("coffre-pgpass-%1-test").arg(pid));
        const QString alive = QDir(QDir::tempPath()).filePath(QStringLiteral("coffre-pgpass-%1-test").arg(QCoreApplication::applicationPid()));
        for (const QString& folder : {dead, alive}) {
            QVERIFY(QDir().mkpath(folder));
            QFile file(folder + QStringLiteral("/pgpass"));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("*:*:*:*:secret\n");
        }
        PassFile::removeLeftovers();
        QVERIFY(!QFileInfo::exists(dead));
        QVERIFY(QFileInfo::exists(alive + QStringLiteral("/pgpass")));
        QDir(alive).removeRecursively();
    }

    void success()
    {
        const Result<ServerInfo> info = ConnectionTester::testAsync(fixture()).result();
        QVERIFY2(info.ok(), qPrintable(info.error().toLogString()));
        QCOMPARE(info->majorVersion(), 15);
        QVERIFY(info->version.startsWith(QStringLiteral("15.")));
        QCOMPARE(info->database, QStringLiteral("coffre_test"));
        QVERIFY(info->databaseSizeBytes > 1000000);
    }

    // Over TCP, a server that vanishes is found out by the kernel's keepalive probes (after a
    // minute of silence), on Coffre's own socket and in what pg_dump and pg_restore are given;
    // a profile's own connection string keeps its values.
    void tcpConnectionsProbeASilentServer()
    {
        DatabaseTarget overTcp = fixture(QStringLiteral("coffre_owner"), QStringLiteral("postgres"));
        overTcp.host = QStringLiteral("127.0.0.1");
        Result<PgConnection> connection = PgConnection::open(overTcp, QStringLiteral("owner-secret"));
        QVERIFY2(connection.ok(), qPrintable(connection.error().toLogString()));
        const int socket = PQsocket(connection->handle());
        int on = 0, idle = 0, count = 0;
        socklen_t size = sizeof(int);
        QCOMPARE(getsockopt(socket, SOL_SOCKET, SO_KEEPALIVE, &on, &size), 0);
        QCOMPARE(getsockopt(socket, IPPROTO_TCP, TCP_KEEPIDLE, &idle, &size), 0);
        QCOMPARE(getsockopt(socket, IPPROTO_TCP, TCP_KEEPCNT, &count, &size), 0);
        QCOMPARE(on, 1);
        QCOMPARE(idle, 60);
        QCOMPARE(count, 6);
        QVERIFY2(connection->conninfoForChild({}).contains(QStringLiteral("keepalives_idle='60'")), qPrintable(connection->conninfoForChild({})));

        overTcp.conninfo = QStringLiteral("keepalives_idle=300");
        connection = PgConnection::open(overTcp, QStringLiteral("owner-secret"));
        QVERIFY2(connection.ok(), qPrintable(connection.error().toLogString()));
        QCOMPARE(getsockopt(PQsocket(connection->handle()), IPPROTO_TCP, TCP_KEEPIDLE, &idle, &size), 0);
        QCOMPARE(idle, 300);
    }

    void refusedRequestCarriesItsSqlState()
    {
        // The server's words depend on its lc_messages; its SQLSTATE does not.
        Result<PgConnection> connection = PgConnection::open(fixture());
        QVERIFY(connection.ok());
        const auto missing = connection.value().query(QStringLiteral("select * from no_such_table"));
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, QStringLiteral("42P01"));
        const auto syntax = connection.value().query(QStringLiteral("selec 1"));
        QCOMPARE(syntax.error().code, QStringLiteral("42601"));
        QVERIFY(connection.value().query(QStringLiteral("select 1")).ok());
    }

    void rightPassword()
    {
        const Result<ServerInfo> info =
            ConnectionTester::test(fixture(QStringLiteral("coffre_pw")), QStringLiteral("right-secret"));
        QVERIFY2(info.ok(), qPrintable(info.error().toLogString()));
        QCOMPARE(info->user, QStringLiteral("coffre_pw"));
    }

    void passwordPromptDoesNotDependOnTheMessagesLanguage()
    {
        // libpq's own words are translated (fr: "aucun mot de passe fourni"): libpq's flag decides.
        const Error french = PgConnection::explainConnectionFailure(
            QStringLiteral("la connexion au serveur a échoué : fe_sendauth: aucun mot de passe fourni"),
            fixture(QStringLiteral("coffre_pw")), QStringLiteral("coffre_pw"), true);
        QCOMPARE(french.code, ErrorCode::PasswordNeeded);
        // And the flag comes from the real connection.
        const Result<ServerInfo> info = ConnectionTester::test(fixture(QStringLiteral("coffre_pw")), QString());
        QVERIFY(!info.ok());
        QCOMPARE(info.error().code, ErrorCode::PasswordNeeded);
    }

    void wrongPassword()
    {
        const Result<ServerInfo> info =
            ConnectionTester::test(fixture(QStringLiteral("coffre_pw")), QStringLiteral("wrong-secret"));
        QVERIFY(!info.ok());
        QCOMPARE(info.error().message, QStringLiteral("Wrong password for user “coffre_pw” on %1.")
                                           .arg(fixture(QStringLiteral("coffre_pw")).displayName()));
        QVERIFY(!info.error().message.contains(QStringLiteral("wrong-secret")));
        QVERIFY(!info.error().detail.contains(QStringLiteral("wrong-secret")));
    }

    void noPasswordGiven()
    {
        const Result<ServerInfo> info = ConnectionTester::test(fixture(QStringLiteral("coffre_pw")));
        QVERIFY(!info.ok());
        QVERIFY2(info.error().message.contains(QStringLiteral("none was given")), qPrintable(info.error().message));
    }

    void serverDown()
    {
        DatabaseTarget target = fixture();
        target.port += 1; // nothing listens there
        const Result<ServerInfo> info = ConnectionTester::test(target);
        QVERIFY(!info.ok());
        QVERIFY2(info.error().message.startsWith(QStringLiteral("No PostgreSQL server answers at")),
                 qPrintable(info.error().message));
        QVERIFY(info.error().message.contains(QString::number(target.port)));
    }

    void unknownDatabase()
    {
        const Result<ServerInfo> info = ConnectionTester::test(fixture(QStringLiteral("postgres"), QStringLiteral("nope")));
        QVERIFY(!info.ok());
        QVERIFY2(info.error().message.startsWith(QStringLiteral("The database does not exist")),
                 qPrintable(info.error().message));
    }

    void unknownUser()
    {
        const Result<ServerInfo> info = ConnectionTester::test(fixture(QStringLiteral("ghost")));
        QVERIFY(!info.ok());
        QCOMPARE(info.error().message, QStringLiteral("The user “ghost” does not exist on the server."));
    }

    void connectionStringFromTheCommandLine()
    {
        DatabaseTarget target;
        target.conninfo = QStringLiteral("host=%1 port=%2 user=postgres dbname=coffre_test")
                              .arg(qEnvironmentVariable("PGHOST"), qEnvironmentVariable("PGPORT"));
        const Result<ServerInfo> info = ConnectionTester::test(target);
        QVERIFY2(info.ok(), qPrintable(info.error().toLogString()));
        QCOMPARE(info->database, QStringLiteral("coffre_test"));
    }
};

QTEST_GUILESS_MAIN(TestConnection)
#include "tst_connection.moc"
