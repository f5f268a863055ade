#include "TestBundles.h"
#include "catalog/Catalog.h"
#include "catalog/CatalogWatcher.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QDirIterator>
#include <QTest>

#include <unistd.h>

using namespace coffre;

class TestCatalog : public QObject
{
    Q_OBJECT

private:
    static const Backup* find(const RepositoryScan& scan, const QString& name)
    {
        for (const Backup& backup : scan.backups) {
            if (backup.name == name)
                return &backup;
        }
        return nullptr;
    }

    static qint64 bytesOnDisk(const QString& dir)
    {
        qint64 total = 0;
        QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext())
            total += QFileInfo(it.next()).size();
        return total;
    }

private slots:
    void initTestCase() { qRegisterMetaType<RepositoryScan>(); }

    void completeIncompleteAndDamaged()
    {
        QTemporaryDir repo;
        test::BundleSpec spec;
        spec.name = QStringLiteral("backup_20261120_020000");
        spec.created = QDateTime(QDate(2026, 11, 20), QTime(2, 0), Qt::UTC);
        spec.kind = BackupKind::Scheduled;
        const QString completeDir = test::writeCompleteBundle(repo.path(), spec);
        test::writeIncompleteBundle(repo.path(), QStringLiteral("backup_20261121_020000"), 777);
        test::writeDamagedBundle(repo.path(), QStringLiteral("backup_20261119_020000"));

        const Result<RepositoryScan> scan = Catalog::scan(repo.path());
        QVERIFY(scan.ok());
        QCOMPARE(scan->backups.size(), 3);

        const Backup* complete = find(*scan, spec.name);
        QVERIFY(complete);
        QCOMPARE(complete->status, BackupStatus::Complete);
        QCOMPARE(complete->created, spec.created);
        QCOMPARE(complete->kind(), BackupKind::Scheduled);
        QCOMPARE(complete->sizeBytes, bytesOnDisk(completeDir));
        QCOMPARE(complete->components(), QStringList({QStringLiteral("database"), QStringLiteral("source:backend"),
                                                      QStringLiteral("source:frontend")}));

        const Backup* incomplete = find(*scan, QStringLiteral("backup_20261121_020000"));
        QVERIFY(incomplete);
        QCOMPARE(incomplete->status, BackupStatus::Incomplete);
        QCOMPARE(incomplete->sizeBytes, 777);
        QVERIFY(!incomplete->kind().has_value());
        QVERIFY(incomplete->created.isValid());

        const Backup* damaged = find(*scan, QStringLiteral("backup_20261119_020000"));
        QVERIFY(damaged);
        QCOMPARE(damaged->status, BackupStatus::Damaged);
        QVERIFY2(damaged->problem.contains(QStringLiteral("not valid JSON")), qPrintable(damaged->problem));

        QCOMPARE(scan->totalBytes, complete->sizeBytes + incomplete->sizeBytes + damaged->sizeBytes);
        QVERIFY(scan->disk.valid);
        QVERIFY(scan->disk.availableBytes > 0);
    }

    void missingOrTruncatedFileIsDamaged()
    {
        QTemporaryDir repo;
        test::BundleSpec spec;
        spec.name = QStringLiteral("lost_file");
        const QString dir = test::writeCompleteBundle(repo.path(), spec);
        QVERIFY(QFile::remove(dir + QStringLiteral("/sources/frontend.tar.zst")));
        spec.name = QStringLiteral("cut_file");
        const QString cut = test::writeCompleteBundle(repo.path(), spec);
        QVERIFY(QFile::resize(cut + QStringLiteral("/database.dump"), 10));

        const Result<RepositoryScan> scan = Catalog::scan(repo.path());
        QVERIFY(scan.ok());
        const Backup* lost = find(*scan, QStringLiteral("lost_file"));
        QCOMPARE(lost->status, BackupStatus::Damaged);
        QVERIFY(lost->problem.contains(QStringLiteral("sources/frontend.tar.zst")));
        QVERIFY(lost->problem.contains(QStringLiteral("missing")));
        const Backup* truncated = find(*scan, QStringLiteral("cut_file"));
        QCOMPARE(truncated->status, BackupStatus::Damaged);
        QVERIFY(truncated->problem.contains(QStringLiteral("10 bytes instead of 1000")));
    }

    void invalidManifestFieldIsDamagedWithReason()
    {
        QTemporaryDir repo;
        const QString dir = repo.filePath(QStringLiteral("future"));
        QDir().mkpath(dir);
        QFile manifest(dir + QStringLiteral("/manifest.json"));
        QVERIFY(manifest.open(QIODevice::WriteOnly));
        manifest.write(R"({"format": 9, "name": "future"})");
        manifest.close();
        const Result<RepositoryScan> scan = Catalog::scan(repo.path());
        QCOMPARE(scan->backups.size(), 1);
        QCOMPARE(scan->backups[0].status, BackupStatus::Damaged);
        QVERIFY(scan->backups[0].problem.contains(QStringLiteral("format 9")));
    }

    void ignoresWhatIsNotABackup()
    {
        QTemporaryDir repo;
        QDir(repo.path()).mkpath(QStringLiteral(".staging-123"));
        QDir(repo.path()).mkpath(QStringLiteral("lost+found"));
        QDir(repo.path()).mkpath(QStringLiteral("My documents"));
        QFile loose(repo.filePath(QStringLiteral("notes.txt")));
        QVERIFY(loose.open(QIODevice::WriteOnly));
        loose.close();
        const Result<RepositoryScan> scan = Catalog::scan(repo.path());
        QVERIFY(scan.ok());
        QCOMPARE(scan->backups.size(), 0);
    }

    void newestFirst()
    {
        QTemporaryDir repo;
        const QDateTime base(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC);
        for (int i : {3, 1, 2}) {
            test::BundleSpec spec;
            spec.name = QStringLiteral("b%1").arg(i);
            spec.created = base.addDays(i);
            test::writeCompleteBundle(repo.path(), spec);
        }
        const Result<RepositoryScan> scan = Catalog::scan(repo.path());
        QCOMPARE(scan->backups[0].name, QStringLiteral("b3"));
        QCOMPARE(scan->backups[2].name, QStringLiteral("b1"));
    }

    void missingRepositoryIsAnError()
    {
        const Result<RepositoryScan> scan = Catalog::scan(QStringLiteral("/nonexistent/backups"));
        QVERIFY(!scan.ok());
        QVERIFY(scan.error().message.contains(QStringLiteral("does not exist")));
    }

    void fiveThousandBackups()
    {
        QTemporaryDir repo;
        test::BundleSpec spec;
        spec.name = QStringLiteral("template");
        const QString templateDir = test::writeCompleteBundle(repo.path(), spec);
        for (int i = 0; i < 5000; ++i) {
            const QString dir = repo.filePath(QStringLiteral("backup_%1").arg(i, 5, 10, QLatin1Char('0')));
            QVERIFY(QDir().mkpath(dir + QStringLiteral("/sources")));
            for (const char* f : {"database.dump", "sources/backend.tar.zst", "sources/frontend.tar.zst",
                                  "RESTORE_INSTRUCTIONS.md", "manifest.json"})
                QCOMPARE(::link(QFile::encodeName(templateDir + u'/' + QLatin1String(f)).constData(),
                                QFile::encodeName(dir + u'/' + QLatin1String(f)).constData()),
                         0); // hard links: 25,000 real files in a blink
        }
        const Result<RepositoryScan> scan = Catalog::scan(repo.path());
        QVERIFY(scan.ok());
        QCOMPARE(scan->backups.size(), 5001);
        int complete = 0;
        for (const Backup& backup : scan->backups)
            complete += backup.status == BackupStatus::Complete;
        QCOMPARE(complete, 5001);
    }

    void watcherSeesAFolderAppearAndTurnComplete()
    {
        QTemporaryDir repo;
        CatalogWatcher watcher;
        QSignalSpy spy(&watcher, &CatalogWatcher::scanned);
        watcher.setRepository(repo.path());
        QTRY_COMPARE(spy.size(), 1);
        QCOMPARE(spy.last().first().value<RepositoryScan>().backups.size(), 0);

        // A cron run starts: the folder appears without manifest...
        test::writeIncompleteBundle(repo.path(), QStringLiteral("from_cron"));
        QTRY_VERIFY_WITH_TIMEOUT(!spy.isEmpty() && spy.last().first().value<RepositoryScan>().backups.size() == 1, 5000);
        QCOMPARE(spy.last().first().value<RepositoryScan>().backups[0].status, BackupStatus::Incomplete);

        // ...and turns complete when its manifest is written last.
        QDir(repo.filePath(QStringLiteral("from_cron"))).removeRecursively();
        test::BundleSpec spec;
        spec.name = QStringLiteral("from_cron");
        test::writeCompleteBundle(repo.path(), spec);
        QTRY_VERIFY_WITH_TIMEOUT(spy.last().first().value<RepositoryScan>().backups.value(0).status ==
                                     BackupStatus::Complete,
                                 5000);
    }
};

QTEST_GUILESS_MAIN(TestCatalog)
#include "tst_catalog.moc"
