#include "TestBundles.h"
#include "catalog/Catalog.h"
#include "jobs/DeleteJob.h"
#include "util/RemoveTree.h"
#include "util/SyncTree.h"

#include <QDir>
#include <QFile>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

#include <sys/mount.h>
#include <unistd.h>

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

    static void writeFile(const QString& path, const QByteArray& content = "x")
    {
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }

    // A backup's name given to a link to a real backup elsewhere: refused, and the target untouched.
    void aLinkNamedLikeABackupIsNeverFollowed()
    {
        QTemporaryDir repo, elsewhere;
        test::BundleSpec spec;
        spec.name = QStringLiteral("real");
        test::writeCompleteBundle(elsewhere.path(), spec);
        QVERIFY(QFile::link(elsewhere.filePath(QStringLiteral("real")), repo.filePath(QStringLiteral("linked"))));
        JobControl control;
        QVERIFY(!DeleteJob::run(repo.path(), {QStringLiteral("linked")}, control).ok());
        QVERIFY(QFileInfo::exists(elsewhere.filePath(QStringLiteral("real/manifest.json"))));
    }

    // The top path a link: the link goes, its target stays. Links inside go as links.
    void removeTreeNeverFollowsALink()
    {
        QTemporaryDir work;
        const QString target = work.filePath(QStringLiteral("precious"));
        writeFile(target + QStringLiteral("/file.txt"));
        const QString link = work.filePath(QStringLiteral("copy.before_restore_1"));
        QVERIFY(QFile::link(target, link));
        QVERIFY2(removeTree(link).ok(), qPrintable(removeTree(link).error().toLogString()));
        QVERIFY(!QFileInfo(link).isSymLink());
        QVERIFY(QFileInfo::exists(target + QStringLiteral("/file.txt")));

        const QString tree = work.filePath(QStringLiteral("tree"));
        writeFile(tree + QStringLiteral("/a/b/c.txt"));
        QVERIFY(QFile::link(target, tree + QStringLiteral("/a/inner")));
        QVERIFY(QFile::link(QStringLiteral("/nonexistent"), tree + QStringLiteral("/dangling")));
        const Status removed = removeTree(tree);
        QVERIFY2(removed.ok(), qPrintable(removed.error().toLogString()));
        QVERIFY(!QFileInfo::exists(tree));
        QVERIFY(QFileInfo::exists(target + QStringLiteral("/file.txt")));
        QVERIFY(removeTree(work.filePath(QStringLiteral("never-was"))).ok());
    }

    // A file system mounted inside (an uploads share): nothing of it is deleted, and the removal says so.
    void removeTreeStopsAtAMountPoint()
    {
        if (::geteuid() != 0)
            QSKIP("mounting needs root");
        QTemporaryDir work;
        const QString tree = work.filePath(QStringLiteral("tree"));
        const QString mountPoint = tree + QStringLiteral("/public/uploads");
        QVERIFY(QDir().mkpath(mountPoint));
        if (::mount("tmpfs", QFile::encodeName(mountPoint).constData(), "tmpfs", 0, "size=1m") != 0)
            QSKIP("tmpfs cannot be mounted here");
        const auto unmount = qScopeGuard([&] { ::umount(QFile::encodeName(mountPoint).constData()); });
        writeFile(mountPoint + QStringLiteral("/photo.jpg"), "precious");
        const Status removed = removeTree(tree);
        QVERIFY(!removed.ok());
        QVERIFY2(removed.error().message.contains(mountPoint), qPrintable(removed.error().message));
        QVERIFY(QFileInfo::exists(mountPoint + QStringLiteral("/photo.jpg")));
        // The mount point itself given: refused whole.
        QVERIFY(!removeTree(mountPoint).ok());
        QVERIFY(QFileInfo::exists(mountPoint + QStringLiteral("/photo.jpg")));
    }

    void syncTreeSyncsAFolderAndFailsOnWhatItCannotOpen()
    {
        QTemporaryDir work;
        writeFile(work.filePath(QStringLiteral("tree/sub/file.txt")));
        QVERIFY(syncTree(work.filePath(QStringLiteral("tree"))).ok());
        QVERIFY(syncFolder(work.filePath(QStringLiteral("tree/sub"))).ok());
        const Status missing = syncTree(work.filePath(QStringLiteral("never-was")));
        QVERIFY(!missing.ok());
        QVERIFY2(missing.error().detail.contains(QStringLiteral("never-was")), qPrintable(missing.error().detail));
        QVERIFY(!syncTree(work.filePath(QStringLiteral("tree/sub/file.txt"))).ok()); // not a folder
        QVERIFY(!syncFolder(work.filePath(QStringLiteral("never-was"))).ok());
    }
};

QTEST_GUILESS_MAIN(TestDeleteJob)
#include "tst_deletejob.moc"
