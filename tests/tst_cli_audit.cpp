#include "PgFixture.h"
#include "TestBundles.h"
#include "profile/ProfileStore.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace coffre;

// `coffre-cli log` after real runs of coffre-cli: every create, delete, restore, undo, export
// and import is a line with its outcome; the filters keep what was asked.
class TestCliAudit : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;
    QString m_repository, m_source;

    test::CliRun cli(const QStringList& arguments) const
    {
        return test::runCli(QStringLiteral(COFFRE_CLI), arguments, m_home.filePath(QStringLiteral("config")));
    }

    QJsonArray log(const QStringList& filters = {}) const
    {
        const test::CliRun run = cli(QStringList{QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("log"),
                                                 QStringLiteral("--json")} + filters);
        if (run.status != 0)
            qWarning("%s", qPrintable(run.err));
        return QJsonDocument::fromJson(run.out).array();
    }

    static QStringList column(const QJsonArray& lines, const QString& key)
    {
        QStringList values;
        for (const QJsonValue& line : lines)
            values << line[key].toString();
        return values;
    }

private slots:
    void initTestCase()
    {
        if (!test::hasFixture())
            QSKIP("PGHOST is not set: run through ctest, which starts the PostgreSQL fixture");
        QVERIFY(test::recreateDatabase(QStringLiteral("audit_db")));
        QVERIFY(test::execSql(QStringLiteral("audit_db"), {QStringLiteral("create table t as select generate_series(1, 1000) i")}));
        m_source = m_home.filePath(QStringLiteral("app"));
        m_repository = m_home.filePath(QStringLiteral("backups"));
        test::writeSampleTree(m_source);
        const test::CliRun saved = cli({QStringLiteral("--repository"), m_repository, QStringLiteral("--db"),
                                        QStringLiteral("host=%1 port=%2 user=postgres dbname=audit_db")
                                            .arg(qEnvironmentVariable("PGHOST"), qEnvironmentVariable("PGPORT")),
                                        QStringLiteral("--source"), QStringLiteral("app=") + m_source, QStringLiteral("save-profile"),
                                        QStringLiteral("shop")});
        QVERIFY2(saved.status == 0, qPrintable(saved.err));
    }

    void everyActionIsALineWithItsOutcome()
    {
        const test::CliRun first = cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("create"), QStringLiteral("--scheduled")});
        QVERIFY2(first.status == 0, qPrintable(first.err));
        const QString kept = QString::fromUtf8(first.out.trimmed());
        const test::CliRun second = cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("create"), QStringLiteral("--name"),
                                         QStringLiteral("to_delete")});
        QCOMPARE(second.status, 0);
        // A database that does not answer: the run fails, and says so in the log.
        const test::CliRun failing = cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("--db"),
                                          QStringLiteral("host=127.0.0.1 port=1 dbname=nope connect_timeout=2"), QStringLiteral("create")});
        QCOMPARE(failing.status, 1);
        QCOMPARE(cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("delete"), QStringLiteral("to_delete"),
                      QStringLiteral("--yes")}).status, 0);
        const test::CliRun restored = cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("restore"), kept,
                                           QStringLiteral("--only"), QStringLiteral("app"), QStringLiteral("--confirm"), QStringLiteral("OUI")});
        QVERIFY2(restored.status == 0, qPrintable(restored.err));
        QCOMPARE(cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("undo-restore")}).status, 0);
        const QString tar = m_home.filePath(QStringLiteral("out.tar"));
        QCOMPARE(cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("export"), kept, QStringLiteral("--to"), tar}).status, 0);
        const QString other = m_home.filePath(QStringLiteral("other"));
        QVERIFY(QDir().mkpath(other));
        QCOMPARE(cli({QStringLiteral("--repository"), other, QStringLiteral("import"), tar}).status, 0);

        const QJsonArray lines = log();
        QCOMPARE(column(lines, QStringLiteral("action")),
                 (QStringList{u"create"_qs, u"create"_qs, u"create"_qs, u"delete"_qs, u"restore"_qs, u"undo"_qs, u"export"_qs}));
        QCOMPARE(column(lines, QStringLiteral("outcome")),
                 (QStringList{u"ok"_qs, u"ok"_qs, u"failed"_qs, u"ok"_qs, u"ok"_qs, u"ok"_qs, u"ok"_qs}));
        QCOMPARE(column(lines, QStringLiteral("backup")),
                 (QStringList{kept, u"to_delete"_qs, QString(), u"to_delete"_qs, kept, kept, kept}));
        QCOMPARE(lines[0][QStringLiteral("kind")].toString(), QStringLiteral("scheduled"));
        QCOMPARE(lines[1][QStringLiteral("kind")].toString(), QStringLiteral("manual"));
        QVERIFY(lines[0][QStringLiteral("bytes")].toInteger() > 0);
        QCOMPARE(lines[3][QStringLiteral("bytes")].toInteger(), lines[1][QStringLiteral("bytes")].toInteger()); // what the delete freed
        QVERIFY(lines[2][QStringLiteral("message")].toString().contains(QStringLiteral("127.0.0.1")));
        for (const QJsonValue& line : lines) {
            QCOMPARE(line[QStringLiteral("profile")].toString(), QStringLiteral("shop"));
            QVERIFY(!line[QStringLiteral("user")].toString().isEmpty());
            QVERIFY(!line[QStringLiteral("host")].toString().isEmpty());
            QVERIFY(line[QStringLiteral("duration_ms")].toInteger() >= 0);
        }
        // The import is in the log of the repository it went into.
        const test::CliRun imported = cli({QStringLiteral("--repository"), other, QStringLiteral("log"), QStringLiteral("--json")});
        const QJsonArray there = QJsonDocument::fromJson(imported.out).array();
        QCOMPARE(column(there, QStringLiteral("action")), QStringList{u"import"_qs});
        QCOMPARE(there[0][QStringLiteral("backup")].toString(), kept);
    }

    void filtersKeepWhatWasAsked()
    {
        QCOMPARE(column(log({QStringLiteral("--action"), QStringLiteral("delete")}), QStringLiteral("action")), QStringList{u"delete"_qs});
        QCOMPARE(log({QStringLiteral("--action"), QStringLiteral("create,undo")}).size(), 4);
        QCOMPARE(column(log({QStringLiteral("--outcome"), QStringLiteral("failed")}), QStringLiteral("action")), QStringList{u"create"_qs});
        QCOMPARE(log({QStringLiteral("--since"), QStringLiteral("1h")}).size(), 7);
        QCOMPARE(log({QStringLiteral("--since"), QStringLiteral("today")}).size(), 7);
        QCOMPARE(log({QStringLiteral("--since"), QDate::currentDate().addDays(1).toString(Qt::ISODate)}).size(), 0);
        const test::CliRun bad = cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("log"), QStringLiteral("--since"),
                                      QStringLiteral("last tuesday")});
        QCOMPARE(bad.status, 2);

        const test::CliRun text = cli({QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("log")});
        QCOMPARE(text.status, 0);
        QVERIFY(text.out.startsWith("TIME"));
        QVERIFY(text.out.contains("create (scheduled)"));
        QVERIFY(text.out.contains("failed"));
    }
};

QTEST_GUILESS_MAIN(TestCliAudit)
#include "tst_cli_audit.moc"
