#include "PgFixture.h"
#include "TestBundles.h"
#include "profile/ProfileStore.h"
#include "remote/SshDestination.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace coffre;

// coffre-cli's JSON protocol, and `coffre-cli --server` against a real OpenSSH server (the
// "ssh" fixture, tests/ssh-fixture) whose sessions run this build's coffre-cli on the fixture
// PostgreSQL cluster: what the desktop does to a server, from a terminal.
class TestServer : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;
    QString m_sshBase = qEnvironmentVariable("COFFRE_TEST_SSH_BASE");
    QString m_serverRepository, m_serverTree, m_localRepository;

    QStringList server(const QString& configFile = {}) const
    {
        return {QStringLiteral("--server"), QStringLiteral("coffre-test"), QStringLiteral("--ssh-config"),
                configFile.isEmpty() ? m_sshBase + QStringLiteral("/ssh_config") : configFile, QStringLiteral("--server-cli"),
                QStringLiteral(COFFRE_CLI), QStringLiteral("--server-profile"), QStringLiteral("web")};
    }

    test::CliRun cli(const QStringList& arguments) const
    {
        return test::runCli(QStringLiteral(COFFRE_CLI), arguments, m_home.filePath(QStringLiteral("config")));
    }

    // The last JSON line of an answer: the result or the error event.
    static QJsonObject lastEvent(const QByteArray& out)
    {
        const QList<QByteArray> lines = out.trimmed().split('\n');
        return QJsonDocument::fromJson(lines.last()).object();
    }

