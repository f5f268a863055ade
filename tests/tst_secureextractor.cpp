#include "TestBundles.h"
#include "archive/SecureExtractor.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace coffre;

using test::Entry;
using test::writeTar;
Q_DECLARE_METATYPE(QList<Entry>)

// Hostile and broken archives: made here with libarchive (which writes any entry name), plus the
// external corpus in ../shared/testdata/hostile-archives when it is there.
class TestSecureExtractor : public QObject
{
    Q_OBJECT

private:
    // Everything below `dir`, to prove that nothing was written beside the target.
    static QStringList allEntries(const QString& dir)
    {
        QStringList names;
        QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
        while (it.hasNext())
            names << QDir(dir).relativeFilePath(it.next());
        names.sort();
        return names;
    }

private slots:
    void pathChecks()
    {
        QVERIFY(SecureExtractor::isSafeEntryPath("src/main.ts"));
        QVERIFY(SecureExtractor::isSafeEntryPath("./src/./main.ts"));
        QVERIFY(!SecureExtractor::isSafeEntryPath("../evil"));
        QVERIFY(!SecureExtractor::isSafeEntryPath("a/../../evil"));
        QVERIFY(!SecureExtractor::isSafeEntryPath("/tmp/moo"));
        QVERIFY(!SecureExtractor::isSafeEntryPath("..\\..\\evil.txt"));
        QVERIFY(!SecureExtractor::isSafeEntryPath(""));
        QVERIFY(SecureExtractor::isSafeLinkTarget("a/link", "../b/file"));
        QVERIFY(SecureExtractor::isSafeLinkTarget("link", "src/main.ts"));
        QVERIFY(!SecureExtractor::isSafeLinkTarget("link", "../outside"));
        QVERIFY(!SecureExtractor::isSafeLinkTarget("a/link", "../../outside"));
        QVERIFY(!SecureExtractor::isSafeLinkTarget("link", "/etc/passwd"));
        QVERIFY(!SecureExtractor::isSafeLinkTarget("a/link", "b/../../../x"));
    }

