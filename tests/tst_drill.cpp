// Restore drills against the real PostgreSQL fixture: a good backup is proven restorable and
// nothing is left behind; a damaged dump, or a manifest whose row counts lie, fails the drill.
#include "PgFixture.h"
#include "TestBundles.h"
#include "catalog/Catalog.h"
#include "catalog/ManifestParser.h"
#include "catalog/ManifestWriter.h"
#include "drill/DrillJob.h"
#include "jobs/BackupJob.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace coffre;

class TestDrill : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    Profile m_profile;

    Backup makeBackup(const QString& name)
    {
        BackupRequest request;
        request.profile = m_profile;
        request.name = name;
        JobControl control;
        const Result<Backup> backup = BackupJob::run(request, control);
        if (!backup)
            qFatal("%s", qPrintable(backup.error().toLogString()));
        return *backup;
    }

    QString scratchDatabases() const
    {
        return test::sqlScalar(QStringLiteral("postgres"), QStringLiteral("select count(*) from pg_database where datname like 'coffre_drill_%'"));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(test::recreateDatabase(QStringLiteral("drill_src")));
        QVERIFY(test::execSql(QStringLiteral("drill_src"), {QStringLiteral("create table orders(id int primary key, item text)"),
                                                            QStringLiteral("insert into orders select g, 'item ' || g from generate_series(1, 100) g")}));
        const QString app = m_dir.filePath(QStringLiteral("app"));
        test::writeSampleTree(app);
        m_profile.name = QStringLiteral("drill");
        m_profile.database = test::fixtureDatabase(QStringLiteral("drill_src"));
        m_profile.sources = {{QStringLiteral("app"), app}};
        m_profile.repository = m_dir.filePath(QStringLiteral("backups"));
    }

    void goodBackupIsProvenAndNothingIsLeft()
    {
        const Backup backup = makeBackup(QStringLiteral("good"));
        JobControl control;
        const Result<DrillResult> drilled = DrillJob::run(m_profile, backup, {}, control);
        QVERIFY2(drilled.ok(), qPrintable(drilled.error().toLogString()));
        QCOMPARE(drilled->tables, 1);
        QCOMPARE(drilled->rows, 100);
        QCOMPARE(drilled->sourceFiles, backup.manifest->sources.first().fileCount);
        QCOMPARE(scratchDatabases(), QStringLiteral("0"));
        const auto scan = Catalog::scan(m_profile.repository);
        QVERIFY(scan->backups.first().provenRestorable.isValid());
        // The live database was never touched.
        QCOMPARE(test::sqlScalar(QStringLiteral("drill_src"), QStringLiteral("select count(*) from orders")), QStringLiteral("100"));

        // From the command line too, on the newest backup.
        const QStringList target{QStringLiteral("--repository"), m_profile.repository, QStringLiteral("--db"),
                                 QStringLiteral("dbname=drill_src host=%1 port=%2").arg(qEnvironmentVariable("PGHOST"), qEnvironmentVariable("PGPORT"))};
        const test::CliRun run = test::runCli(QStringLiteral(COFFRE_CLI), target + QStringList{QStringLiteral("drill"), QStringLiteral("--latest"), QStringLiteral("--json")},
                                              m_dir.filePath(QStringLiteral("config")));
        QVERIFY2(run.status == 0, qPrintable(run.err));
        QCOMPARE(QJsonDocument::fromJson(run.out).object()[QLatin1String("rows")].toInteger(), 100);
        const test::CliRun list = test::runCli(QStringLiteral(COFFRE_CLI), target + QStringList{QStringLiteral("list")},
                                               m_dir.filePath(QStringLiteral("config")));
        QVERIFY2(list.out.contains("complete, proven"), list.out.constData());
    }

    void damagedDumpFailsTheDrill()
    {
        const Backup backup = makeBackup(QStringLiteral("damaged_dump"));
        QFile dump(QDir(backup.path).filePath(backup.manifest->database->file));
        QVERIFY(dump.open(QIODevice::ReadWrite));
        dump.seek(dump.size() / 2);
        dump.write("XXXX");
        dump.close();
        JobControl control;
        const Result<DrillResult> drilled = DrillJob::run(m_profile, backup, {}, control);
        QVERIFY(!drilled.ok());
        QVERIFY2(drilled.error().message.contains(QLatin1String("damaged_dump")), qPrintable(drilled.error().message));
        QCOMPARE(scratchDatabases(), QStringLiteral("0"));
        const auto scan = Catalog::scan(m_profile.repository);
        for (const Backup& b : scan->backups)
            if (b.name == u"damaged_dump")
                QVERIFY(!b.provenRestorable.isValid());
    }

    void rowCountsThatDisagreeFailTheDrill()
    {
        const Backup backup = makeBackup(QStringLiteral("lying_manifest"));
        Manifest manifest = *backup.manifest;
        manifest.database->tables.first().rows = 99; // not what the dump holds
        QVERIFY(ManifestWriter::writeToBundle(manifest, backup.path).ok());
        JobControl control;
        const Result<DrillResult> drilled = DrillJob::run(m_profile, Catalog::inspect(m_profile.repository, QStringLiteral("lying_manifest")), {}, control);
        QVERIFY(!drilled.ok());
        QVERIFY2(drilled.error().message.contains(QLatin1String("99")), qPrintable(drilled.error().message));
        QCOMPARE(scratchDatabases(), QStringLiteral("0"));
    }
};

QTEST_GUILESS_MAIN(TestDrill)
#include "tst_drill.moc"
