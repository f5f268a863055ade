#include "TestBundles.h"
#include "profile/ProfileStore.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimeZone>
#include <QTest>

using namespace coffre;

// coffre-cli as a user or a cron job runs it: a real process, its output and exit status.
class TestCli : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;
    QString m_repository;

    struct Run
    {
        int status = -1;
        QByteArray out;
        QString err;
    };

    Run cli(const QStringList& arguments)
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(COFFRE_CLI), arguments);
        if (!process.waitForFinished(30000))
            qFatal("coffre-cli did not finish");
        return {process.exitCode(), process.readAllStandardOutput(), QString::fromUtf8(process.readAllStandardError())};
    }

    static QJsonObject byName(const QJsonArray& array, const QString& name)
    {
        for (const QJsonValue& value : array) {
            if (value[QStringLiteral("name")].toString() == name)
                return value.toObject();
        }
        return {};
    }

private slots:
    void initTestCase()
    {
        m_repository = m_home.filePath(QStringLiteral("backups"));
        QDir().mkpath(m_repository);
        test::BundleSpec spec;
        spec.name = QStringLiteral("backup_20261120_020000");
        spec.created = QDateTime(QDate(2026, 11, 20), QTime(2, 0), Qt::UTC);
        spec.kind = BackupKind::Scheduled;
        test::writeCompleteBundle(m_repository, spec);
        test::writeIncompleteBundle(m_repository, QStringLiteral("backup_20261121_020000"), 321);
        test::writeDamagedBundle(m_repository, QStringLiteral("backup_20261119_020000"));
    }

    void listJsonReportsEachStatus()
    {
        const Run run = cli({QStringLiteral("list"), QStringLiteral("--json"), QStringLiteral("--repository"), m_repository});
        QCOMPARE(run.status, 0);
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(run.out, &error);
        QVERIFY2(doc.isArray(), qPrintable(error.errorString() + QString::fromUtf8(run.out)));
        const QJsonArray array = doc.array();
        QCOMPARE(array.size(), 3);

        const QJsonObject complete = byName(array, QStringLiteral("backup_20261120_020000"));
        QCOMPARE(complete[QStringLiteral("status")].toString(), QStringLiteral("complete"));
        QCOMPARE(complete[QStringLiteral("created")].toString(), QStringLiteral("2026-11-20T02:00:00Z"));
        QCOMPARE(complete[QStringLiteral("kind")].toString(), QStringLiteral("scheduled"));
        QCOMPARE(complete[QStringLiteral("components")].toArray(),
                 QJsonArray({QStringLiteral("database"), QStringLiteral("source:backend"), QStringLiteral("source:frontend")}));
        QVERIFY(complete[QStringLiteral("size_bytes")].toInteger() > 1000);

        const QJsonObject incomplete = byName(array, QStringLiteral("backup_20261121_020000"));
        QCOMPARE(incomplete[QStringLiteral("status")].toString(), QStringLiteral("incomplete"));
        QCOMPARE(incomplete[QStringLiteral("size_bytes")].toInteger(), 321);
        QVERIFY(incomplete[QStringLiteral("kind")].isNull());
        QVERIFY(incomplete[QStringLiteral("created")].toString().endsWith(u'Z'));

        const QJsonObject damaged = byName(array, QStringLiteral("backup_20261119_020000"));
        QCOMPARE(damaged[QStringLiteral("status")].toString(), QStringLiteral("damaged"));
        QVERIFY(damaged[QStringLiteral("problem")].toString().contains(QStringLiteral("JSON")));
    }

    void globalOptionsBeforeOrAfterTheCommand()
    {
        const Run before = cli({QStringLiteral("--repository"), m_repository, QStringLiteral("list"), QStringLiteral("--json")});
        const Run after = cli({QStringLiteral("list"), QStringLiteral("--repository=") + m_repository, QStringLiteral("--json")});
        QCOMPARE(before.status, 0);
        QCOMPARE(after.status, 0);
        QCOMPARE(before.out, after.out);
    }

    void textListShowsProblems()
    {
        const Run run = cli({QStringLiteral("list"), QStringLiteral("--repository"), m_repository});
        QCOMPARE(run.status, 0);
        QVERIFY(run.out.contains("NAME"));
        QVERIFY(run.out.contains("backup_20261121_020000"));
        QVERIFY(run.out.contains("incomplete"));
        QVERIFY(run.out.contains("3 backups, "));
    }

    void profilesAndProfileSelection()
    {
        Profile profile;
        profile.name = QStringLiteral("shop");
        profile.sources = {{QStringLiteral("backend"), QStringLiteral("/srv/backend")}};
        profile.repository = m_repository;
        QVERIFY(ProfileStore(m_home.filePath(QStringLiteral("config/coffre/profiles"))).save(profile).ok());

        const Run profiles = cli({QStringLiteral("profiles")});
        QCOMPARE(profiles.status, 0);
        QVERIFY(profiles.out.contains("shop"));
        QVERIFY(profiles.out.contains(m_repository.toUtf8()));

        const Run list = cli({QStringLiteral("list"), QStringLiteral("--json"), QStringLiteral("--profile"), QStringLiteral("shop")});
        QCOMPARE(list.status, 0);
        QCOMPARE(QJsonDocument::fromJson(list.out).array().size(), 3);
        // With one profile only, it is the default.
        QCOMPARE(cli({QStringLiteral("list"), QStringLiteral("--json")}).out, list.out);

        const Run unknown = cli({QStringLiteral("list"), QStringLiteral("--profile"), QStringLiteral("nope")});
        QCOMPARE(unknown.status, 2);
        QVERIFY(unknown.err.contains(QStringLiteral("no profile named “nope”")));
    }

    void badUsageExitsWithTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no command") << QStringList() << QStringLiteral("Usage:");
        QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")} << QStringLiteral("unknown command");
        QTest::newRow("unknown option") << QStringList{QStringLiteral("list"), QStringLiteral("--frob")}
                                        << QStringLiteral("Unknown option");
        QTest::newRow("missing value") << QStringList{QStringLiteral("list"), QStringLiteral("--repository")}
                                       << QStringLiteral("Missing value");
        QTest::newRow("bad source") << QStringList{QStringLiteral("list"), QStringLiteral("--source"), QStringLiteral("noequals")}
                                    << QStringLiteral("LABEL=PATH");
    }

    void badUsageExitsWithTwo()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, expected);
        const Run run = cli(arguments);
        QCOMPARE(run.status, 2);
        QVERIFY2(run.err.contains(expected), qPrintable(run.err));
    }

    void failureExitsWithOne()
    {
        const Run run = cli({QStringLiteral("list"), QStringLiteral("--repository"), m_home.filePath(QStringLiteral("nowhere"))});
        QCOMPARE(run.status, 1);
        QVERIFY2(run.err.contains(QStringLiteral("does not exist")), qPrintable(run.err));
    }

    // A password in --db is refused before anything runs (pg_dump would never get it, and a
    // saved profile would keep it), in URI and key=value forms; the message never repeats it.
    void aPasswordInDbIsRefusedAtOnce()
    {
        for (const QString& db : {QStringLiteral("postgresql://shop:s3cr%C3%A9t@localhost/shop"),
                                  QStringLiteral("host=localhost dbname=shop password='s3cr\\'et'")}) {
            for (const QString& command : {QStringLiteral("create"), QStringLiteral("save-profile")}) {
                QStringList arguments{command, QStringLiteral("--repository"), m_repository, QStringLiteral("--db"), db};
                if (command == QLatin1String("save-profile"))
                    arguments.insert(1, QStringLiteral("leaky"));
                const Run run = cli(arguments);
                QCOMPARE(run.status, 2); // bad usage, as any malformed option
                QVERIFY2(run.err.contains(QStringLiteral("--db holds a password")), qPrintable(run.err));
                QVERIFY2(!run.err.contains(QStringLiteral("s3cr")) && !run.out.contains("s3cr"), qPrintable(run.err));
            }
        }
        QVERIFY(!cli({QStringLiteral("profiles")}).out.contains("leaky"));
        // Without one, the same string is taken (and fails later, on the connection, not here).
        const Run plain = cli({QStringLiteral("create"), QStringLiteral("--repository"), m_repository, QStringLiteral("--db"),
                               QStringLiteral("host=127.0.0.1 port=1 dbname=shop")});
        QVERIFY2(!plain.err.contains(QStringLiteral("--db holds a password")), qPrintable(plain.err));
    }

    void helpForEachCommand()
    {
        const Run general = cli({QStringLiteral("--help")});
        QCOMPARE(general.status, 0);
        QVERIFY(general.out.contains("list"));
        QVERIFY(general.out.contains("profiles"));
        const Run list = cli({QStringLiteral("list"), QStringLiteral("--help")});
        QCOMPARE(list.status, 0);
        QVERIFY(list.out.startsWith("Usage: coffre-cli [global options] list"));
        QVERIFY(list.out.contains("--json"));
        QVERIFY(list.out.contains("--repository"));
    }

    // The man pages and the completion come from the same table as --help (CliManual); the
    // packages test checks the installed page against every command's --help.
    void manPageAndCompletionFollowTheCommands()
    {
        const Run man = cli({QStringLiteral("--man")});
        QCOMPARE(man.status, 0);
        QVERIFY(man.out.startsWith(".\\\" Generated by"));
        QVERIFY(man.out.contains(".TH COFFRE\\-CLI 1"));
        QVERIFY(man.out.contains(".SS \"restore \\fINAME\\fR\""));
        QVERIFY(man.out.contains("\\fB\\-\\-dry\\-run\\fR"));
        QVERIFY(man.out.contains(".SH EXIT STATUS\n.TP\n\\fB0\\fR\n"));
        const Run window = cli({QStringLiteral("--man"), QStringLiteral("coffre")});
        QCOMPARE(window.status, 0);
        QVERIFY(window.out.contains("\\fB\\-\\-screenshot\\fR \\fIfile\\fR"));
        const Run completion = cli({QStringLiteral("--completion"), QStringLiteral("bash")});
        QCOMPARE(completion.status, 0);
        QVERIFY(completion.out.contains("prune) options='--dry-run"));
        QVERIFY(completion.out.contains("complete -o default -F _coffre_cli coffre-cli"));
        QCOMPARE(cli({QStringLiteral("--completion"), QStringLiteral("zsh")}).status, 2);
    }

    void infoTellsWhatTheManifestSays()
    {
        const Run text = cli({QStringLiteral("info"), QStringLiteral("backup_20261120_020000"), QStringLiteral("--repository"), m_repository});
        QCOMPARE(text.status, 0);
        QVERIFY(text.out.contains("public.orders: 10,000"));
        QVERIFY(text.out.contains("sources/backend.tar.zst"));
        const Run json = cli({QStringLiteral("info"), QStringLiteral("backup_20261120_020000"), QStringLiteral("--json"),
                              QStringLiteral("--repository"), m_repository});
        const QJsonObject manifest = QJsonDocument::fromJson(json.out).object()[QStringLiteral("manifest")].toObject();
        QCOMPARE(manifest[QStringLiteral("format")].toInt(), 1);
        QCOMPARE(manifest[QStringLiteral("database")][QStringLiteral("tables")].toArray().size(), 2);
        const Run damaged = cli({QStringLiteral("info"), QStringLiteral("backup_20261119_020000"), QStringLiteral("--repository"), m_repository});
        QCOMPARE(damaged.status, 0);
        QVERIFY(damaged.out.contains("damaged"));
        QCOMPARE(cli({QStringLiteral("info"), QStringLiteral("nope"), QStringLiteral("--repository"), m_repository}).status, 1);
    }

    void deleteNeedsYesWithoutATerminal()
    {
        const QString repository = m_home.filePath(QStringLiteral("repo-delete"));
        test::BundleSpec spec;
        spec.name = QStringLiteral("old");
        test::writeCompleteBundle(repository, spec);
        QDir().mkpath(repository + QStringLiteral("/notes"));
        QFile(repository + QStringLiteral("/notes/todo.txt")).open(QIODevice::WriteOnly);
        const QStringList target{QStringLiteral("--repository"), repository};
        QCOMPARE(cli(QStringList{QStringLiteral("delete"), QStringLiteral("old")} + target).status, 2);
        QVERIFY(QFileInfo::exists(repository + QStringLiteral("/old")));
        const Run refused = cli(QStringList{QStringLiteral("delete"), QStringLiteral("notes"), QStringLiteral("--yes")} + target);
        QCOMPARE(refused.status, 1);
        QVERIFY(refused.err.contains(QStringLiteral("not a Coffre backup")));
        const Run deleted = cli(QStringList{QStringLiteral("delete"), QStringLiteral("old"), QStringLiteral("--yes")} + target);
        QCOMPARE(deleted.status, 0);
        QVERIFY(!QFileInfo::exists(repository + QStringLiteral("/old")));
        QVERIFY(QFileInfo::exists(repository + QStringLiteral("/notes/todo.txt")));
    }

    void pruneSaysThenRemovesExactlyThatAndSparesPins()
    {
        const QString repository = m_home.filePath(QStringLiteral("prune-repo"));
        for (int i = 0; i < 6; ++i) {
            const QDateTime created = QDateTime(QDate(2026, 11, 20 + i), QTime(2, 0), QTimeZone::utc());
            test::writeCompleteBundle(repository, {QStringLiteral("backup_202611%1_020000").arg(20 + i), created, 100});
        }
        QCOMPARE(cli({QStringLiteral("--repository"), repository, QStringLiteral("pin"), QStringLiteral("backup_20261120_020000")}).status, 0);
        const QStringList keep{QStringLiteral("--keep-last"), QStringLiteral("2"), QStringLiteral("--keep-minimum"), QStringLiteral("1")};
        const Run dry = cli(QStringList{QStringLiteral("--repository"), repository, QStringLiteral("prune"), QStringLiteral("--dry-run"),
                                        QStringLiteral("--json")} + keep);
        QCOMPARE(dry.status, 0);
        const QJsonArray planned = QJsonDocument::fromJson(dry.out).object()[QLatin1String("removed")].toArray();
        QCOMPARE(planned.size(), 3); // 6, less the last 2, less the pinned one
        QCOMPARE(QDir(repository).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), 6);
        const Run real = cli(QStringList{QStringLiteral("--repository"), repository, QStringLiteral("prune")} + keep);
        QVERIFY2(real.status == 0, qPrintable(real.err));
        QVERIFY(real.out.contains("3 backups removed"));
        QCOMPARE(QDir(repository).entryList(QDir::Dirs | QDir::NoDotAndDotDot),
                 (QStringList{QStringLiteral("backup_20261120_020000"), QStringLiteral("backup_20261124_020000"),
                              QStringLiteral("backup_20261125_020000")}));
        const Run none = cli({QStringLiteral("--repository"), repository, QStringLiteral("prune")});
        QCOMPARE(none.status, 0);
        QVERIFY(none.out.contains("every backup stays"));
    }

    void doesNotLinkQtWidgets()
    {
        QProcess ldd;
        ldd.start(QStringLiteral("ldd"), {QStringLiteral(COFFRE_CLI)});
        QVERIFY(ldd.waitForFinished());
        const QByteArray libraries = ldd.readAllStandardOutput();
        QVERIFY(libraries.contains("libQt6Core"));
        QVERIFY(!libraries.contains("libQt6Widgets"));
        QVERIFY(!libraries.contains("libQt6Gui"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