    void extractsAGoodArchiveCompletely()
    {
        QTemporaryDir scratch;
        const QString tar = writeTar(scratch.filePath(QStringLiteral("good.tar")),
                                     {{"src", AE_IFDIR, {}}, {"src/main.ts", AE_IFREG, "hello\n"},
                                      {"entry.ts", AE_IFLNK, "src/main.ts"}, {"copy.ts", AE_IFREG, "src/main.ts", true}});
        JobControl control;
        const QString target = scratch.filePath(QStringLiteral("out"));
        const auto summary = SecureExtractor::extract(tar, target, control);
        QVERIFY2(summary.ok(), qPrintable(summary.error().toLogString()));
        QCOMPARE(allEntries(target), QStringList({QStringLiteral("copy.ts"), QStringLiteral("entry.ts"), QStringLiteral("src"),
                                                  QStringLiteral("src/main.ts")}));
        QFile file(target + QStringLiteral("/copy.ts"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("hello\n"));
    }

    // Archived owners only when asked (a restore) and only as root: an import or an extraction
    // of an archive from elsewhere must not hand files to the archive's uids.
    void ownersComeBackOnlyWhenAsked()
    {
        if (::geteuid() != 0)
            QSKIP("only root can give files away");
        QTemporaryDir scratch;
        const QString tar = scratch.filePath(QStringLiteral("owned.tar"));
        archive* out = archive_write_new();
        archive_write_set_format_pax_restricted(out);
        QCOMPARE(archive_write_open_filename(out, QFile::encodeName(tar).constData()), ARCHIVE_OK);
        archive_entry* entry = archive_entry_new();
        archive_entry_set_pathname(entry, "owned.txt");
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_perm(entry, 0640);
        archive_entry_set_size(entry, 2);
        archive_entry_set_uid(entry, 1234);
        archive_entry_set_gid(entry, 1234);
        QCOMPARE(archive_write_header(out, entry), ARCHIVE_OK);
        QCOMPARE(archive_write_data(out, "x\n", 2), la_ssize_t(2));
        archive_entry_free(entry);
        archive_write_close(out);
        archive_write_free(out);

        JobControl control;
        struct stat st;
        const QString mine = scratch.filePath(QStringLiteral("mine"));
        QVERIFY(SecureExtractor::extract(tar, mine, control).ok());
        QCOMPARE(::lstat(QFile::encodeName(mine + QStringLiteral("/owned.txt")).constData(), &st), 0);
        QCOMPARE(st.st_uid, uid_t(0));
        const QString archived = scratch.filePath(QStringLiteral("archived"));
        QVERIFY(SecureExtractor::extract(tar, archived, control, 0, {}, SecureExtractor::Owners::Archived).ok());
        QCOMPARE(::lstat(QFile::encodeName(archived + QStringLiteral("/owned.txt")).constData(), &st), 0);
        QCOMPARE(st.st_uid, uid_t(1234));
        QCOMPARE(st.st_gid, gid_t(1234));
    }

    void refusesHostileArchives_data()
    {
        QTest::addColumn<QList<Entry>>("entries");
        QTest::addColumn<QString>("expected");
        QTest::newRow("dot dot") << QList<Entry>{{"ok.txt", AE_IFREG, "x"}, {"../evil.txt", AE_IFREG, "evil"}} << QStringLiteral("outside its folder");
        QTest::newRow("dot dot in the middle") << QList<Entry>{{"tmp/../../moo", AE_IFREG, "evil"}} << QStringLiteral("outside its folder");
        QTest::newRow("absolute") << QList<Entry>{{"/tmp/coffre-evil-abs", AE_IFREG, "evil"}} << QStringLiteral("outside its folder");
        QTest::newRow("file over an escaping symlink") << QList<Entry>{{"moo", AE_IFLNK, "/tmp/coffre-evil-abs"}, {"moo", AE_IFLNK, "/tmp/x"}, {"d/../../x", AE_IFREG, "x"}}
                                                       << QStringLiteral("outside its folder");
        QTest::newRow("hardlink outside") << QList<Entry>{{"pw", AE_IFREG, "/etc/passwd", true}} << QStringLiteral("link that points outside");
        QTest::newRow("write through a symlink") << QList<Entry>{{"d", AE_IFDIR, {}}, {"link", AE_IFLNK, "d"}, {"link/x", AE_IFREG, "x"}}
                                                 << QStringLiteral("Could not extract");
        QTest::newRow("fifo") << QList<Entry>{{"pipe", AE_IFIFO, {}}} << QStringLiteral("special file");
    }

    void refusesHostileArchives()
    {
        QFETCH(QList<Entry>, entries);
        QFETCH(QString, expected);
        QTemporaryDir scratch;
        const QString tar = writeTar(scratch.filePath(QStringLiteral("hostile.tar")), entries);
        const QString target = scratch.filePath(QStringLiteral("sandbox/out"));
        QDir().mkpath(scratch.filePath(QStringLiteral("sandbox")));
        JobControl control;
        const auto summary = SecureExtractor::extract(tar, target, control);
        QVERIFY(!summary.ok());
        QVERIFY2(summary.error().message.contains(expected), qPrintable(summary.error().message));
        QCOMPARE(allEntries(scratch.filePath(QStringLiteral("sandbox"))), QStringList()); // nothing half-extracted
        QVERIFY(!QFile::exists(QStringLiteral("/tmp/coffre-evil-abs")));
        QVERIFY(!QFile::exists(scratch.filePath(QStringLiteral("evil.txt"))));
    }

    void escapingSymlinksAreSkippedNeverCreated()
    {
        QTemporaryDir scratch;
        const QString tar = writeTar(scratch.filePath(QStringLiteral("links.tar")),
                                     {{"ok.txt", AE_IFREG, "ok"}, {"etc", AE_IFLNK, "../../etc"}, {"abs", AE_IFLNK, "/etc/passwd"},
                                      {"inside", AE_IFLNK, "ok.txt"}, {"moo", AE_IFLNK, "/tmp/coffre-evil-abs"}, {"moo", AE_IFREG, "evil"}});
        const QString target = scratch.filePath(QStringLiteral("out"));
        JobControl control;
        const auto summary = SecureExtractor::extract(tar, target, control);
        QVERIFY2(summary.ok(), qPrintable(summary.error().toLogString()));
        QCOMPARE(summary->skippedLinks, QStringList({QStringLiteral("etc"), QStringLiteral("abs"), QStringLiteral("moo")}));
        QCOMPARE(allEntries(target), QStringList({QStringLiteral("inside"), QStringLiteral("moo"), QStringLiteral("ok.txt")}));
        QVERIFY(QFileInfo(target + QStringLiteral("/inside")).isSymLink());
        QVERIFY(!QFileInfo(target + QStringLiteral("/moo")).isSymLink()); // a plain file inside, never written through a link
        QVERIFY(!QFile::exists(QStringLiteral("/tmp/coffre-evil-abs")));
    }

    void truncatedArchiveIsNeverASuccess()
    {
        QTemporaryDir scratch;
        QByteArray big(300000, 'x');
        const QString tar = writeTar(scratch.filePath(QStringLiteral("full.tar")), {{"big.bin", AE_IFREG, big}});
        QFile file(tar);
        QVERIFY(file.resize(150000));
        JobControl control;
        const auto summary = SecureExtractor::extract(tar, scratch.filePath(QStringLiteral("out")), control);
        QVERIFY(!summary.ok());
        QVERIFY2(summary.error().message.contains(QStringLiteral("damaged or truncated")), qPrintable(summary.error().message));
        QVERIFY(!QFileInfo::exists(scratch.filePath(QStringLiteral("out"))));
    }

    void externalCorpus()
    {
        const QString corpus = QStringLiteral(COFFRE_SOURCE_DIR "/../shared/testdata/hostile-archives");
        if (!QFileInfo::exists(corpus))
            QSKIP("../shared/testdata/hostile-archives is not here: only the archives made above were checked");
        const QStringList mustSucceed{QStringLiteral("jwilk-good1.tar"), QStringLiteral("jwilk-good1.zip")};
        // Only escaping symlinks in these: they may extract, with those links skipped.
        const QStringList linksSkipped{QStringLiteral("jwilk-symlink.tar"), QStringLiteral("jwilk-symlink.zip"),
                                       QStringLiteral("jwilk-dirsymlink.tar"), QStringLiteral("jwilk-dirsymlink.zip"),
                                       QStringLiteral("libarchive-test_symlink_1.zip"), QStringLiteral("libarchive-test_symlink_dotdot.zip")};
        for (const QString& name : QDir(corpus).entryList({QStringLiteral("*.tar"), QStringLiteral("*.zip")}, QDir::Files)) {
            QTemporaryDir scratch;
            QDir().mkpath(scratch.filePath(QStringLiteral("sandbox")));
            const QString target = scratch.filePath(QStringLiteral("sandbox/out"));
            JobControl control;
            const auto summary = SecureExtractor::extract(corpus + u'/' + name, target, control, 64 * 1024 * 1024);
            QVERIFY(!QFile::exists(QStringLiteral("/tmp/moo")));
            QVERIFY(!QFile::exists(QStringLiteral("/tmp/evil.txt")));
            QVERIFY2(QDir(scratch.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot) == QStringList{QStringLiteral("sandbox")},
                     qPrintable(name));
            if (mustSucceed.contains(name)) {
                QVERIFY2(summary.ok(), qPrintable(name + u' ' + summary.error().toLogString()));
                QVERIFY(QFileInfo::exists(target + QStringLiteral("/good1")));
            } else if (linksSkipped.contains(name)) {
                if (summary.ok()) {
                    QVERIFY2(!summary->skippedLinks.isEmpty(), qPrintable(name));
                    QDirIterator it(target, QDir::AllEntries | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
                    while (it.hasNext()) { // every link left resolves inside the target
                        const QFileInfo info(it.next());
                        if (info.isSymLink())
                            QVERIFY2(info.canonicalFilePath().isEmpty() || info.canonicalFilePath().startsWith(QFileInfo(target).canonicalFilePath()),
                                     qPrintable(name + u' ' + info.filePath()));
                    }
                }
            } else {
                // Every other file there is hostile or broken: the whole archive is refused.
                QVERIFY2(!summary.ok(), qPrintable(name));
            }
            if (!summary.ok())
                QVERIFY2(!QFileInfo::exists(target), qPrintable(name)); // refused: nothing left behind
            qInfo("%s: %s", qPrintable(name), summary.ok() ? "extracted" : qPrintable(summary.error().message));
        }
    }
};

QTEST_GUILESS_MAIN(TestSecureExtractor)
#include "tst_secureextractor.moc"
