#include "ServerSettingsWidget.h"
#include "remote/HostKeys.h"
#include "remote/RemoteCli.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QMessageBox>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace coffre;

// Trusting a server's host key on first use, against the real OpenSSH fixture: the fingerprint
// shown is the server's, trust() writes it where ssh reads it, and a changed key is never offered.
// Each test has its own ssh_config and known_hosts (the fixture's stay as they are) and its own
// control folder: an open shared connection would skip the host key check.
class TestHostKeys : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home{QStringLiteral("/tmp/hk-XXXXXX")};
    QString m_sshBase = qEnvironmentVariable("COFFRE_TEST_SSH_BASE");
    int m_port = 0;
    int m_round = 0;

    static QByteArray readAll(const QString& path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    // A destination whose known_hosts is `knownHosts` (its folder need not exist yet), with
    // a fresh control folder for ssh's shared connections.
    SshDestination destination(const QString& knownHosts)
    {
        QString config = QString::fromUtf8(readAll(m_sshBase + QStringLiteral("/ssh_config")));
        config.replace(m_sshBase + QStringLiteral("/known_hosts"), knownHosts);
        const QString configFile = m_home.filePath(QStringLiteral("ssh_config%1").arg(++m_round));
        QFile out(configFile);
        if (!out.open(QIODevice::WriteOnly) || out.write(config.toUtf8()) != config.toUtf8().size())
            qFatal("cannot write %s", qPrintable(configFile));
        out.close();
        const QString runtime = m_home.filePath(QStringLiteral("r%1").arg(m_round)); // short: sockets go there
        QDir().mkpath(runtime);
        QFile::setPermissions(runtime, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        qputenv("XDG_RUNTIME_DIR", runtime.toUtf8());
        SshDestination server;
        server.host = QStringLiteral("coffre-test");
        server.configFile = configFile;
        server.remoteCli = QStringLiteral(COFFRE_CLI);
        return server;
    }

    QString expectedFingerprint() const
    {
        QProcess keygen;
        keygen.start(QStringLiteral("ssh-keygen"),
                     {QStringLiteral("-lf"), m_sshBase + QStringLiteral("/host_ed25519.pub")});
        keygen.waitForFinished();
        return QString::fromUtf8(keygen.readAllStandardOutput()).section(u' ', 1, 1);
    }

    // Clicks `button` of the next message box and keeps its text; none shown: `asked` stays empty.
    static void answerNextBox(QMessageBox::StandardButton button, QString* asked, int triesLeft = 600)
    {
        QTimer::singleShot(100, [button, asked, triesLeft] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            if (!box) { // the scan has not ended yet
                if (triesLeft > 0)
                    answerNextBox(button, asked, triesLeft - 1);
                return;
            }
            *asked = box->text() + u'\n' + box->informativeText();
            if (const QString folder = qEnvironmentVariable("COFFRE_SCREENSHOT_DIR"); !folder.isEmpty())
                box->grab().save(QDir(folder).filePath(QStringLiteral("trust-host-question.png")));
            box->button(button)->click();
        });
    }

private slots:
    // ssh looks a HostKeyAlias up bare, whatever the port (sshconnect.c, get_hostfile_hostname_ipaddr).
    void knownHostsNames()
    {
        HostKeyPlace place;
        place.host = QStringLiteral("web1");
        place.port = 22;
        QCOMPARE(place.knownHostsName(), QStringLiteral("web1"));
        place.port = 2222;
        QCOMPARE(place.knownHostsName(), QStringLiteral("[web1]:2222"));
        place.isAlias = true;
        QCOMPARE(place.knownHostsName(), QStringLiteral("web1"));
    }

    void initTestCase()
    {
        if (m_sshBase.isEmpty())
            QSKIP("COFFRE_TEST_SSH_BASE is not set: run through ctest, which starts the fixtures");
        const QString config = QString::fromUtf8(readAll(m_sshBase + QStringLiteral("/ssh_config")));
        m_port = QRegularExpression(QStringLiteral("Port (\\d+)")).match(config).captured(1).toInt();
        QVERIFY(m_port > 0);
    }

    void resolveFollowsTheSshConfig()
    {
        const QString knownHosts = m_home.filePath(QStringLiteral("resolve/known_hosts"));
        const Result<HostKeyPlace> place = HostKeys::resolve(destination(knownHosts));
        QVERIFY2(place, qPrintable(place.error().toLogString()));
        QCOMPARE(place->scannedHost, QStringLiteral("127.0.0.1"));
        QCOMPARE(place->port, m_port);
        QCOMPARE(place->knownHostsFile, knownHosts);
        QCOMPARE(place->knownHostsName(), QStringLiteral("[127.0.0.1]:%1").arg(m_port));
    }

    void unknownKeyIsShownThenTrusted()
    {
        const QString folder = m_home.filePath(QStringLiteral("dot-ssh")); // missing: trust() makes it, 0700
        const QString knownHosts = folder + QStringLiteral("/known_hosts");
        const SshDestination server = destination(knownHosts);

        const Result<ServerCliInfo> before = RemoteCli::connect(server);
        QVERIFY(!before);
        QCOMPARE(before.error().code, ErrorCode::HostKeyUnknown);

        const Result<HostKeyScan> scan = HostKeys::scan(server);
        QVERIFY2(scan, qPrintable(scan.error().toLogString()));
        QCOMPARE(scan->keys.size(), 1); // the fixture's server has one key
        const HostKey key = scan->keys.first();
        QCOMPARE(key.type, QStringLiteral("ED25519"));
        QCOMPARE(key.fingerprint, expectedFingerprint());
        QCOMPARE(key.fingerprintSentence(),
                 QStringLiteral("ED25519 key fingerprint is %1.").arg(expectedFingerprint()));
        QVERIFY(!QFile::exists(knownHosts)); // scanning trusts nothing

        const Status trusted = HostKeys::trust(server, scan->keys);
        QVERIFY2(trusted, qPrintable(trusted.error().toLogString()));
        const QByteArray hostKey =
            readAll(m_sshBase + QStringLiteral("/host_ed25519.pub")).split(' ').mid(0, 2).join(' ');
        QCOMPARE(readAll(knownHosts), QStringLiteral("[127.0.0.1]:%1 ").arg(m_port).toUtf8() + hostKey + '\n');
        const QFileDevice::Permissions ignored = QFileDevice::ReadUser | QFileDevice::WriteUser | QFileDevice::ExeUser;
        QCOMPARE(QFile::permissions(folder) & ~ignored,
                 QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);

        const Result<ServerCliInfo> after = RemoteCli::connect(server);
        QVERIFY2(after, qPrintable(after.error().toLogString()));
        QCOMPARE(after->protocol, NewestServerProtocol);
    }

    void trustKeepsTheLinesBefore()
    {
        const QString knownHosts = m_home.filePath(QStringLiteral("kept_known_hosts"));
        QFile known(knownHosts);
        QVERIFY(known.open(QIODevice::WriteOnly));
        known.write("example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample"); // no newline at the end
        known.close();
        const SshDestination server = destination(knownHosts);
        const Result<HostKeyScan> scan = HostKeys::scan(server);
        QVERIFY2(scan, qPrintable(scan.error().toLogString()));
        QVERIFY(HostKeys::trust(server, scan->keys));
        const QList<QByteArray> lines = readAll(knownHosts).split('\n');
        QCOMPARE(lines.size(), 3); // the old line, the new one, the final newline's empty rest
        QCOMPARE(lines.at(0), QByteArray("example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample"));
        QVERIFY(lines.at(1).startsWith(QStringLiteral("[127.0.0.1]:%1 ssh-ed25519 ").arg(m_port).toUtf8()));
        QVERIFY(RemoteCli::connect(server));
    }

    // The dialog's part: an unknown key is asked about (fingerprint shown), No trusts nothing,
    // Yes trusts and connects; a changed key is said, never offered.
    void settingsAskBeforeTrusting()
    {
        const QString knownHosts = m_home.filePath(QStringLiteral("asked_known_hosts"));
        ServerSettingsWidget widget(destination(knownHosts));
        QSignalSpy tested(&widget, &ServerSettingsWidget::connectionTested);
        for (const QMessageBox::StandardButton answer : {QMessageBox::No, QMessageBox::Yes}) {
            QString asked;
            answerNextBox(answer, &asked);
            widget.testConnection();
            QTRY_COMPARE_WITH_TIMEOUT(tested.size(), answer == QMessageBox::No ? 1 : 2, 60000);
            QVERIFY2(asked.contains(QStringLiteral("ED25519 key fingerprint is %1").arg(expectedFingerprint())),
                     qPrintable(asked));
            QVERIFY2(asked.contains(QStringLiteral("Trust this server?")), qPrintable(asked));
            QCOMPARE(tested.last().at(0).toBool(), answer == QMessageBox::Yes);
            QCOMPARE(QFile::exists(knownHosts), answer == QMessageBox::Yes);
        }
        QVERIFY2(tested.last().at(1).toString().contains(QStringLiteral("Connected")),
                 qPrintable(tested.last().at(1).toString()));
        if (const QString folder = qEnvironmentVariable("COFFRE_SCREENSHOT_DIR"); !folder.isEmpty())
            widget.grab().save(QDir(folder).filePath(QStringLiteral("server-connected.png")));
    }

    void changedKeyIsNeverOffered()
    {
        const QString knownHosts = m_home.filePath(QStringLiteral("changed_known_hosts"));
        QFile known(knownHosts);
        QVERIFY(known.open(QIODevice::WriteOnly));
        known.write(QStringLiteral("[127.0.0.1]:%1 ").arg(m_port).toUtf8() +
                    readAll(m_sshBase + QStringLiteral("/stranger_ed25519.pub")).split(' ').mid(0, 2).join(' ') + '\n');
        known.close();
        const QByteArray before = readAll(knownHosts);
        ServerSettingsWidget widget(destination(knownHosts));
        QSignalSpy tested(&widget, &ServerSettingsWidget::connectionTested);
        widget.testConnection(); // a question box would block here until the timeout: none is shown
        QTRY_COMPARE_WITH_TIMEOUT(tested.size(), 1, 60000);
        QCOMPARE(tested.last().at(0).toBool(), false);
        QVERIFY2(tested.last().at(1).toString().contains(QStringLiteral("CHANGED")),
                 qPrintable(tested.last().at(1).toString()));
        QCOMPARE(readAll(knownHosts), before);
    }
};

QTEST_MAIN(TestHostKeys)
#include "tst_hostkeys.moc"
