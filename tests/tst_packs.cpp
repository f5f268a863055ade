// Cheap repeats (issue 12): a backup of a tree that did not change links the earlier backup's
// packs instead of writing them; one changed file costs its pack; deleting any backup leaves the
// others whole; verify still reads every byte each backup depends on.
#include "TestBundles.h"
#include "archive/PackSeal.h"
#include "archive/SecureExtractor.h"
#include "catalog/ManifestWriter.h"
#include "archive/TreeArchiver.h"
#include "catalog/Catalog.h"
#include "jobs/DeleteJob.h"
#include "jobs/VerifyJob.h"
#include "retention/RetentionPolicy.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace coffre;

namespace {

struct PackFile
{
    QString file;
    ino_t inode = 0;
    nlink_t links = 0;
};

QList<PackFile> packFiles(const Backup& backup)
{
    QList<PackFile> files;
    for (const QString& file : backup.manifest->sources.first().archiveFiles()) {
        struct stat st;
        if (::stat(QFile::encodeName(backup.path + u'/' + file).constData(), &st) == 0)
            files.append({file, st.st_ino, st.st_nlink});
    }
    return files;
}

// The bytes only this backup holds: its files with no second name elsewhere.
qint64 ownBytes(const Backup& backup)
{
    qint64 bytes = 0;
    for (const BundleFile& file : backup.manifest->files) {
        struct stat st;
        if (::stat(QFile::encodeName(backup.path + u'/' + file.path).constData(), &st) == 0 && st.st_nlink == 1)
            bytes += st.st_size;
    }
    return bytes + QFileInfo(backup.path + QStringLiteral("/manifest.json")).size();
}

// How many of `later`'s packs are not links to one of `earlier`'s.
int rewritten(const Backup& earlier, const Backup& later)
{
    QSet<ino_t> before;
    for (const PackFile& pack : packFiles(earlier))
        before.insert(pack.inode);
    int count = 0;
    for (const PackFile& pack : packFiles(later))
        count += before.contains(pack.inode) ? 0 : 1;
    return count;
}

} // namespace

class TestPacks : public QObject
{
    Q_OBJECT

    QTemporaryDir m_work;
    QString m_tree;
    QString m_repository;
    QList<Backup> m_backups;
    Backup m_previous; // the backup made before the last one
    int m_extractions = 0;

    Backup backup(const QString& name)
    {
        // Entries changed in the last two seconds make their pack "racy" (written again next
        // time, see aPackReadRightAfterAChangeIsWrittenAgain): let the last change settle.
        QTest::qWait(2500);
        const Backup made = test::makeSourcesBackup(m_repository, {{QStringLiteral("app"), m_tree}}, name);
        m_previous = m_backups.isEmpty() ? Backup() : m_backups.last();
        m_backups.append(made);
        return made;
    }

