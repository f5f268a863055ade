#include "PgFixture.h"
#include "jobs/BackupJob.h"
#include "jobs/RestoreJob.h"
#include "postgres/DatabaseNames.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace coffre;

// Database names a restore makes, with names PostgreSQL finds hard: quotes, spaces, accents,
// and names so long that "<db>_before_restore_<stamp>" does not fit in 63 bytes.
class TestRestoreNames : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_work;

    // A name of exactly `bytes` bytes of UTF-8 with accents throughout, so that a cut can fall mid-character.
    static QString nameOfBytes(const QString& start, int bytes)
    {
        QString name = start;
        while (name.toUtf8().size() + 2 <= bytes)
            name += QStringLiteral("é");
        while (name.toUtf8().size() < bytes)
            name += u'x';
        return name;
    }

    static QString quoted(const QString& name)
    {
        Result<PgConnection> c = PgConnection::open(test::fixtureDatabase(QStringLiteral("postgres")));
        return c ? c.value().quoteIdentifier(name) : QString();
    }

    static QString rows(const QString& db) { return test::sqlScalar(db, QStringLiteral("select count(*) from t")); }

    static QString oidOf(const QString& db)
    {
        Result<PgConnection> c = PgConnection::open(test::fixtureDatabase(QStringLiteral("postgres")));
        Result<QString> oid =
            c.value().scalar(QStringLiteral("select oid from pg_database where datname::text = $1"), {db});
        return oid ? *oid : QStringLiteral("<error>");
    }

    static QStringList databasesLike(const QString& prefix)
    {
        Result<PgConnection> c = PgConnection::open(test::fixtureDatabase(QStringLiteral("postgres")));
        Result<QList<QStringList>> found = c.value().query(
            QStringLiteral("select datname from pg_database where starts_with(datname::text, $1) order by 1"),
            {prefix});
        QStringList names;
        for (const QStringList& row : found ? *found : QList<QStringList>())
            names << row.first();
        return names;
    }

    struct Target
    {
        Profile profile;
        Backup backup;
    };

    // A database of 300 rows under `name`, backed up, then cut to 100 rows.
    Target makeTarget(const QString& name, const QString& folder)
    {
        Target target;
        const QString db = quoted(name);
        if (!test::execSql(QStringLiteral("postgres"),
                           {QStringLiteral("drop database if exists %1 with (force)").arg(db),
                            QStringLiteral("create database %1").arg(db)}) ||
            !test::execSql(name, {QStringLiteral("create table t as select generate_series(1, 300) i")}))
            qFatal("cannot create the database");
        target.profile.name = folder;
        target.profile.database = test::fixtureDatabase(name);
        target.profile.repository = m_work.filePath(folder);
        QDir().mkpath(target.profile.repository);
        BackupRequest request;
        request.profile = target.profile;
        request.includeSources = false;
        request.name = QStringLiteral("full");
        JobControl control;
        Result<Backup> backup = BackupJob::run(request, control);
        if (!backup)
            qFatal("backup failed: %s", qPrintable(backup.error().toLogString()));
        target.backup = *backup;
        test::execSql(name, {QStringLiteral("delete from t where i > 100")});
        return target;
    }

    static Result<RestoreOutcome> restore(const Target& target)
    {
        RestoreRequest request;
        request.profile = target.profile;
        request.backup = target.backup;
        JobControl control;
        return RestoreJob::run(request, control);
    }

    static void checkNames(const RestoreJournal& j, const QString& live)
    {
        for (const QString& name : {j.databaseRestored, j.databaseBefore}) {
            QVERIFY2(name.toUtf8().size() <= 63, qPrintable(name));
            QVERIFY(name != live);
            QCOMPARE(QString::fromUtf8(name.toUtf8()), name); // whole characters only
        }
        QVERIFY(j.databaseRestored != j.databaseBefore);
    }

