// Code and database in step (issue 12): a backup records the Prisma migrations of the database
// (_prisma_migrations, as Prisma writes it) and of the tree; restoring only one of the two when
// they disagree says so before OUI (the preview the window and the CLI show).
#include "PgFixture.h"
#include "TestBundles.h"
#include "jobs/BackupJob.h"
#include "jobs/RestorePreview.h"
#include "postgres/PrismaMigrations.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace coffre;

namespace {

const QString Db = QStringLiteral("prisma_shop");

void writeFile(const QString& path, const QByteArray& content)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    file.write(content);
}

// The table as `prisma migrate deploy` creates it, and one applied migration per name.
QStringList applied(const QStringList& names, bool createTable)
{
    QStringList sql;
    if (createTable)
        sql << QStringLiteral(
            "create table \"_prisma_migrations\" (id varchar(36) primary key, checksum varchar(64) not null, "
            "finished_at timestamptz, migration_name varchar(255) not null, logs text, rolled_back_at timestamptz, "
            "started_at timestamptz not null default now(), applied_steps_count integer not null default 0)");
    for (const QString& name : names)
        sql << QStringLiteral("insert into _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) "
                              "values (gen_random_uuid()::text, md5('%1'), now(), '%1', 1)")
                   .arg(name);
    return sql;
}

} // namespace

class TestPrisma : public QObject
{
    Q_OBJECT

    QTemporaryDir m_work;
    Profile m_profile;
    Backup m_backup;

    QString backend() const { return m_work.filePath(QStringLiteral("app/backend")); }

    QString preview(bool database, bool folder)
    {
        RestoreRequest request;
        request.profile = m_profile;
        request.backup = m_backup;
        request.database = database;
        if (folder)
            request.sources = {QStringLiteral("backend")};
        return RestorePreview::describePrisma(request, QString()).join(u'\n');
    }

private slots:
    void initTestCase()
    {
        if (!test::hasFixture())
            QSKIP("no PostgreSQL fixture");
        QVERIFY(test::recreateDatabase(Db));
        QVERIFY(test::execSql(Db, applied({QStringLiteral("20250101_init"), QStringLiteral("20250301_orders")}, true)));
        // A migration that failed and was rolled back is not applied.
        QVERIFY(test::execSql(Db, {QStringLiteral("insert into _prisma_migrations (id, checksum, migration_name, rolled_back_at) "
                                                  "values ('x', 'y', '20250201_failed', now())")}));
        for (const char* name : {"20250101_init", "20250301_orders"})
            writeFile(backend() + QStringLiteral("/prisma/migrations/%1/migration.sql").arg(QLatin1String(name)), "-- sql\n");
        writeFile(backend() + QStringLiteral("/prisma/migrations/migration_lock.toml"), "provider = \"postgresql\"\n");
        writeFile(backend() + QStringLiteral("/prisma/schema.prisma"), "model Order {}\n");
        m_profile.name = QStringLiteral("prisma");
        m_profile.database = test::fixtureDatabase(Db);
        m_profile.sources = {{QStringLiteral("backend"), backend()}};
        m_profile.repository = m_work.filePath(QStringLiteral("backups"));
        BackupRequest request;
        request.profile = m_profile;
        JobControl control;
        const Result<Backup> made = BackupJob::run(request, control);
        QVERIFY2(made, qPrintable(made ? QString() : made.error().toLogString()));
        m_backup = *made;
    }

    void backupRecordsBothSides()
    {
        const QStringList both{QStringLiteral("20250101_init"), QStringLiteral("20250301_orders")};
        QCOMPARE(m_backup.manifest->database->prismaMigrations, std::optional<QStringList>(both));
        QCOMPARE(m_backup.manifest->sources.first().prismaMigrations, std::optional<QStringList>(both));
        // A tree without Prisma records nothing (not an empty list).
        QCOMPARE(PrismaMigrations::inTree(m_work.filePath(QStringLiteral("backups"))), std::nullopt);
        // A monorepo's migrations two folders down are found.
        QCOMPARE(PrismaMigrations::inTree(m_work.path()), std::optional<QStringList>(both));
    }

    void inStepNothingIsSaid()
    {
        QCOMPARE(preview(true, false), QString());
        QCOMPARE(preview(false, true), QString());
        QCOMPARE(preview(true, true), QString());
    }

    // A deploy since the backup: the code and the database both moved on to 20250401_coupons.
    void restoringOneSideAloneWarns()
    {
        writeFile(backend() + QStringLiteral("/prisma/migrations/20250401_coupons/migration.sql"), "-- sql\n");
        QVERIFY(test::execSql(Db, applied({QStringLiteral("20250401_coupons")}, false)));

        const QString databaseOnly = preview(true, false);
        QVERIFY2(databaseOnly.contains(QStringLiteral("will not match the code")), qPrintable(databaseOnly));
        QVERIFY2(databaseOnly.contains(QStringLiteral("not applied in the database: 20250401_coupons")), qPrintable(databaseOnly));

        const QString folderOnly = preview(false, true);
        QVERIFY2(folderOnly.contains(QStringLiteral("will not match the database")), qPrintable(folderOnly));
        QVERIFY2(folderOnly.contains(QStringLiteral("applied in the database not in the code: 20250401_coupons")), qPrintable(folderOnly));

        QCOMPARE(preview(true, true), QString()); // both go back together: in step
    }

    // The backup itself was taken mid-deploy: said when both are restored.
    void aBackupTakenMidDeploySaysSo()
    {
        Manifest forged = *m_backup.manifest;
        forged.sources.first().prismaMigrations->append(QStringLiteral("20250401_coupons"));
        const Backup saved = m_backup;
        m_backup.manifest = std::make_shared<const Manifest>(forged);
        const QString both = preview(true, true);
        m_backup = saved;
        QVERIFY2(both.contains(QStringLiteral("already disagree")), qPrintable(both));
    }

    void cleanupTestCase() { test::execSql(QStringLiteral("postgres"), {QStringLiteral("drop database if exists %1").arg(Db)}); }
};

QTEST_GUILESS_MAIN(TestPrisma)
#include "tst_prisma.moc"
