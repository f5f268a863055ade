#include "PgFixture.h"
#include "TestBundles.h"
#include "catalog/Catalog.h"
#include "profile/ProfileStore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QSysInfo>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace coffre;

namespace {

// A real HTTP listener on 127.0.0.1: keeps each request's method, path, headers and JSON body,
// and answers with the status it is told.
class WebhookListener : public QObject
{
public:
    struct Request
    {
        QByteArray method, path, contentType;
        QJsonObject body;
        QByteArray raw;
    };

    WebhookListener()
    {
        QVERIFY(m_server.listen(QHostAddress::LocalHost));
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* socket = m_server.nextPendingConnection())
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
        });
    }

    QString url(const QString& path = QStringLiteral("/hook")) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_server.serverPort()).arg(path);
    }
    int status = 200;
    QList<Request> requests;

private:
    void read(QTcpSocket* socket)
    {
        QByteArray& buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        qsizetype length = 0;
        Request request;
        const QList<QByteArray> first = lines.first().trimmed().split(' ');
        request.method = first.value(0);
        request.path = first.value(1);
        for (const QByteArray& line : lines.mid(1)) {
            const qsizetype colon = line.indexOf(':');
            const QByteArray name = line.left(colon).trimmed().toLower(), value = line.mid(colon + 1).trimmed();
            if (name == "content-length")
                length = value.toLongLong();
            if (name == "content-type")
                request.contentType = value;
        }
        if (buffer.size() < end + 4 + length)
            return;
        request.raw = buffer.mid(end + 4, length);
        request.body = QJsonDocument::fromJson(request.raw).object();
        requests << request;
        m_buffers.remove(socket);
        socket->write(QStringLiteral("HTTP/1.1 %1 X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").arg(status).toLatin1());
        socket->disconnectFromHost();
    }

    QTcpServer m_server;
    QHash<QTcpSocket*, QByteArray> m_buffers;
};

} // namespace

// Notifications of scheduled runs from real coffre-cli processes: the JSON a local HTTP listener
// receives, the mail a stand-in sendmail is handed, and the warnings of a backup that shrank.
class TestNotify : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;
    QString m_config, m_source, m_mailbox;
    WebhookListener m_listener;

    // Runs coffre-cli while this process keeps serving the listener.
    test::CliRun cli(const QStringList& arguments)
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_config);
        env.insert(QStringLiteral("COFFRE_SENDMAIL"), m_home.filePath(QStringLiteral("sendmail")));
        process.setProcessEnvironment(env);
        QSignalSpy finished(&process, &QProcess::finished);
        process.start(QStringLiteral(COFFRE_CLI), arguments);
        if (!finished.wait(120000))
            qFatal("coffre-cli did not finish");
        return {process.exitCode(), process.readAllStandardOutput(), QString::fromUtf8(process.readAllStandardError())};
    }

    QString conninfo(const QString& dbname) const
    {
        return QStringLiteral("host=%1 port=%2 user=postgres dbname=%3").arg(qEnvironmentVariable("PGHOST"), qEnvironmentVariable("PGPORT"), dbname);
    }

    void saveProfile(const QString& name, const QString& db, const NotifySettings& notify)
    {
        Profile profile;
        profile.name = name;
        profile.database.conninfo = db;
        profile.sources = {{QStringLiteral("app"), m_source}};
        profile.repository = m_home.filePath(QStringLiteral("backups-") + name);
        profile.notify = notify;
        QVERIFY(ProfileStore(m_config + QStringLiteral("/coffre/profiles")).save(profile));
    }

    QString mailbox() const
    {
        QFile file(m_mailbox);
        return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
    }