private slots:
    void initTestCase()
    {
        if (!test::hasFixture())
            QSKIP("PGHOST is not set: run through ctest, which starts the PostgreSQL fixture");
    }

    void generatedNamesFitAndKeepTheirDifferences()
    {
        const QString stamp = QStringLiteral("20261201_120000");
        for (const int bytes : {47, 62, 63}) {
            const QString live = nameOfBytes(QStringLiteral("très long nom "), bytes);
            QCOMPARE(live.toUtf8().size(), bytes);
            const QString before = DatabaseNames::derived(live, QStringLiteral("before_restore_") + stamp);
            QVERIFY2(before.toUtf8().size() <= 63, qPrintable(before));
            QVERIFY(before != live);
            QVERIFY(before.endsWith(QStringLiteral("_before_restore_") + stamp));
            QVERIFY(before.startsWith(QStringLiteral("très long nom ")));
            QVERIFY(!before.contains(QChar::ReplacementCharacter));
            // Another stamp, another name; another long name with the same start, another name.
            QVERIFY(before != DatabaseNames::derived(live, QStringLiteral("before_restore_20261201_120001")));
            QVERIFY(before != DatabaseNames::derived(live + u'z', QStringLiteral("before_restore_") + stamp));
        }
        QCOMPARE(DatabaseNames::derived(QStringLiteral("shop"), QStringLiteral("undone_") + stamp),
                 QStringLiteral("shop_undone_") + stamp);
        QStringList taken{QStringLiteral("shop_undone_") + stamp};
        QCOMPARE(DatabaseNames::unused(QStringLiteral("shop"), QStringLiteral("undone_") + stamp,
                                       [&taken](const QString& name) { return taken.contains(name); }),
                 QStringLiteral("shop_undone_") + stamp + QStringLiteral("_2"));
    }

    void restoreTwiceUndoAndRecover_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("quotes and accents") << QStringLiteral("l'été \"prod\"");
        QTest::newRow("spaces") << QStringLiteral("my shop db");
        QTest::newRow("47 bytes") << nameOfBytes(QStringLiteral("quarante-sept "), 47);
        QTest::newRow("63 bytes") << nameOfBytes(QStringLiteral("soixante-trois "), 63);
    }

    void restoreTwiceUndoAndRecover()
    {
        QFETCH(QString, name);
        const Target target = makeTarget(name, QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'_'));
        const QString liveOid = oidOf(name);

        // Twice in a row, within the same second or not: two sets of names, the live one never among them.
        const Result<RestoreOutcome> first = restore(target);
        QVERIFY2(first.ok(), qPrintable(first.error().toLogString()));
        checkNames(first->journal, name);
        QCOMPARE(rows(name), QStringLiteral("300"));
        QCOMPARE(oidOf(first->journal.databaseBefore), liveOid);
        test::execSql(name, {QStringLiteral("delete from t where i > 200")});
        const QString secondLiveOid = oidOf(name);
        const Result<RestoreOutcome> second = restore(target);
        QVERIFY2(second.ok(), qPrintable(second.error().toLogString()));
        checkNames(second->journal, name);
        QVERIFY(second->journal.databaseBefore != first->journal.databaseBefore);
        // (The first restore's temporary name was freed when it took the live name: it may come again.)
        QCOMPARE(rows(name), QStringLiteral("300"));
        QCOMPARE(rows(first->journal.databaseBefore), QStringLiteral("100"));
        QCOMPARE(rows(second->journal.databaseBefore), QStringLiteral("200"));

        // Undo puts the state before the second restore back; the restored one is kept aside.
        const QString restoredOid = oidOf(name);
        JobControl control;
        const Result<RestoreJournal> undone = RestoreJob::undo(target.profile, {}, control);
        QVERIFY2(undone.ok(), qPrintable(undone.error().toLogString()));
        QCOMPARE(oidOf(name), secondLiveOid);
        QCOMPARE(rows(name), QStringLiteral("200"));
        QVERIFY(undone->databaseUndone.toUtf8().size() <= 63 && undone->databaseUndone != name);
        QCOMPARE(oidOf(undone->databaseUndone), restoredOid);

        // A restore killed mid-swap is put back at the next start.
        const Result<RestoreOutcome> third = restore(target);
        QVERIFY2(third.ok(), qPrintable(third.error().toLogString()));
        RestoreJournal journal = third->journal;
        journal.state = QStringLiteral("swapping");
        QVERIFY(journal.write(target.profile.repository + QStringLiteral("/.coffre-restore.json")).ok());
        const QString report = RestoreJob::recover(target.profile, {});
        QVERIFY2(report.contains(QStringLiteral("previous state was put back")), qPrintable(report));
        QCOMPARE(oidOf(name), secondLiveOid);
        QCOMPARE(rows(name), QStringLiteral("200"));
    }

    void recoveryNeverDropsTheLiveDatabase()
    {
        // The journal an older Coffre wrote for a 63-byte name: PostgreSQL cut
        // "<db>_restoring_<stamp>" back to "<db>", so the name it recorded means the live database.
        const QString name = nameOfBytes(QStringLiteral("soixante-trois vivant "), 63);
        const Target target = makeTarget(name, QStringLiteral("legacy"));
        const QString liveOid = oidOf(name);
        RestoreJournal journal;
        journal.stamp = QStringLiteral("20260101_000000");
        journal.backup = target.backup.name;
        journal.state = QStringLiteral("staging");
        journal.database = name;
        journal.databaseBefore = name + QStringLiteral("_before_restore_") + journal.stamp;
        journal.databaseRestored = name + QStringLiteral("_restoring_") + journal.stamp;
        QVERIFY(journal.write(target.profile.repository + QStringLiteral("/.coffre-restore.json")).ok());
        RestoreJob::recover(target.profile, {});
        QCOMPARE(oidOf(name), liveOid);
        QCOMPARE(rows(name), QStringLiteral("100"));

        // A journal naming the live database as the one Coffre created: left alone.
        journal.databaseRestored = name;
        journal.restoredOid = liveOid.toUInt();
        QVERIFY(journal.write(target.profile.repository + QStringLiteral("/.coffre-restore.json")).ok());
        RestoreJob::recover(target.profile, {});
        QCOMPARE(oidOf(name), liveOid);
        QCOMPARE(rows(name), QStringLiteral("100"));

        // A journal naming another database than the one it created (another OID): left alone too.
        QVERIFY(test::recreateDatabase(QStringLiteral("someone else's")));
        const QString otherOid = oidOf(QStringLiteral("someone else's"));
        journal.databaseRestored = QStringLiteral("someone else's");
        journal.restoredOid = otherOid.toUInt() + 1;
        QVERIFY(journal.write(target.profile.repository + QStringLiteral("/.coffre-restore.json")).ok());
        RestoreJob::recover(target.profile, {});
        QCOMPARE(oidOf(QStringLiteral("someone else's")), otherOid);
        // With its OID, it is Coffre's: dropped.
        journal.restoredOid = otherOid.toUInt();
        QVERIFY(journal.write(target.profile.repository + QStringLiteral("/.coffre-restore.json")).ok());
        RestoreJob::recover(target.profile, {});
        QCOMPARE(oidOf(QStringLiteral("someone else's")), QString());
        QCOMPARE(oidOf(name), liveOid);
    }
};

QTEST_GUILESS_MAIN(TestRestoreNames)
#include "tst_restorenames.moc"
