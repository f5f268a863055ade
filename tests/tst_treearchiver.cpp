// Source trees nobody here designed: names that are not UTF-8, a folder swapped for a symlink
// between the scan and the archive, files deleted while the backup runs.
#include "archive/CompressedFileWriter.h"
#include "archive/SecureExtractor.h"
#include "archive/SourceTree.h"
#include "archive/TreeArchiver.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <unistd.h>

using namespace coffre;

namespace {

// Writes a file whose name is given as raw bytes (not necessarily UTF-8).
bool writeRaw(const QByteArray& path, const QByteArray& content)
{
    const int fd = ::open(path.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return false;
    const bool ok = ::write(fd, content.constData(), size_t(content.size())) == content.size();
    ::close(fd);
    return ok;
}

QByteArray readRaw(const QByteArray& path)
{
    QByteArray content(4096, Qt::Uninitialized);
    const int fd = ::open(path.constData(), O_RDONLY);
    if (fd < 0)
        return "<missing>";
    const ssize_t got = ::read(fd, content.data(), size_t(content.size()));
    ::close(fd);
    content.truncate(qMax<ssize_t>(0, got));
    return content;
}

} // namespace

class TestTreeArchiver : public QObject
{
    Q_OBJECT

    QTemporaryDir m_work;

    QString path(const QString& name) const { return m_work.filePath(name); }

    Status archive(const SourceTree& tree, const QString& file, QList<QByteArray>* vanished = nullptr)
    {
        CompressedFileWriter out(file, QFileInfo(file).fileName(), Compression::Zstd);
        if (Status opened = out.open(); !opened)
            return opened;
        JobControl control;
        if (Status written = TreeArchiver::write(tree, out, control, [] { return false; }, nullptr, vanished); !written)
            return written;
        Result<BundleFile> done = out.finish();
        return done ? Status() : Status(done.error());
    }

private slots:
    void nonUtf8NamesComeBackByteExact()
    {
        const QByteArray root = QFile::encodeName(path(QStringLiteral("latin1")));
        QVERIFY(QDir().mkpath(QFile::decodeName(root) + QStringLiteral("/uploads")));
        const QByteArray latin1 = root + "/uploads/caf\xe9.jpg"; // "café" in Latin-1: not UTF-8
        const QByteArray utf8 = root + "/uploads/caf\xc3\xa9 \"l'\xc3\xa9t\xc3\xa9\".txt";
        QVERIFY(writeRaw(latin1, "latin-1 bytes"));
        QVERIFY(writeRaw(utf8, "utf-8 bytes"));
        const Result<SourceTree> tree = SourceTreeScanner::scan(QFile::decodeName(root), Exclusions({}));
        QVERIFY2(tree, qPrintable(tree.error().toLogString()));
        const QString file = path(QStringLiteral("latin1.tar.zst"));
        const Status written = archive(*tree, file);
        QVERIFY2(written, qPrintable(written.error().toLogString()));

        // GNU tar, as someone restoring by hand would, sees the raw name.
        QProcess tar;
        tar.start(QStringLiteral("sh"), {QStringLiteral("-c"), QStringLiteral("zstd -dc \"$0\" | tar --quoting-style=literal -tf -"), file});
        QVERIFY(tar.waitForFinished());
        const QByteArray listing = tar.readAllStandardOutput();
        QVERIFY2(listing.contains("uploads/caf\xe9.jpg\n"), listing.constData());

        // Coffre's restore extraction gives the same bytes under the same raw names.
        JobControl control;
        const QString target = path(QStringLiteral("latin1-restored"));
        const auto extracted = SecureExtractor::extract(file, target, control, 1 << 20);
        QVERIFY2(extracted, qPrintable(extracted.error().toLogString()));
        const QByteArray restored = QFile::encodeName(target);
        QCOMPARE(readRaw(restored + "/uploads/caf\xe9.jpg"), QByteArray("latin-1 bytes"));
        QCOMPARE(readRaw(restored + "/uploads/caf\xc3\xa9 \"l'\xc3\xa9t\xc3\xa9\".txt"), QByteArray("utf-8 bytes"));
    }

    // A cron backup run as root must not archive /etc through a folder swapped for a link
    // (uploads -> a secret folder) after the scan: the folder is opened with O_NOFOLLOW, and the
    // backup stops with the name of what it could not read.
    void symlinkSwappedAfterTheScanIsNeverFollowed()
    {
        const QString root = path(QStringLiteral("swap"));
        const QString secret = path(QStringLiteral("secret"));
        QVERIFY(QDir().mkpath(root + QStringLiteral("/uploads")));
        QVERIFY(QDir().mkpath(secret));
        QVERIFY(writeRaw(QFile::encodeName(root + QStringLiteral("/uploads/x")), "upload"));
        QVERIFY(writeRaw(QFile::encodeName(secret + QStringLiteral("/x")), "SECRET"));
        const Result<SourceTree> tree = SourceTreeScanner::scan(root, Exclusions({}));
        QVERIFY(tree);
        QVERIFY(QDir(root + QStringLiteral("/uploads")).removeRecursively());
        QVERIFY(QFile::link(secret, root + QStringLiteral("/uploads")));

        const QString file = path(QStringLiteral("swap.tar.zst"));
        const Status written = archive(*tree, file);
        QVERIFY(!written);
        QVERIFY2(written.error().message.contains(QStringLiteral("uploads")), qPrintable(written.error().message));
        QProcess dump;
        dump.start(QStringLiteral("sh"), {QStringLiteral("-c"), QStringLiteral("zstd -dc \"$0\" 2>/dev/null"), file});
        QVERIFY(dump.waitForFinished());
        QVERIFY(!dump.readAllStandardOutput().contains("SECRET"));
    }

    void filesDeletedDuringTheBackupAreNamed()
    {
        const QString root = path(QStringLiteral("vanish"));
        QVERIFY(QDir().mkpath(root + QStringLiteral("/logs")));
        QVERIFY(writeRaw(QFile::encodeName(root + QStringLiteral("/keep.txt")), "keep"));
        QVERIFY(writeRaw(QFile::encodeName(root + QStringLiteral("/logs/rotated.txt")), "gone"));
        const Result<SourceTree> tree = SourceTreeScanner::scan(root, Exclusions({}));
        QVERIFY(tree);
        QVERIFY(QFile::remove(root + QStringLiteral("/logs/rotated.txt")));
        QList<QByteArray> vanished;
        const Status written = archive(*tree, path(QStringLiteral("vanish.tar.zst")), &vanished);
        QVERIFY2(written, qPrintable(written.error().toLogString()));
        QCOMPARE(vanished, QList<QByteArray>{"logs/rotated.txt"});
    }
};

QTEST_GUILESS_MAIN(TestTreeArchiver)
#include "tst_treearchiver.moc"