private slots:
    void initTestCase()
    {
        if (!test::hasFixture())
            QSKIP("PGHOST is not set: run through ctest, which starts the PostgreSQL fixture");
        m_config = m_home.filePath(QStringLiteral("config"));
        m_source = m_home.filePath(QStringLiteral("app"));
        m_mailbox = m_home.filePath(QStringLiteral("mailbox"));
        test::writeSampleTree(m_source);
        // sendmail as a mail transfer agent takes it: its arguments and the message, kept.
        QFile sendmail(m_home.filePath(QStringLiteral("sendmail")));
        QVERIFY(sendmail.open(QIODevice::WriteOnly));
        sendmail.write("#!/bin/sh\n{ echo \"ARGS: $*\"; cat; echo '--END--'; } >> '" + QFile::encodeName(m_mailbox) + "'\n");
        sendmail.close();
        QVERIFY(sendmail.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
        QVERIFY(test::recreateDatabase(QStringLiteral("notify_db")));
        QVERIFY(test::execSql(QStringLiteral("notify_db"),
                              {QStringLiteral("create table orders as select i id, md5(i::text) || md5((i * 7)::text) note from generate_series(1, 60000) i"),
                               QStringLiteral("create table customers as select i id from generate_series(1, 100) i")}));
    }

    // The acceptance case: a scheduled backup whose database does not answer.
    void aFailingScheduledBackupNotifies()
    {
        NotifySettings notify;
        notify.webhook = m_listener.url();
        notify.mailTo = QStringLiteral("ops@example.org, oncall@example.org");
        saveProfile(QStringLiteral("broken"), QStringLiteral("host=127.0.0.1 port=1 dbname=shop password=hunter2 connect_timeout=2"), notify);
        const test::CliRun run = cli({QStringLiteral("--profile"), QStringLiteral("broken"), QStringLiteral("create"), QStringLiteral("--scheduled")});
        QCOMPARE(run.status, 1);
        QCOMPARE(m_listener.requests.size(), 1);
        const WebhookListener::Request& posted = m_listener.requests.first();
        QCOMPARE(posted.method, QByteArray("POST"));
        QCOMPARE(posted.path, QByteArray("/hook"));
        QCOMPARE(posted.contentType, QByteArray("application/json"));
        const QJsonObject o = posted.body;
        QCOMPARE(o[QStringLiteral("event")].toString(), QStringLiteral("backup"));
        QCOMPARE(o[QStringLiteral("outcome")].toString(), QStringLiteral("failed"));
        QCOMPARE(o[QStringLiteral("profile")].toString(), QStringLiteral("broken"));
        QCOMPARE(o[QStringLiteral("host")].toString(), QSysInfo::machineHostName());
        QCOMPARE(o[QStringLiteral("backup")].toString(), QString());
        QVERIFY(o[QStringLiteral("message")].toString().contains(QStringLiteral("127.0.0.1")));
        QVERIFY(qAbs(QDateTime::fromString(o[QStringLiteral("time")].toString(), Qt::ISODate).secsTo(QDateTime::currentDateTime())) < 120);
        QVERIFY(o[QStringLiteral("text")].toString().contains(QStringLiteral("backup failed")));
        QVERIFY2(!posted.raw.contains("hunter2"), posted.raw.constData()); // never a password

        const QString mail = mailbox();
        QVERIFY2(mail.startsWith(QStringLiteral("ARGS: -t -i\n")), qPrintable(mail));
        QVERIFY(mail.contains(QStringLiteral("To: ops@example.org, oncall@example.org\n")));
        QVERIFY(mail.contains(QStringLiteral("Subject: [Coffre] broken on %1: backup failed\n").arg(QSysInfo::machineHostName())));
        QVERIFY(!mail.contains(QStringLiteral("hunter2")));
        QVERIFY(QFileInfo::exists(m_home.filePath(QStringLiteral("backups-broken/.coffre-audit.jsonl"))));
    }

    // A scheduled drill (schedule set --drill-every): runs when due, not again the next night, and a
    // failing one (its dump damaged) is notified like a failed backup.
    void aScheduledDrillRunsWhenDueAndAFailureNotifies()
    {
        NotifySettings notify;
        notify.webhook = m_listener.url(QStringLiteral("/drill"));
        saveProfile(QStringLiteral("drilled"), conninfo(QStringLiteral("notify_db")), notify);
        Profile profile = *ProfileStore(m_config + QStringLiteral("/coffre/profiles")).load(QStringLiteral("drilled"));
        const QStringList drill{QStringLiteral("--profile"), QStringLiteral("drilled"), QStringLiteral("drill"), QStringLiteral("--latest"),
                                QStringLiteral("--due")};
        const test::CliRun unscheduled = cli(drill);
        QCOMPARE(unscheduled.status, 0);
        QVERIFY2(unscheduled.out.contains("No restore drill is scheduled"), unscheduled.out.constData());

        profile.schedule.every = Schedule::Every::Daily;
        profile.schedule.drillDays = 7;
        QVERIFY(ProfileStore(m_config + QStringLiteral("/coffre/profiles")).save(profile));
        QCOMPARE(cli({QStringLiteral("--profile"), QStringLiteral("drilled"), QStringLiteral("create"), QStringLiteral("--scheduled")}).status, 0);
        m_listener.requests.clear();
        const test::CliRun first = cli(drill);
        QVERIFY2(first.status == 0, qPrintable(first.err));
        QVERIFY2(first.out.contains("proven restorable"), first.out.constData());
        const test::CliRun second = cli(drill);
        QCOMPARE(second.status, 0);
        QVERIFY2(second.out.contains("next is due"), second.out.constData());
        QCOMPARE(m_listener.requests.size(), 0); // success is not sent unless asked

        // A week later (the record made older), on a backup whose dump was damaged.
        const QString drills = profile.repository + QStringLiteral("/.coffre-drills.jsonl");
        QFile log(drills);
        QVERIFY(log.open(QIODevice::ReadOnly));
        QByteArray lines = log.readAll();
        log.close();
        const QString today = QDateTime::currentDateTimeUtc().date().toString(Qt::ISODate);
        lines.replace(today.toUtf8(), QDateTime::currentDateTimeUtc().addDays(-8).date().toString(Qt::ISODate).toUtf8());
        QVERIFY(log.open(QIODevice::WriteOnly | QIODevice::Truncate));
        log.write(lines);
        log.close();
        const Result<RepositoryScan> scan = Catalog::scan(profile.repository);
        QVERIFY(scan && !scan->backups.isEmpty());
        QFile dump(scan->backups.first().path + QStringLiteral("/database.dump.zst"));
        QVERIFY(dump.open(QIODevice::ReadWrite));
        dump.seek(dump.size() / 2);
        dump.write("damaged!");
        dump.close();
        const test::CliRun failed = cli(drill);
        QCOMPARE(failed.status, 1);
        QCOMPARE(m_listener.requests.size(), 1);
        const QJsonObject o = m_listener.requests.first().body;
        QCOMPARE(o[QStringLiteral("event")].toString(), QStringLiteral("drill"));
        QCOMPARE(o[QStringLiteral("outcome")].toString(), QStringLiteral("failed"));
        QCOMPARE(o[QStringLiteral("backup")].toString(), scan->backups.first().name);
        QVERIFY2(o[QStringLiteral("text")].toString().contains(QStringLiteral("restore drill failed")), qPrintable(o[QStringLiteral("text")].toString()));
    }

    void successIsSentOnlyWhenAsked()
    {
        NotifySettings notify;
        notify.webhook = m_listener.url(QStringLiteral("/ok"));
        saveProfile(QStringLiteral("shop"), conninfo(QStringLiteral("notify_db")), notify);
        m_listener.requests.clear();
        const test::CliRun quiet = cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("create"), QStringLiteral("--scheduled")});
        QVERIFY2(quiet.status == 0, qPrintable(quiet.err));
        QCOMPARE(quiet.err, QString()); // nothing wrong: nothing said, nothing sent
        QCOMPARE(m_listener.requests.size(), 0);

        const test::CliRun set = cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("notify"), QStringLiteral("set"),
                                      QStringLiteral("--on-success"), QStringLiteral("--json")});
        QCOMPARE(set.status, 0);
        QVERIFY(QJsonDocument::fromJson(set.out).object()[QStringLiteral("on_success")].toBool());
        const test::CliRun sent = cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("create"), QStringLiteral("--scheduled")});
        QCOMPARE(sent.status, 0);
        QCOMPARE(m_listener.requests.size(), 1);
        QCOMPARE(m_listener.requests.first().body[QStringLiteral("outcome")].toString(), QStringLiteral("ok"));
        QCOMPARE(m_listener.requests.first().body[QStringLiteral("backup")].toString(), QString::fromUtf8(sent.out.trimmed()));
        // A manual create notifies only with --notify.
        QCOMPARE(cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("create")}).status, 0);
        QCOMPARE(m_listener.requests.size(), 1);
    }

    // An emptied table: the backup works, and says it looks wrong, in the webhook and the list.
    void aBackupThatShrankWarns()
    {
        m_listener.requests.clear();
        QVERIFY(test::execSql(QStringLiteral("notify_db"), {QStringLiteral("truncate orders")}));
        const test::CliRun run = cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("create"), QStringLiteral("--scheduled")});
        QCOMPARE(run.status, 0);
        QVERIFY2(run.err.contains(QStringLiteral("warning: The database dump is")), qPrintable(run.err));
        QCOMPARE(m_listener.requests.size(), 1);
        const QJsonObject o = m_listener.requests.first().body;
        QCOMPARE(o[QStringLiteral("outcome")].toString(), QStringLiteral("warning"));
        const QString warning = o[QStringLiteral("warnings")].toArray().first().toString();
        QVERIFY2(warning.contains(QStringLiteral("% smaller than in")) && warning.contains(QStringLiteral("public.orders")) &&
                     !warning.contains(QStringLiteral("public.customers")), qPrintable(warning));
        const QString shrunk = QString::fromUtf8(run.out.trimmed());

        const test::CliRun list = cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("list")});
        QVERIFY2(list.out.contains(QStringLiteral("%1: warning: The database dump is").arg(shrunk).toUtf8()), list.out.constData());
        const test::CliRun json = cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("list"), QStringLiteral("--json")});
        int flagged = 0;
        for (const QJsonValue& backup : QJsonDocument::fromJson(json.out).array()) {
            if (backup[QStringLiteral("warnings")].isArray()) {
                ++flagged;
                QCOMPARE(backup[QStringLiteral("name")].toString(), shrunk);
            }
        }
        QCOMPARE(flagged, 1);
        const test::CliRun log = cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("log"), QStringLiteral("--json")});
        QVERIFY(QDateTime::currentDateTime().isValid());
        QVERIFY(QJsonDocument::fromJson(log.out).array().last()[QStringLiteral("message")].toString().contains(QStringLiteral("smaller")));
    }

    void aFullDiskWarnsAtTheProfilesThreshold()
    {
        m_listener.requests.clear();
        QCOMPARE(cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("notify"), QStringLiteral("set"),
                      QStringLiteral("--disk-percent"), QStringLiteral("1"), QStringLiteral("--failures-only")}).status, 0);
        const test::CliRun run = cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("create"), QStringLiteral("--scheduled")});
        QCOMPARE(run.status, 0);
        QCOMPARE(m_listener.requests.size(), 1); // a warning is sent even with --failures-only
        QVERIFY(m_listener.requests.first().body[QStringLiteral("message")].toString().contains(QStringLiteral("% full")));
        const test::CliRun list = cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("list")});
        QVERIFY(list.out.contains("Warning: The disk holding the backups is"));
    }

    void aWebhookThatRefusesIsSaidNotFatal()
    {
        m_listener.status = 500;
        const test::CliRun run = cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("create"), QStringLiteral("--scheduled")});
        m_listener.status = 200;
        QCOMPARE(run.status, 0); // the backup is made: only the notification failed
        QVERIFY2(run.err.contains(QStringLiteral("could not notify")) && run.err.contains(QStringLiteral("HTTP 500")), qPrintable(run.err));
        QVERIFY(!run.err.contains(QStringLiteral("/ok"))); // a webhook's path may be its secret
    }

    void settingsAreCheckedAndTestable()
    {
        QCOMPARE(cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("notify"), QStringLiteral("set"), QStringLiteral("--webhook"),
                      QStringLiteral("ftp://x")}).status, 2);
        QCOMPARE(cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("notify"), QStringLiteral("set"), QStringLiteral("--mail"),
                      QStringLiteral("a@b\nBcc: everyone@example.org")}).status, 2);
        QCOMPARE(cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("notify"), QStringLiteral("set"),
                      QStringLiteral("--shrink-percent"), QStringLiteral("150")}).status, 2);
        m_listener.requests.clear();
        const test::CliRun tested = cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("notify"), QStringLiteral("test")});
        QVERIFY2(tested.status == 0, qPrintable(tested.err));
        QCOMPARE(m_listener.requests.size(), 1);
        QCOMPARE(m_listener.requests.first().body[QStringLiteral("event")].toString(), QStringLiteral("test"));
        QCOMPARE(cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("notify"), QStringLiteral("remove")}).status, 0);
        QCOMPARE(cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("notify"), QStringLiteral("test")}).status, 1);
    }
};

QTEST_GUILESS_MAIN(TestNotify)
#include "tst_notify.moc"
