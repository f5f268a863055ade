// Download (export to one .zip or .tar) and import: round trips checked by independent tools
// (unzip -t, tar -tf), cancel and damage leave nothing, and an imported file is untrusted.
#include "TestBundles.h"
#include "catalog/Catalog.h"
#include "jobs/ExportJob.h"
#include "jobs/ImportJob.h"
#include "jobs/VerifyJob.h"
#include "storage/RepositoryLock.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace coffre;

class TestExportImport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    Backup m_real;  // made by BackupJob from a real tree
    Backup m_large; // big enough to cancel halfway

    QString path(const QString& relative) const { return QDir(m_dir.path()).filePath(relative); }
    // What a folder holds, but the repository's lock file, which stays (unlocked) between jobs.
    static QStringList entriesOf(const QString& folder)
    {
        QStringList entries = QDir(folder).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
        entries.removeAll(QStringLiteral(".coffre.lock"));
        entries.removeAll(QStringLiteral(".coffre-audit.jsonl")); // each import, refused or not, is a line of it
        return entries;
    }
    static QString newFolder(const QString& folder)
    {
        QDir(folder).removeRecursively();
        QDir().mkpath(folder);
        return folder;
    }
    // Flips one byte of `file` inside the first occurrence of `inside`.
    static void damage(const QString& file, const QByteArray& inside)
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QByteArray bytes = f.readAll();
        const qsizetype at = bytes.indexOf(inside);
        QVERIFY(at >= 0);
        bytes[at + inside.size() / 2] = char(bytes[at + inside.size() / 2] ^ 0x55);
        f.seek(0);
        f.write(bytes);
    }
    Result<Backup> importInto(const QString& repository, const QString& file)
    {
        JobControl control;
        return ImportJob::run(repository, file, control);
    }
    Result<qint64> exportTo(const Backup& backup, const QString& file, bool overwrite = false)
    {
        JobControl control;
        return ExportJob::run({backup, file, overwrite}, control);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        test::writeSampleTree(path(QStringLiteral("app")));
        QDir().mkpath(path(QStringLiteral("repo")));
        m_real = test::makeSourcesBackup(path(QStringLiteral("repo")), {{QStringLiteral("backend"), path(QStringLiteral("app"))}},
                                         QStringLiteral("real"));
        test::BundleSpec large;
        large.name = QStringLiteral("large");
        large.dumpBytes = 200 * 1024 * 1024;
        test::writeCompleteBundle(path(QStringLiteral("repo")), large);
        m_large = Catalog::inspect(path(QStringLiteral("repo")), QStringLiteral("large"));
        QCOMPARE(m_large.status, BackupStatus::Complete);
    }

    void roundTrip_data()
    {
        QTest::addColumn<QString>("fileName");
        QTest::newRow("zip") << QStringLiteral("real.zip");
        QTest::newRow("tar") << QStringLiteral("real.tar");
    }

    // Export, check with standard tools, import elsewhere: the same backup, every checksum equal.
    void roundTrip()
    {
        QFETCH(QString, fileName);
        const QString file = path(fileName);
        const Result<qint64> written = exportTo(m_real, file);
        QVERIFY2(written, qPrintable(written.error().toLogString()));
        QCOMPARE(*written, QFileInfo(file).size());
        QVERIFY(!QFileInfo::exists(file + QStringLiteral(".part")));
        // It holds .env secrets: private whatever the umask (zip exports were 0644).
        QCOMPARE(QFileInfo(file).permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
                 QFile::Permissions());
        QByteArray listing;
        if (fileName.endsWith(QLatin1String(".zip"))) {
            QCOMPARE(test::runProgram(QStringLiteral("unzip"), {QStringLiteral("-t"), file}, &listing, 60000), 0);
            QVERIFY(listing.contains("No errors detected"));
        } else {
            QCOMPARE(test::runProgram(QStringLiteral("tar"), {QStringLiteral("-tf"), file}, &listing, 60000), 0);
        }
        for (const BundleFile& entry : m_real.manifest->files)
            QVERIFY2(listing.contains("real/" + entry.path.toUtf8()), qPrintable(entry.path));
        QVERIFY(listing.contains("real/manifest.json"));

        const QString other = newFolder(path(QStringLiteral("other-") + fileName));
        const Result<Backup> imported = importInto(other, file);
        QVERIFY2(imported, qPrintable(imported.error().toLogString()));
        QCOMPARE(imported->status, BackupStatus::Complete);
        QCOMPARE(imported->name, QStringLiteral("real"));
        QCOMPARE(*imported->manifest, *m_real.manifest); // every file with its size and SHA-256
        JobControl control;
        QVERIFY(VerifyJob::run(*imported, control));
        QCOMPARE(entriesOf(other), QStringList{QStringLiteral("real")}); // no staging left
        QVERIFY(RepositoryLock::acquire(other)); // and no lock held
        QCOMPARE(QFileInfo(imported->path).permissions() & 0x0077, QFileDevice::Permissions()); // private: owner only

        // The same file again: the name is taken, nothing changes.
        const Result<Backup> again = importInto(other, file);
        QVERIFY(!again);
        QVERIFY(again.error().message.contains(QStringLiteral("already")));
        QCOMPARE(entriesOf(other), QStringList{QStringLiteral("real")});
    }

    void exportNeverReplacesUnlessAsked()
    {
        const QString file = path(QStringLiteral("taken.zip"));
        QFile existing(file);
        QVERIFY(existing.open(QIODevice::WriteOnly));
        existing.write("someone's file");
        existing.close();
        QVERIFY(!exportTo(m_real, file));
        QCOMPARE(QFileInfo(file).size(), qint64(14));
        QVERIFY(exportTo(m_real, file, true)); // the save dialog asked
        QCOMPARE(test::runProgram(QStringLiteral("unzip"), {QStringLiteral("-tq"), file}, nullptr, 60000), 0);
        QVERIFY(!exportTo(m_real, path(QStringLiteral("real.7z")))); // neither .zip nor .tar
    }

    void cancelledExportLeavesNoFile()
    {
        const QString file = path(QStringLiteral("large.zip"));
        auto control = std::make_shared<JobControl>();
        QFuture<Result<qint64>> future = ExportJob::start({m_large, file, false}, control);
        while (control->bytesDone() < 4 * 1024 * 1024 && !future.isFinished())
            QThread::usleep(200);
        control->cancel();
        future.waitForFinished();
        const Result<qint64> result = future.result();
        QVERIFY2(!result, "the export ended before it could be canceled");
        QCOMPARE(result.error().code, ErrorCode::Canceled);
        QVERIFY(control->bytesDone() < m_large.sizeBytes); // it was halfway
        QVERIFY(!QFileInfo::exists(file));
        QVERIFY(!QFileInfo::exists(file + QStringLiteral(".part")));
    }

    // A bundle file altered on disk: the export notices as it reads, and writes nothing.
    void exportOfADamagedBackupWritesNothing()
    {
        QVERIFY(QProcess::execute(QStringLiteral("cp"), {QStringLiteral("-a"), m_real.path, path(QStringLiteral("repo/hurt"))}) == 0);
        Backup hurt = Catalog::inspect(path(QStringLiteral("repo")), QStringLiteral("hurt"));
        QFile archive(hurt.path + u'/' + test::firstArchiveFile(*hurt.manifest, QStringLiteral("backend")));
        QVERIFY(archive.open(QIODevice::ReadWrite));
        archive.seek(archive.size() / 2);
        const char byte = archive.peek(1).at(0);
        archive.write(QByteArray(1, char(byte ^ 0x01)));
        archive.close();
        const QString file = path(QStringLiteral("hurt.tar"));
        const Result<qint64> written = exportTo(hurt, file);
        QVERIFY(!written);
        QVERIFY(written.error().message.contains(QStringLiteral("checksum")));
        QVERIFY(!QFileInfo::exists(file));
        QVERIFY(!QFileInfo::exists(file + QStringLiteral(".part")));
    }

    void importRefusesABadChecksum()
    {
        const QString file = path(QStringLiteral("large-hurt.tar"));
        QVERIFY(exportTo(m_large, file));
        damage(file, QByteArray("database.dump\ndatabase.dump\n"));
        const QString repository = newFolder(path(QStringLiteral("repo-bad-checksum")));
        const Result<Backup> imported = importInto(repository, file);
        QVERIFY(!imported);
        QVERIFY2(imported.error().message.contains(QStringLiteral("checksum")), qPrintable(imported.error().message));
        QCOMPARE(entriesOf(repository), QStringList());
        QFile::remove(file);
    }

    void importRefusesHostileOrForeignFiles_data()
    {
        const QByteArray manifest = [this] {
            QFile f(m_real.path + QStringLiteral("/manifest.json"));
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }();
        QTest::addColumn<QList<test::Entry>>("entries");
        QTest::addColumn<QString>("why");
        QTest::newRow("dot-dot") << QList<test::Entry>{{"real/manifest.json", 0100000, manifest}, {"real/../../evil.txt", 0100000, "x"}}
                                 << QStringLiteral("outside");
        QTest::newRow("absolute") << QList<test::Entry>{{"/tmp/coffre-evil.txt", 0100000, "x"}} << QStringLiteral("outside");
        QTest::newRow("no manifest") << QList<test::Entry>{{"real/database.dump", 0100000, "x"}} << QStringLiteral("manifest");
        QTest::newRow("two folders") << QList<test::Entry>{{"a/manifest.json", 0100000, manifest}, {"b/manifest.json", 0100000, manifest}}
                                     << QStringLiteral("one folder");
        QTest::newRow("foreign file") << QList<test::Entry>{{"real/manifest.json", 0100000, manifest}, {"real/photo.jpg", 0100000, "x"}}
                                      << QStringLiteral("photo.jpg");
        QTest::newRow("files missing") << QList<test::Entry>{{"real/manifest.json", 0100000, manifest}} << QStringLiteral("missing");
        QTest::newRow("bad name") << QList<test::Entry>{{".hidden/manifest.json", 0100000, manifest}} << QStringLiteral("name");
        QTest::newRow("not an archive") << QList<test::Entry>{} << QStringLiteral("");
    }

    void importRefusesHostileOrForeignFiles()
    {
        QFETCH(QList<test::Entry>, entries);
        QFETCH(QString, why);
        const QString file = path(QStringLiteral("hostile.tar"));
        QFile::remove(file);
        if (entries.isEmpty()) {
            QFile junk(file);
            QVERIFY(junk.open(QIODevice::WriteOnly));
            junk.write("this is not a tar file at all, only text");
        } else {
            test::writeTar(file, entries);
        }
        const QString repository = newFolder(path(QStringLiteral("sandbox/repo")));
        const Result<Backup> imported = importInto(repository, file);
        QVERIFY(!imported);
        QVERIFY2(imported.error().message.contains(why, Qt::CaseInsensitive), qPrintable(imported.error().message));
        QCOMPARE(entriesOf(repository), QStringList());
        QCOMPARE(entriesOf(path(QStringLiteral("sandbox"))), QStringList{QStringLiteral("repo")});
        QVERIFY(!QFileInfo::exists(QStringLiteral("/tmp/coffre-evil.txt")));
    }

    // The external corpus of hostile and broken archives: none of them becomes a backup.
    void importRefusesTheHostileCorpus()
    {
        const QString corpus = QStringLiteral(COFFRE_SOURCE_DIR "/../shared/testdata/hostile-archives");
        if (!QFileInfo(corpus).isDir())
            QSKIP("../shared/testdata/hostile-archives is not here: only the archives made above were checked");
        const QStringList files = QDir(corpus).entryList({QStringLiteral("*.tar"), QStringLiteral("*.zip")}, QDir::Files);
        QVERIFY(files.size() >= 20);
        for (const QString& name : files) {
            const QString repository = newFolder(path(QStringLiteral("sandbox/repo")));
            const Result<Backup> imported = importInto(repository, QDir(corpus).filePath(name));
            QVERIFY2(!imported, qPrintable(name));
            QVERIFY2(!imported.error().message.isEmpty(), qPrintable(name));
            QVERIFY2(entriesOf(repository).isEmpty(), qPrintable(name + u':' + entriesOf(repository).join(u',')));
            QCOMPARE(entriesOf(path(QStringLiteral("sandbox"))), QStringList{QStringLiteral("repo")});
        }
        QVERIFY(!QFileInfo::exists(QStringLiteral("/tmp/moo")) || QFileInfo(QStringLiteral("/tmp/moo")).lastModified() < QDateTime::currentDateTime().addSecs(-600));
        QVERIFY(!QFileInfo::exists(QStringLiteral("/tmp/evil.txt")));
    }
};

QTEST_GUILESS_MAIN(TestExportImport)
#include "tst_exportimport.moc"
