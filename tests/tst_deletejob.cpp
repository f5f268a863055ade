#include "TestBundles.h"
#include "catalog/Catalog.h"
#include "jobs/DeleteJob.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace coffre;

class TestDeleteJob : public QObject
{
    Q_OBJECT

private slots:
    void deletesCompleteIncompleteAndDamaged()
    {
        QTemporaryDir repo;
        test::BundleSpec spec;
        spec.name = QStringLiteral("complete");
        test::writeCompleteBundle(repo.path(), spec);
        test::writeIncompleteBundle(repo.path(), QStringLiteral("killed"));
        test::writeDamagedBundle(repo.path(), QStringLiteral("broken"));
        spec.name = QStringLiteral("kept");
        test::writeCompleteBundle(repo.path(), spec);
        JobControl control;
        const Status deleted = DeleteJob::run(repo.path(), {QStringLiteral("complete"), QStringLiteral("killed"), QStringLiteral("broken")}, control);
        QVERIFY2(deleted.ok(), qPrintable(deleted.error().message));
        QCOMPARE(QDir(repo.path()).entryList(QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot), QStringList{QStringLiteral("kept")});
    }

    void neverDeletesWhatIsNotABackup()
    {
        QTemporaryDir repo;
        QDir(repo.path()).mkpath(QStringLiteral("photos"));
        QFile photo(repo.filePath(QStringLiteral("photos/IMG_001.jpg")));
        QVERIFY(photo.open(QIODevice::WriteOnly));
        photo.close();
        test::BundleSpec spec;
        spec.name = QStringLiteral("real");
        test::writeCompleteBundle(repo.path(), spec);
        QTemporaryDir outside;
        JobControl control;
        for (const QString& name : {QStringLiteral("photos"), QStringLiteral("../") + QFileInfo(outside.path()).fileName(),
                                    QStringLiteral("nonexistent"), QStringLiteral(".coffre.lock"), QString()}) {
            const Status deleted = DeleteJob::run(repo.path(), {QStringLiteral("real"), name}, control);
            QVERIFY2(!deleted.ok(), qPrintable(name));
        }
        QVERIFY(QFile::exists(repo.filePath(QStringLiteral("photos/IMG_001.jpg"))));
        QVERIFY(QFileInfo::exists(repo.filePath(QStringLiteral("real/manifest.json")))); // all checked before any is touched
        QVERIFY(QFileInfo::exists(outside.path()));
        QVERIFY(DeleteJob::refusal(repo.path(), QStringLiteral("photos")).contains(QStringLiteral("IMG_001.jpg")));
    }
};

QTEST_GUILESS_MAIN(TestDeleteJob)
#include "tst_deletejob.moc"