    // The backup's tree, extracted from its packs as a restore reads them, equals the tree now.
    void checkExtractsToTheTree(const Backup& backup)
    {
        const QString out = m_work.filePath(QStringLiteral("out-%1-%2").arg(backup.name).arg(++m_extractions));
        JobControl control;
        const Result<SecureExtractor::Summary> extracted =
            SecureExtractor::extract(backup.manifest->sources.first().archivePaths(backup.path), out, control);
        QVERIFY2(extracted, qPrintable(extracted.error().toLogString()));
        QCOMPARE(test::treeContents(out), test::treeContents(m_tree));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_work.isValid());
        m_tree = m_work.filePath(QStringLiteral("tree"));
        m_repository = m_work.filePath(QStringLiteral("repo"));
        // ~3,000 small files in 40 folders (about 25 MB, so many packs), names nobody designed,
        // two large files, a link.
        QRandomGenerator random(12);
        for (int i = 0; i < 3000; ++i) {
            const QString folder = QStringLiteral("%1/dossier %2").arg(m_tree).arg(i % 40);
            QDir().mkpath(folder);
            QByteArray content;
            const int lines = 20 + int(random.bounded(300));
            for (int l = 0; l < lines; ++l)
                content += "ligne " + QByteArray::number(random.bounded(100000)) + " d'un fichier « source »\n";
            QFile file(folder + QStringLiteral("/fichier l'été \"%1\".txt").arg(i));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(content);
        }
        for (const char* name : {"video.bin", "zz-archive.bin"}) {
            QByteArray big(3 * 1024 * 1024, Qt::Uninitialized);
            for (qsizetype i = 0; i < big.size(); i += 4)
                *reinterpret_cast<quint32*>(big.data() + i) = random.generate();
            QFile file(m_tree + u'/' + QLatin1String(name));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(big);
        }
        QVERIFY(QFile::link(QStringLiteral("dossier 3"), m_tree + QStringLiteral("/lien")));
    }

    void packsEndWhereTheTreeSays()
    {
        const Result<SourceTree> tree = SourceTreeScanner::scan(m_tree, Exclusions({}));
        QVERIFY(tree);
        const QList<qsizetype> starts = TreeArchiver::packStarts(*tree);
        QVERIFY2(starts.size() >= 8, qPrintable(QString::number(starts.size())));
        QCOMPARE(starts.first(), 0);
        QCOMPARE(TreeArchiver::packStarts(*tree), starts); // the same tree cuts the same packs
        // A large file is a pack of its own.
        for (qsizetype i = 0; i < tree->entries.size(); ++i) {
            if (tree->entries[i].size >= 1024 * 1024) {
                QVERIFY(starts.contains(i));
                QVERIFY(i + 1 == tree->entries.size() || starts.contains(i + 1));
            }
        }
    }

    void firstBackupWritesEveryPack()
    {
        const Backup first = backup(QStringLiteral("first"));
        QCOMPARE(first.status, BackupStatus::Complete);
        const QList<PackFile> packs = packFiles(first);
        QVERIFY(packs.size() >= 8);
        for (const PackFile& pack : packs)
            QCOMPARE(pack.links, nlink_t(1));
        checkExtractsToTheTree(first);
    }

    void unchangedTreeAddsAlmostNothing()
    {
        const Backup second = backup(QStringLiteral("second"));
        QCOMPARE(rewritten(m_previous, second), 0);
        const qint64 own = ownBytes(second);
        QVERIFY2(own < 1024 * 1024, qPrintable(QString::number(own)));
        JobControl control;
        const Status verified = VerifyJob::run(second, control);
        QVERIFY2(verified, qPrintable(verified.error().toLogString()));
        checkExtractsToTheTree(second);
    }

    void oneChangedFileCostsOnlyItsPack()
    {
        QFile file(m_tree + QStringLiteral("/dossier 17/fichier l'été \"17\".txt"));
        QVERIFY(file.open(QIODevice::Append));
        file.write("une ligne de plus\n");
        file.close();
        const Backup third = backup(QStringLiteral("third"));
        QCOMPARE(rewritten(m_previous, third), 1);
        QVERIFY2(ownBytes(third) < 2 * 1024 * 1024, qPrintable(QString::number(ownBytes(third))));
        checkExtractsToTheTree(third);
    }

    // Same size, the old mtime put back (rsync -t, tar x): the ctime and inode still tell.
    void aChangeThatHidesItsMtimeIsStillSeen()
    {
        const QByteArray path = QFile::encodeName(m_tree + QStringLiteral("/dossier 5/fichier l'été \"5\".txt"));
        struct stat before;
        QVERIFY(::stat(path.constData(), &before) == 0);
        QFile file(QFile::decodeName(path));
        QVERIFY(file.open(QIODevice::ReadWrite));
        QByteArray content = file.readAll();
        content[0] = content[0] == 'X' ? 'Y' : 'X';
        file.seek(0);
        file.write(content);
        file.close();
        const struct timespec times[2] = {before.st_atim, before.st_mtim};
        QVERIFY(::utimensat(AT_FDCWD, path.constData(), times, 0) == 0);
        const Backup fourth = backup(QStringLiteral("fourth"));
        QCOMPARE(rewritten(m_previous, fourth), 1);
        checkExtractsToTheTree(fourth);
    }

    // A change in the same clock tick as the read would leave the stat data as they were: a pack
    // read right after a change is never linked by the next backup, whatever its stat data say.
    void aPackReadRightAfterAChangeIsWrittenAgain()
    {
        QFile file(m_tree + QStringLiteral("/dossier 9/fichier l'été \"9\".txt"));
        QVERIFY(file.open(QIODevice::Append));
        file.write("tout juste\n");
        file.close();
        const Backup racy = test::makeSourcesBackup(m_repository, {{QStringLiteral("app"), m_tree}}, QStringLiteral("racy"));
        const Backup next = backup(QStringLiteral("after-racy")); // nothing changed in between
        QCOMPARE(rewritten(racy, next), 1);
        const Backup settled = backup(QStringLiteral("settled"));
        QCOMPARE(rewritten(next, settled), 0);
        checkExtractsToTheTree(settled);
    }

    void anAddedFileMovesNoOtherBoundary()
    {
        QFile file(m_tree + QStringLiteral("/dossier 20/nouveau.txt"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("nouveau\n");
        file.close();
        const Backup fifth = backup(QStringLiteral("fifth"));
        // Its pack, and the folder's (its mtime changed): at most those two.
        QVERIFY2(rewritten(m_previous, fifth) <= 2, qPrintable(QString::number(rewritten(m_previous, fifth))));
        checkExtractsToTheTree(fifth);
    }

    void aTouchedLargeFileIsRewrittenAlone()
    {
        QFile file(m_tree + QStringLiteral("/video.bin"));
        QVERIFY(file.open(QIODevice::ReadWrite));
        file.seek(1000);
        file.write("changed");
        file.close();
        const Backup sixth = backup(QStringLiteral("sixth"));
        QCOMPARE(rewritten(m_previous, sixth), 1);
        const qint64 own = ownBytes(sixth);
        QVERIFY2(own > 3 * 1024 * 1024 && own < 3 * 1024 * 1024 + 512 * 1024, qPrintable(QString::number(own)));
        checkExtractsToTheTree(sixth);
    }

    // What a prune would free: a pack still held by a kept backup frees nothing.
    void freedSpaceCountsSharedPacksOnce()
    {
        const Result<RepositoryScan> scan = Catalog::scan(m_repository);
        QVERIFY(scan);
        QList<RetentionDecision> onlySecond, all;
        qint64 everything = 0;
        for (const Backup& b : scan->backups) {
            onlySecond.append({b, b.name != u"second", {}});
            all.append({b, false, {}});
        }
        const qint64 second = RetentionPolicy::bytesFreed(onlySecond);
        QVERIFY2(second < 1024 * 1024, qPrintable(QString::number(second)));
        QProcess du;
        du.start(QStringLiteral("du"), {QStringLiteral("-sb"), m_repository});
        QVERIFY(du.waitForFinished());
        everything = du.readAllStandardOutput().split('\t').first().toLongLong();
        const qint64 freedAll = RetentionPolicy::bytesFreed(all);
        // The repository's total (list, the status bar) is what the disk holds, not the sum of sizes.
        QVERIFY2(scan->totalBytes <= everything && scan->totalBytes > everything * 95 / 100,
                 qPrintable(QStringLiteral("%1 vs %2").arg(scan->totalBytes).arg(everything)));
        // du counts each file once too (and the folders themselves): within a few percent.
        QVERIFY2(freedAll <= everything && freedAll > everything * 95 / 100,
                 qPrintable(QStringLiteral("%1 vs %2").arg(freedAll).arg(everything)));
    }

    void deletingAnyBackupLeavesTheOthersWhole()
    {
        JobControl control;
        QVERIFY(DeleteJob::run(m_repository, {QStringLiteral("first"), QStringLiteral("fourth")}, control));
        for (const QString& name : {QStringLiteral("second"), QStringLiteral("third"), QStringLiteral("fifth"), QStringLiteral("sixth")}) {
            const Backup left = Catalog::inspect(m_repository, name);
            QCOMPARE(left.status, BackupStatus::Complete);
            JobControl verifying;
            const Status verified = VerifyJob::run(left, verifying);
            QVERIFY2(verified, qPrintable(name + u' ' + verified.error().toLogString()));
        }
        checkExtractsToTheTree(Catalog::inspect(m_repository, QStringLiteral("sixth")));
        // The next backup still finds the packs to link, in what is left.
        const Backup seventh = backup(QStringLiteral("seventh"));
        QCOMPARE(rewritten(Catalog::inspect(m_repository, QStringLiteral("sixth")), seventh), 0);
    }

    // One damaged pack is seen by every backup that holds it: verify reads every byte each depends on.
    void damageInASharedPackFailsEveryBackupHoldingIt()
    {
        const Backup sixth = Catalog::inspect(m_repository, QStringLiteral("sixth"));
        const Backup seventh = Catalog::inspect(m_repository, QStringLiteral("seventh"));
        const QString shared = sixth.manifest->sources.first().archiveFiles().at(3);
        QFile pack(sixth.path + u'/' + shared);
        QVERIFY(pack.open(QIODevice::ReadWrite));
        pack.seek(pack.size() / 2);
        const char byte = pack.peek(1).at(0);
        pack.write(QByteArray(1, char(byte ^ 0x20)));
        pack.close();
        for (const Backup& holder : {sixth, seventh}) {
            JobControl control;
            const Status verified = VerifyJob::run(holder, control);
            QVERIFY(!verified);
            QVERIFY2(verified.error().toLogString().contains(shared), qPrintable(verified.error().toLogString()));
        }
        // A new backup does not link the damaged pack: it writes it anew, and is whole.
        const Backup eighth = backup(QStringLiteral("eighth"));
        QCOMPARE(rewritten(seventh, eighth), 1);
        JobControl control;
        const Status verified = VerifyJob::run(eighth, control);
        QVERIFY2(verified, qPrintable(verified.error().toLogString()));
        checkExtractsToTheTree(eighth);
    }

    // A bundle planted in the repository (fetched from a bucket someone else can write, say) that
    // copies a real manifest's fingerprints with other bytes behind them: never linked, its seal
    // cannot be made without this user's key.
    void aPlantedBackupIsNeverLinked()
    {
        const Backup latest = m_backups.last();
        const QString planted = m_repository + QStringLiteral("/planted");
        QCOMPARE(QProcess::execute(QStringLiteral("cp"), {QStringLiteral("-a"), latest.path, planted}), 0);
        Manifest forged = *latest.manifest;
        const QString first = forged.sources.first().packs.first().file;
        QVERIFY(QFile::remove(planted + u'/' + first));
        QCOMPARE(QProcess::execute(QStringLiteral("sh"), {QStringLiteral("-c"),
                                                         QStringLiteral("cd '%1' && echo evil > evil.txt && tar --zstd -cf '%2' evil.txt && rm evil.txt")
                                                             .arg(m_work.path(), planted + u'/' + first)}),
                 0);
        QFile evil(planted + u'/' + first);
        QVERIFY(evil.open(QIODevice::ReadOnly));
        const QByteArray bytes = evil.readAll();
        Sha256 hash;
        hash.add(bytes.constData(), bytes.size());
        const QString sha = hash.hex();
        for (BundleFile& file : forged.files)
            if (file.path == first)
                file = {first, bytes.size(), sha};
        QVERIFY(ManifestWriter::writeToBundle(forged, planted).ok());
        QCOMPARE(Catalog::inspect(m_repository, QStringLiteral("planted")).status, BackupStatus::Complete);

        const Backup next = backup(QStringLiteral("after-planted"));
        struct stat evilStat, nextStat;
        QVERIFY(::stat(QFile::encodeName(planted + u'/' + first).constData(), &evilStat) == 0);
        QVERIFY(::stat(QFile::encodeName(next.path + u'/' + next.manifest->sources.first().packs.first().file).constData(), &nextStat) == 0);
        QVERIFY(evilStat.st_ino != nextStat.st_ino);
        checkExtractsToTheTree(next);

        // The seal itself: bound to the key, the fingerprint and the bytes.
        const PackSeal mine = PackSeal::withKey(QByteArray(32, 'k'));
        const PackSeal theirs = PackSeal::withKey(QByteArray(32, 'x'));
        const QString sealed = mine.seal(QString(64, u'a'), QString(64, u'b'));
        QVERIFY(mine.verifies(sealed, QString(64, u'a'), QString(64, u'b')));
        QVERIFY(!mine.verifies(sealed, QString(64, u'a'), QString(64, u'c')));
        QVERIFY(!theirs.verifies(sealed, QString(64, u'a'), QString(64, u'b')));
        QVERIFY(!mine.verifies(QString(), QString(64, u'a'), QString(64, u'b')));
    }
};

QTEST_GUILESS_MAIN(TestPacks)
#include "tst_packs.moc"