private slots:
    void initTestCase()
    {
        if (!test::hasFixture() || m_sshBase.isEmpty())
            QSKIP("PGHOST or COFFRE_TEST_SSH_BASE is not set: run through ctest, which starts the fixtures");
        QVERIFY(test::recreateDatabase(QStringLiteral("srv_db")));
        QVERIFY(test::execSql(QStringLiteral("srv_db"),
                              {QStringLiteral("create table orders (id int primary key, note text)"),
                               QStringLiteral("insert into orders select i, repeat(md5(i::text), 30) from generate_series(1, 200000) i")}));
        m_serverTree = m_home.filePath(QStringLiteral("server app"));
        m_serverRepository = m_home.filePath(QStringLiteral("server backups"));
        m_localRepository = m_home.filePath(QStringLiteral("desktop backups"));
        QVERIFY(QDir().mkpath(m_serverTree + QStringLiteral("/src")));
        QVERIFY(QDir().mkpath(m_serverRepository));
        QVERIFY(QDir().mkpath(m_localRepository));
        QFile index(m_serverTree + QStringLiteral("/src/index.js"));
        QVERIFY(index.open(QIODevice::WriteOnly));
        index.write("console.log('v1')\n");
        index.close();

        Profile web;
        web.name = QStringLiteral("web");
        web.database = test::fixtureDatabase(QStringLiteral("srv_db"));
        web.sources = {{QStringLiteral("app"), m_serverTree}};
        web.repository = m_serverRepository;
        const ProfileStore serverProfiles(m_sshBase + QStringLiteral("/server/config/coffre/profiles"));
        QVERIFY(serverProfiles.save(web));
    }

    void versionNamesTheProtocol()
    {
        const test::CliRun run = cli({QStringLiteral("version"), QStringLiteral("--json")});
        QCOMPARE(run.status, 0);
        const QJsonObject o = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(o.value(QStringLiteral("protocol")).toInt(), 1);
        QVERIFY(!o.value(QStringLiteral("version")).toString().isEmpty());
    }

    void wordsReachTheServersShellAsOneWord()
    {
        QCOMPARE(SshDestination::shellQuote(QStringLiteral("backup_1")), QStringLiteral("backup_1"));
        QCOMPARE(SshDestination::shellQuote(QStringLiteral("x\n")), QStringLiteral("'x\n'")); // a newline ends a shell command
        QCOMPARE(SshDestination::shellQuote(QStringLiteral("it's; rm -rf /")), QStringLiteral("'it'\\''s; rm -rf /'"));
        QCOMPARE(SshDestination::shellQuote(QString()), QStringLiteral("''"));
    }

    // The password goes on ssh's stdin, never in argv: and a command given one does not wait forever.
    void aPasswordFromStdinReachesTheServer()
    {
        QProcess desktop;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
        desktop.setProcessEnvironment(env);
        desktop.start(QStringLiteral(COFFRE_CLI), server() + QStringList{QStringLiteral("--password-stdin"), QStringLiteral("list"),
                                                                          QStringLiteral("--json")});
        QVERIFY(desktop.waitForStarted());
        desktop.write("not-needed-here\n");
        desktop.closeWriteChannel();
        QVERIFY2(desktop.waitForFinished(30000), "coffre-cli --server --password-stdin hung");
        QCOMPARE(desktop.exitCode(), 0);
        QVERIFY(QJsonDocument::fromJson(desktop.readAllStandardOutput()).isArray());
    }

    void errorsHaveStableCodes()
    {
        const test::CliRun missing = cli({QStringLiteral("info"), QStringLiteral("nope"), QStringLiteral("--json"),
                                          QStringLiteral("--repository"), m_localRepository});
        QCOMPARE(missing.status, 1);
        QCOMPARE(QJsonDocument::fromJson(missing.out).object()[QStringLiteral("error")][QStringLiteral("code")].toString(),
                 QStringLiteral("not-found"));
        const test::CliRun usage = cli({QStringLiteral("restore"), QStringLiteral("--progress=json"), QStringLiteral("--repository"),
                                        m_localRepository});
        QCOMPARE(usage.status, 2);
        QCOMPARE(lastEvent(usage.out)[QStringLiteral("event")].toString(), QStringLiteral("error"));
        QCOMPARE(lastEvent(usage.out)[QStringLiteral("error")][QStringLiteral("code")].toString(), QStringLiteral("usage"));
    }

    void createOverSshStreamsProgressThenTheResult()
    {
        const test::CliRun run = cli(server() + QStringList{QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("first"),
                                                             QStringLiteral("--progress=json")});
        QVERIFY2(run.status == 0, qPrintable(run.err + QString::fromUtf8(run.out)));
        const QList<QByteArray> lines = run.out.trimmed().split('\n');
        QVERIFY2(lines.size() >= 2, run.out.constData()); // at least one progress event: the dump takes > 250 ms
        QCOMPARE(QJsonDocument::fromJson(lines.first()).object()[QStringLiteral("event")].toString(), QStringLiteral("progress"));
        const QJsonObject result = lastEvent(run.out);
        QCOMPARE(result[QStringLiteral("result")][QStringLiteral("name")].toString(), QStringLiteral("first"));
        QVERIFY(QFileInfo::exists(m_serverRepository + QStringLiteral("/first/manifest.json")));

        const test::CliRun list = cli(server() + QStringList{QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(list.status, 0);
        QCOMPARE(QJsonDocument::fromJson(list.out).array().first()[QStringLiteral("name")].toString(), QStringLiteral("first"));
    }

    // A server has no window: its profile is saved from the command line, here over ssh.
    void aProfileIsSavedOnTheServerFromTheDesktop()
    {
        QStringList arguments = server().mid(0, 6); // without --server-profile
        const test::CliRun saved = cli(arguments + QStringList{QStringLiteral("--db"), QStringLiteral("dbname=srv_db"), QStringLiteral("--source"),
                                                               QStringLiteral("app=") + m_serverTree, QStringLiteral("--repository"),
                                                               m_serverRepository, QStringLiteral("save-profile"), QStringLiteral("saved")});
        QVERIFY2(saved.status == 0, qPrintable(saved.err + QString::fromUtf8(saved.out)));
        const Result<Profile> profile =
            ProfileStore(m_sshBase + QStringLiteral("/server/config/coffre/profiles")).load(QStringLiteral("saved"));
        QVERIFY(profile);
        QCOMPARE(profile->repository, m_serverRepository);
        QCOMPARE(profile->sources.value(0).path, m_serverTree);
        const test::CliRun again = cli(arguments + QStringList{QStringLiteral("--repository"), m_serverRepository,
                                                               QStringLiteral("save-profile"), QStringLiteral("saved")});
        QCOMPARE(again.status, 1); // never replaced without --force
        arguments << QStringLiteral("--server-profile") << QStringLiteral("saved");
        const test::CliRun list = cli(arguments + QStringList{QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(list.status, 0);
        QCOMPARE(QJsonDocument::fromJson(list.out).array().first()[QStringLiteral("name")].toString(), QStringLiteral("first"));
    }

    void downloadAndUploadKeepEveryByte()
    {
        const test::CliRun down = cli(server() + QStringList{QStringLiteral("--repository"), m_localRepository,
                                                              QStringLiteral("download"), QStringLiteral("first")});
        QVERIFY2(down.status == 0, qPrintable(down.err));
        const QMap<QString, QByteArray> original = test::treeContents(m_serverRepository + QStringLiteral("/first"));
        QVERIFY(original.contains(QStringLiteral("database.dump.zst")) || original.size() > 3);
        QCOMPARE(test::treeContents(m_localRepository + QStringLiteral("/first")), original);

        QVERIFY(QDir(m_serverRepository + QStringLiteral("/first")).removeRecursively());
        const test::CliRun up = cli(server() + QStringList{QStringLiteral("--repository"), m_localRepository, QStringLiteral("upload"),
                                                            QStringLiteral("first"), QStringLiteral("--json")});
        QVERIFY2(up.status == 0, qPrintable(up.err + QString::fromUtf8(up.out)));
        QCOMPARE(QJsonDocument::fromJson(up.out).object()[QStringLiteral("name")].toString(), QStringLiteral("first"));
        QCOMPARE(test::treeContents(m_serverRepository + QStringLiteral("/first")), original);

        const test::CliRun again = cli(server() + QStringList{QStringLiteral("--repository"), m_localRepository,
                                                               QStringLiteral("download"), QStringLiteral("first")});
        QCOMPARE(again.status, 1); // already there: refused, the local copy untouched
        QCOMPARE(test::treeContents(m_localRepository + QStringLiteral("/first")), original);
    }

    void restoreNeedsOuiAndCanBeUndone()
    {
        QVERIFY(test::execSql(QStringLiteral("srv_db"), {QStringLiteral("delete from orders where id > 10")}));
        const test::CliRun refused = cli(server() + QStringList{QStringLiteral("restore"), QStringLiteral("first")});
        QCOMPARE(refused.status, 2);
        QCOMPARE(test::sqlScalar(QStringLiteral("srv_db"), QStringLiteral("select count(*) from orders")), QStringLiteral("10"));

        const test::CliRun restored = cli(server() + QStringList{QStringLiteral("restore"), QStringLiteral("first"),
                                                                  QStringLiteral("--confirm"), QStringLiteral("OUI"), QStringLiteral("--json")});
        QVERIFY2(restored.status == 0, qPrintable(restored.err + QString::fromUtf8(restored.out)));
        QCOMPARE(test::sqlScalar(QStringLiteral("srv_db"), QStringLiteral("select count(*) from orders")), QStringLiteral("200000"));
        QVERIFY(!QJsonDocument::fromJson(restored.out).object()[QStringLiteral("database_before")].toString().isEmpty());

        const test::CliRun undone = cli(server() + QStringList{QStringLiteral("undo-restore")});
        QVERIFY2(undone.status == 0, qPrintable(undone.err));
        QCOMPARE(test::sqlScalar(QStringLiteral("srv_db"), QStringLiteral("select count(*) from orders")), QStringLiteral("10"));
        QVERIFY(test::execSql(QStringLiteral("srv_db"),
                              {QStringLiteral("insert into orders select i, repeat(md5(i::text), 30) from generate_series(11, 200000) i")}));
    }

    // A server profile of this desktop: its commands run on the server, the schedule is installed
    // there (the fixture's server has neither a systemd user manager nor cron: the units are
    // written and the command to enable them said), and the server's audit log saw the transfers.
    void aServerProfileSchedulesAndLogsThere()
    {
        Profile desk;
        desk.name = QStringLiteral("webdesk");
        desk.server.host = QStringLiteral("coffre-test");
        desk.server.configFile = m_sshBase + QStringLiteral("/ssh_config");
        desk.server.remoteCli = QStringLiteral(COFFRE_CLI);
        desk.server.remoteProfile = QStringLiteral("web");
        QVERIFY(ProfileStore(m_home.filePath(QStringLiteral("config/coffre/profiles"))).save(desk));

        const test::CliRun set = cli({QStringLiteral("--profile"), QStringLiteral("webdesk"), QStringLiteral("schedule"), QStringLiteral("set"),
                                      QStringLiteral("--daily"), QStringLiteral("03:15"), QStringLiteral("--json")});
        QVERIFY2(set.status == 0, qPrintable(set.err + QString::fromUtf8(set.out)));
        const QJsonObject installed = QJsonDocument::fromJson(set.out).object()[QStringLiteral("installed")].toObject();
        QCOMPARE(installed[QStringLiteral("method")].toString(), QStringLiteral("systemd"));
        QVERIFY(!installed[QStringLiteral("active")].toBool());
        QVERIFY(installed[QStringLiteral("todo")].toArray().first().toString().contains(QStringLiteral("enable --now coffre-web.timer")));
        const QString timer = m_sshBase + QStringLiteral("/server/config/systemd/user/coffre-web.timer");
        QVERIFY(QFileInfo::exists(timer));
        const ProfileStore serverProfiles(m_sshBase + QStringLiteral("/server/config/coffre/profiles"));
        QCOMPARE(serverProfiles.load(QStringLiteral("web"))->schedule.describe(), QStringLiteral("daily at 03:15"));

        const test::CliRun log = cli({QStringLiteral("--profile"), QStringLiteral("webdesk"), QStringLiteral("log"), QStringLiteral("--json")});
        QCOMPARE(log.status, 0);
        QStringList actions;
        for (const QJsonValue& line : QJsonDocument::fromJson(log.out).array())
            actions << line[QStringLiteral("action")].toString();
        for (const char* action : {"create", "export", "import", "restore", "undo"}) // export and import: the download and upload
            QVERIFY2(actions.contains(QLatin1String(action)), qPrintable(actions.join(u' ')));
        const test::CliRun local = cli({QStringLiteral("--repository"), m_localRepository, QStringLiteral("log"), QStringLiteral("--json")});
        QStringList here;
        for (const QJsonValue& line : QJsonDocument::fromJson(local.out).array())
            here << line[QStringLiteral("action")].toString() + u':' + line[QStringLiteral("outcome")].toString();
        QVERIFY2(here.contains(QStringLiteral("download:ok")) && here.contains(QStringLiteral("upload:ok")) &&
                     here.contains(QStringLiteral("download:failed")), qPrintable(here.join(u' ')));

        QCOMPARE(cli({QStringLiteral("--profile"), QStringLiteral("webdesk"), QStringLiteral("schedule"), QStringLiteral("remove")}).status, 0);
        QVERIFY(!QFileInfo::exists(timer));
        QVERIFY(!serverProfiles.load(QStringLiteral("web"))->schedule.isSet());
    }

    // A cancel (SIGTERM to the desktop's coffre-cli) and a dropped connection (its ssh killed)
    // both end the server's job: no backup, no staging, no process left there.
    void cancelAndDroppedConnectionLeaveNothingOnTheServer_data()
    {
        QTest::addColumn<bool>("dropConnection");
        QTest::newRow("cancel") << false;
        QTest::newRow("dropped connection") << true;
    }
    void cancelAndDroppedConnectionLeaveNothingOnTheServer()
    {
        QFETCH(bool, dropConnection);
        const QString name = dropConnection ? QStringLiteral("dropped") : QStringLiteral("canceled");
        // A database big enough that the backup is still running when it is stopped.
        QVERIFY(test::recreateDatabase(QStringLiteral("srv_big")));
        QVERIFY(test::execSql(QStringLiteral("srv_big"),
                              {QStringLiteral("create table blobs as select repeat(md5(i::text), 60) body from generate_series(1, 600000) i")}));
        Profile big;
        big.name = QStringLiteral("big");
        big.database = test::fixtureDatabase(QStringLiteral("srv_big"));
        big.repository = m_serverRepository;
        QVERIFY(ProfileStore(m_sshBase + QStringLiteral("/server/config/coffre/profiles")).save(big));

        QStringList arguments = server();
        arguments.last() = QStringLiteral("big");
        QProcess desktop;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
        desktop.setProcessEnvironment(env);
        desktop.start(QStringLiteral(COFFRE_CLI), arguments + QStringList{QStringLiteral("create"), QStringLiteral("--name"), name,
                                                                           QStringLiteral("--json")});
        QVERIFY(desktop.waitForStarted());
        // Until the server's pg_dump runs.
        QTRY_VERIFY_WITH_TIMEOUT(test::processRunning(QStringLiteral("pg_dump.*srv_big")), 20000);
        if (dropConnection) {
            QProcess pkill;
            pkill.start(QStringLiteral("pkill"), {QStringLiteral("-KILL"), QStringLiteral("-P"), QString::number(desktop.processId()),
                                                  QStringLiteral("-x"), QStringLiteral("ssh")});
            QVERIFY(pkill.waitForFinished());
            QCOMPARE(pkill.exitCode(), 0);
        } else {
            ::kill(pid_t(desktop.processId()), SIGTERM);
        }
        QVERIFY(desktop.waitForFinished(30000));
        QVERIFY(desktop.exitCode() != 0);
        QTRY_VERIFY2_WITH_TIMEOUT(!test::processRunning(QStringLiteral("coffre-cli.*create --name ") + name),
                                  "the server's coffre-cli still runs", 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!test::processRunning(QStringLiteral("pg_dump.*srv_big")), 10000);
        QVERIFY(!QFileInfo::exists(m_serverRepository + u'/' + name + QStringLiteral("/manifest.json")));
        const QStringList left = QDir(m_serverRepository).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
        QVERIFY2(std::none_of(left.begin(), left.end(), [&name](const QString& entry) { return entry.contains(name); }),
                 qPrintable(left.join(u' ')));
    }

    void sshFailuresAreSaidInPlainWords_data()
    {
        QTest::addColumn<QString>("change");
        QTest::addColumn<QString>("code");
        QTest::newRow("changed host key") << "changed-key" << "host-key-changed";
        QTest::newRow("unknown host key") << "unknown-key" << "host-key-unknown";
        QTest::newRow("refused client key") << "wrong-identity" << "authentication-refused";
        QTest::newRow("nothing listens") << "wrong-port" << "host-unreachable";
        QTest::newRow("no coffre-cli there") << "no-cli" << "server-cli-missing";
    }
    void sshFailuresAreSaidInPlainWords()
    {
        QFETCH(QString, change);
        QFETCH(QString, code);
        QString config = QString::fromUtf8([this] {
            QFile f(m_sshBase + QStringLiteral("/ssh_config"));
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }());
        QVERIFY(!config.isEmpty());
        const QString knownHosts = m_home.filePath(QStringLiteral("known_hosts_") + change);
        QFile known(knownHosts);
        QVERIFY(known.open(QIODevice::WriteOnly));
        if (change == u"changed-key") {
            QFile stranger(m_sshBase + QStringLiteral("/stranger_ed25519.pub"));
            QVERIFY(stranger.open(QIODevice::ReadOnly));
            const QByteArray port = config.section(QStringLiteral("Port "), 1).section(u'\n', 0, 0).toUtf8();
            known.write("[127.0.0.1]:" + port + ' ' + stranger.readAll().split(' ').mid(0, 2).join(' ') + '\n');
        } else {
            QFile real(m_sshBase + QStringLiteral("/known_hosts"));
            QVERIFY(real.open(QIODevice::ReadOnly));
            if (change != u"unknown-key")
                known.write(real.readAll());
        }
        known.close();
        config.replace(m_sshBase + QStringLiteral("/known_hosts"), knownHosts);
        if (change == u"wrong-identity")
            config.replace(QStringLiteral("client_ed25519"), QStringLiteral("stranger_ed25519"));
        if (change == u"wrong-port")
            config.replace(QRegularExpression(QStringLiteral("Port \\d+")), QStringLiteral("Port 1"));
        const QString configFile = m_home.filePath(QStringLiteral("ssh_config_") + change);
        QFile out(configFile);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(config.toUtf8());
        out.close();

        QStringList arguments = server(configFile);
        if (change == u"no-cli")
            arguments[5] = QStringLiteral("/nonexistent/coffre-cli");
        // Its own control folder: an open shared connection would skip the host key check, as ssh does.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        static int row = 0; // short: a socket path goes there
        const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR") + QStringLiteral("/r%1").arg(++row);
        QDir().mkpath(runtime);
        QFile::setPermissions(runtime, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime);
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
        QProcess desktop;
        desktop.setProcessEnvironment(env);
        desktop.start(QStringLiteral(COFFRE_CLI), arguments + QStringList{QStringLiteral("list"), QStringLiteral("--json")});
        QVERIFY(desktop.waitForFinished(60000));
        QCOMPARE(desktop.exitCode(), 1);
        const QJsonObject error = QJsonDocument::fromJson(desktop.readAllStandardOutput()).object()[QStringLiteral("error")].toObject();
        QVERIFY2(error[QStringLiteral("code")].toString() == code, QJsonDocument(error).toJson().constData());
        QVERIFY(!error[QStringLiteral("message")].toString().isEmpty());
        if (change == u"changed-key") // the old key stays: nothing was accepted silently
            QVERIFY(QFile(knownHosts).size() > 0 && QFile(knownHosts).size() < 200);
    }
};

QTEST_GUILESS_MAIN(TestServer)
#include "tst_server.moc"
