// Looking inside real backups: the listing, previews, extraction, comparison with the current
// folders, and the database objects of a real dump (fixture cluster).
#include "PgFixture.h"
#include "TestBundles.h"
#include "browse/BackupFiles.h"
#include "browse/DumpContents.h"
#include "browse/SelectionExtractor.h"
#include "browse/TreeComparison.h"
#include "jobs/BackupJob.h"

#include <QDir>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace coffre;

class TestBrowse : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_app;
    Backup m_backup;

    QString path(const QString& relative) const { return QDir(m_dir.path()).filePath(relative); }
    static QByteArray read(const QString& file)
    {
        QFile f(file);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
    static void write(const QString& file, const QByteArray& bytes)
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(bytes);
    }
    // A database-only backup of a fixture database.
    static Result<Backup> backUpDatabase(const QString& dbname, const QString& repository, const QString& name)
    {
        BackupRequest request;
        request.profile.name = QStringLiteral("browse");
        request.profile.repository = repository;
        request.profile.database = test::fixtureDatabase(dbname);
        request.includeSources = false;
        request.name = name;
        JobControl control;
        return BackupJob::run(request, control);
    }
    // Files and links of a tree, as "label/path".
    static QSet<QString> filesOf(const FileTree& tree)
    {
        QSet<QString> files;
        for (int i = 1; i < tree.nodeCount(); ++i) {
            if (tree.node(i).type != ArchiveEntry::Type::Directory)
                files.insert(tree.pathOf(i));
        }
        return files;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_app = path(QStringLiteral("app"));
        test::writeSampleTree(m_app + QStringLiteral("/backend"));
        test::writeSampleTree(m_app + QStringLiteral("/frontend"));
        QDir().mkpath(path(QStringLiteral("repo")));
        m_backup = test::makeSourcesBackup(path(QStringLiteral("repo")),
                                           {{QStringLiteral("backend"), m_app + QStringLiteral("/backend")},
                                            {QStringLiteral("frontend"), m_app + QStringLiteral("/frontend")}},
                                           QStringLiteral("b1"));
    }

    // The tree holds exactly what tar itself lists in the archives, nothing more or less.
    void listingIsExactlyTheArchive()
    {
        JobControl control;
        const Result<FileTree> tree = BackupFiles::load(m_backup, control);
        QVERIFY2(tree, qPrintable(tree.error().toLogString()));
        QSet<QString> fromTar;
        for (const QString& label : {QStringLiteral("backend"), QStringLiteral("frontend")}) {
            QProcess tar;
            tar.setWorkingDirectory(m_backup.path);
            tar.start(QStringLiteral("sh"), {QStringLiteral("-c"), test::catArchiveCommand(*m_backup.manifest, label) + QStringLiteral(" | tar -itf -")});
            QVERIFY(tar.waitForFinished());
            QCOMPARE(tar.exitCode(), 0);
            for (const QString& line : QString::fromUtf8(tar.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts)) {
                if (!line.endsWith(u'/')) // folders are not files
                    fromTar.insert(label + u'/' + line);
            }
        }
        QCOMPARE(filesOf(*tree), fromTar);
        QVERIFY(fromTar.contains(QStringLiteral("backend/src/lib/util.js")));
        QVERIFY(!fromTar.contains(QStringLiteral("backend/node_modules/left-pad/index.js"))); // excluded by default
        QCOMPARE(tree->fileCount(), qint64(fromTar.size()));
        // Folders come with their sizes and the link with its target.
        const int src = tree->find(QStringLiteral("backend/src"));
        QVERIFY(src > 0);
        QCOMPARE(tree->node(src).size, qint64(read(m_app + QStringLiteral("/backend/src/app.js")).size() +
                                               read(m_app + QStringLiteral("/backend/src/lib/util.js")).size()));
        QCOMPARE(tree->node(tree->find(QStringLiteral("frontend/main.js"))).linkTarget, QStringLiteral("src/app.js"));
        // Search finds by path, case-insensitively.
        const QList<int> found = tree->search(QStringLiteral("MIGRATION"), 100);
        QCOMPARE(found.size(), 2);
        QCOMPARE(tree->pathOf(found.first()), QStringLiteral("backend/prisma/migrations/001_init/migration.sql"));
    }

    void previewShowsTextAndRefusesBytes()
    {
        const Result<FilePreview> env = BackupFiles::preview(m_backup, QStringLiteral("backend/.env"));
        QVERIFY2(env, qPrintable(env.error().toLogString()));
        QCOMPARE(env->bytes, read(m_app + QStringLiteral("/backend/.env")));
        QVERIFY(!env->binary);
        QVERIFY(!env->truncated());

        const Result<FilePreview> logo = BackupFiles::preview(m_backup, QStringLiteral("backend/public/logo.png"));
        QVERIFY(logo);
        QVERIFY(logo->binary);

        const Result<FilePreview> big = BackupFiles::preview(m_backup, QStringLiteral("frontend/logs/big.txt"));
        QVERIFY(big);
        QCOMPARE(big->bytes.size(), BackupFiles::PreviewBytes);
        QCOMPARE(big->size, qint64(1536 * 1024));
        QVERIFY(big->truncated());
        QVERIFY(!big->binary);
        QCOMPARE(big->bytes, read(m_app + QStringLiteral("/frontend/logs/big.txt")).left(BackupFiles::PreviewBytes));

        QVERIFY(!BackupFiles::preview(m_backup, QStringLiteral("backend/src")));        // a folder
        QVERIFY(!BackupFiles::preview(m_backup, QStringLiteral("backend/nothing.txt"))); // not there
        QVERIFY(!BackupFiles::preview(m_backup, QStringLiteral("elsewhere/.env")));      // no such source
    }

    // As file managers show them: folders first, then names in natural order, case ignored.
    void namesInNaturalOrder()
    {
        FileTree tree;
        QList<ArchiveEntry> entries;
        for (const char* name : {"file10.txt", "File2.txt", "file1.txt", "b", "a.txt"})
            entries.append({QString::fromUtf8(name), ArchiveEntry::Type::File, 1, 0, {}});
        entries.append({QStringLiteral("zfolder"), ArchiveEntry::Type::Directory, 0, 0, {}});
        tree.add(QStringLiteral("app"), entries);
        tree.finish();
        const FileTree::Node& app = tree.node(tree.find(QStringLiteral("app")));
        QStringList order;
        for (const int child : app.children)
            order << tree.node(child).name;
        QCOMPARE(order, (QStringList{QStringLiteral("zfolder"), QStringLiteral("a.txt"), QStringLiteral("b"), QStringLiteral("file1.txt"),
                                     QStringLiteral("File2.txt"), QStringLiteral("file10.txt")}));
    }

    void looksBinary()
    {
        QVERIFY(!BackupFiles::looksBinary("plain text\n"));
        QVERIFY(!BackupFiles::looksBinary(QStringLiteral("déjà vu €").toUtf8()));
        QVERIFY(!BackupFiles::looksBinary(QStringLiteral("cut in a character: €").toUtf8().chopped(1)));
        QVERIFY(BackupFiles::looksBinary(QByteArray("PNG\0\1\2", 6)));
        QVERIFY(BackupFiles::looksBinary("latin-1 \xe9t\xe9 is not UTF-8"));
    }

    void extractGivesTheOriginalBytes()
    {
        const QString out = path(QStringLiteral("out-ok"));
        QDir().mkpath(out);
        JobControl control;
        const Result<QStringList> created = SelectionExtractor::run(
            m_backup, {QStringLiteral("backend/src/app.js"), QStringLiteral("frontend/prisma"), QStringLiteral("backend/public/logo.png")},
            out, control);
        QVERIFY2(created, qPrintable(created.error().toLogString()));
        QCOMPARE(created->size(), 3);
        QCOMPARE(read(out + QStringLiteral("/app.js")), read(m_app + QStringLiteral("/backend/src/app.js")));
        QCOMPARE(read(out + QStringLiteral("/logo.png")), read(m_app + QStringLiteral("/backend/public/logo.png")));
        QCOMPARE(test::treeContents(out + QStringLiteral("/prisma")), test::treeContents(m_app + QStringLiteral("/frontend/prisma")));
        QCOMPARE(QDir(out).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).size(), 3); // no staging left

        // A folder and a file inside it: the folder, once.
        const QString both = path(QStringLiteral("out-both"));
        QDir().mkpath(both);
        const Result<QStringList> folder =
            SelectionExtractor::run(m_backup, {QStringLiteral("backend/src/lib/util.js"), QStringLiteral("backend/src")}, both, control);
        QVERIFY2(folder, qPrintable(folder.error().toLogString()));
        QMap<QString, QByteArray> expected;
        const QMap<QString, QByteArray> src = test::treeContents(m_app + QStringLiteral("/backend/src"));
        for (auto it = src.cbegin(); it != src.cend(); ++it)
            expected.insert(QStringLiteral("src/") + it.key(), it.value());
        QCOMPARE(test::treeContents(both), expected);
    }

    // A name already there: nothing is written, nothing replaced, nothing left behind.
    void extractNeverReplaces()
    {
        const QString out = path(QStringLiteral("out-taken"));
        QDir().mkpath(out);
        write(out + QStringLiteral("/app.js"), "mine");
        JobControl control;
        const Result<QStringList> created =
            SelectionExtractor::run(m_backup, {QStringLiteral("backend/.env"), QStringLiteral("backend/src/app.js")}, out, control);
        QVERIFY(!created);
        QVERIFY(created.error().message.contains(QStringLiteral("app.js")));
        QCOMPARE(read(out + QStringLiteral("/app.js")), QByteArray("mine"));
        QCOMPARE(QDir(out).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), QStringList{QStringLiteral("app.js")});

        const Result<QStringList> unknown = SelectionExtractor::run(m_backup, {QStringLiteral("backend/src/nothing.js")}, out, control);
        QVERIFY(!unknown);
        QCOMPARE(QDir(out).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), QStringList{QStringLiteral("app.js")});
    }

    void compareFindsExactlyWhatChanged()
    {
        // A copy of the folders as they were, then changed the way a day of work changes them.
        const QString now = path(QStringLiteral("now"));
        QVERIFY(QProcess::execute(QStringLiteral("cp"), {QStringLiteral("-a"), m_app, now}) == 0);
        write(now + QStringLiteral("/backend/src/new.js"), "new\n");                       // added
        QVERIFY(QFile::remove(now + QStringLiteral("/backend/prisma/schema.prisma")));      // removed
        QByteArray util = read(now + QStringLiteral("/backend/src/lib/util.js"));
        util[0] = 'X';                                                                     // same size, other bytes
        write(now + QStringLiteral("/backend/src/lib/util.js"), util);
        write(now + QStringLiteral("/frontend/package.json"), "{}\n");                     // other size
        QVERIFY(QFile::remove(now + QStringLiteral("/frontend/main.js")));
        QVERIFY(QFile::link(QStringLiteral("src/lib/util.js"), now + QStringLiteral("/frontend/main.js"))); // link moved
        write(now + QStringLiteral("/frontend/.env"), read(m_app + QStringLiteral("/frontend/.env"))); // rewritten, same bytes
        write(now + QStringLiteral("/backend/node_modules/left-pad/extra.js"), "x");       // excluded: not listed

        JobControl control;
        const Result<TreeChanges> changes = TreeComparison::run(
            m_backup, {{QStringLiteral("backend"), now + QStringLiteral("/backend")}, {QStringLiteral("frontend"), now + QStringLiteral("/frontend")}},
            control);
        QVERIFY2(changes, qPrintable(changes.error().toLogString()));
        QCOMPARE(changes->added, QStringList{QStringLiteral("backend/src/new.js")});
        QCOMPARE(changes->removed, QStringList{QStringLiteral("backend/prisma/schema.prisma")});
        QCOMPARE(changes->changed, (QStringList{QStringLiteral("backend/src/lib/util.js"), QStringLiteral("frontend/main.js"),
                                                QStringLiteral("frontend/package.json")}));
        QVERIFY(changes->missingRoots.isEmpty());
        QVERIFY(changes->unchanged > 10);

        // The same folders as at backup time: nothing to report.
        const Result<TreeChanges> none = TreeComparison::run(
            m_backup, {{QStringLiteral("backend"), m_app + QStringLiteral("/backend")}, {QStringLiteral("frontend"), m_app + QStringLiteral("/frontend")}},
            control);
        QVERIFY(none);
        QVERIFY(none->isEmpty());

        // A folder that is gone is named, not taken for "everything removed".
        const Result<TreeChanges> gone = TreeComparison::run(m_backup, {{QStringLiteral("backend"), path(QStringLiteral("nowhere"))},
                                                                        {QStringLiteral("frontend"), m_app + QStringLiteral("/frontend")}},
                                                             control);
        QVERIFY(gone);
        QCOMPARE(gone->missingRoots.size(), 1);
        QVERIFY(gone->removed.isEmpty());
    }

    void parsesPgRestoreList()
    {
        const QList<DumpObject> objects = DumpContents::parse(
            ";\n; Archive created at 2026-11-22\n;\n"
            "215; 1259 16386 TABLE public customers postgres\n"
            "3390; 0 0 SEQUENCE OWNED BY public customers_id_seq postgres\n"
            "3230; 2606 16443 FK CONSTRAINT public order_items order_items_order_id_fkey shop_owner\n"
            "3378; 0 16386 TABLE DATA public customers postgres\n"
            "3389; 0 0 COMMENT - EXTENSION plpgsql \n"
            "5; 2615 2200 SCHEMA - public pg_database_owner\n");
        QCOMPARE(objects.size(), 6);
        QCOMPARE(objects[0].type, QStringLiteral("TABLE"));
        QCOMPARE(objects[0].schema, QStringLiteral("public"));
        QCOMPARE(objects[0].name, QStringLiteral("customers"));
        QCOMPARE(objects[0].owner, QStringLiteral("postgres"));
        QCOMPARE(objects[1].type, QStringLiteral("SEQUENCE OWNED BY"));
        QCOMPARE(objects[1].name, QStringLiteral("customers_id_seq"));
        QCOMPARE(objects[2].type, QStringLiteral("FK CONSTRAINT"));
        QCOMPARE(objects[2].name, QStringLiteral("order_items order_items_order_id_fkey"));
        QCOMPARE(objects[2].owner, QStringLiteral("shop_owner"));
        QCOMPARE(objects[3].type, QStringLiteral("TABLE DATA"));
        QCOMPARE(objects[4].name, QStringLiteral("EXTENSION plpgsql"));
        QCOMPARE(objects[4].owner, QString());
        QCOMPARE(objects[5].schema, QString());
        QCOMPARE(objects[5].name, QStringLiteral("public"));
    }

    // A real dump of the fixture cluster: pg_restore --list names its objects, the manifest its rows.
    void listsTheObjectsOfARealDump()
    {
        if (!test::hasFixture())
            QSKIP("needs the PostgreSQL fixture (run through ctest)");
        QVERIFY(test::recreateDatabase(QStringLiteral("browse_shop")));
        QVERIFY(test::execSql(QStringLiteral("browse_shop"),
                              {QStringLiteral("create schema sales"),
                               QStringLiteral("create table sales.orders (id serial primary key, total numeric)"),
                               QStringLiteral("insert into sales.orders (total) select g from generate_series(1, 1234) g"),
                               QStringLiteral("create index orders_total on sales.orders (total)"),
                               QStringLiteral("create view sales.big_orders as select * from sales.orders where total > 1000")}));
        JobControl control;
        const Result<Backup> backup = backUpDatabase(QStringLiteral("browse_shop"), path(QStringLiteral("repo")), QStringLiteral("withdb"));
        QVERIFY2(backup, qPrintable(backup.error().toLogString()));

        const Result<QList<DumpObject>> objects = DumpContents::list(*backup, control);
        QVERIFY2(objects, qPrintable(objects.error().toLogString()));
        auto find = [&](const QString& type, const QString& name) -> const DumpObject* {
            for (const DumpObject& o : *objects)
                if (o.type == type && o.name == name)
                    return &o;
            return nullptr;
        };
        QVERIFY(find(QStringLiteral("SCHEMA"), QStringLiteral("sales")));
        const DumpObject* orders = find(QStringLiteral("TABLE"), QStringLiteral("orders"));
        QVERIFY(orders);
        QCOMPARE(orders->schema, QStringLiteral("sales"));
        QCOMPARE(orders->rows, qint64(1234));
        QVERIFY(find(QStringLiteral("INDEX"), QStringLiteral("orders_total")));
        QVERIFY(find(QStringLiteral("VIEW"), QStringLiteral("big_orders")));
        QVERIFY(find(QStringLiteral("CONSTRAINT"), QStringLiteral("orders orders_pkey")));
        QVERIFY(find(QStringLiteral("TABLE DATA"), QStringLiteral("orders")));
    }

    // pg_restore stops reading after the table of contents: on a dump larger than what the pipe
    // and the write buffer hold, it exits while bytes are still on their way. That is success.
    void listsADumpLargerThanWhatPgRestoreReads()
    {
        if (!test::hasFixture())
            QSKIP("needs the PostgreSQL fixture (run through ctest)");
        QVERIFY(test::recreateDatabase(QStringLiteral("browse_big")));
        QVERIFY(test::execSql(QStringLiteral("browse_big"),
                              {QStringLiteral("create table blobs (id serial primary key, body text)"),
                               QStringLiteral("insert into blobs (body) select repeat(md5(i::text), 5) from generate_series(1, 200000) i")}));
        JobControl control;
        const Result<Backup> backup = backUpDatabase(QStringLiteral("browse_big"), path(QStringLiteral("repo-big")), QStringLiteral("big"));
        QVERIFY2(backup, qPrintable(backup.error().toLogString()));
        QVERIFY(backup->manifest->database->sizeBytes > 30 * 1000 * 1000);

        const Result<QList<DumpObject>> objects = DumpContents::list(*backup, control);
        QVERIFY2(objects, qPrintable(objects.error().toLogString()));
        bool found = false;
        for (const DumpObject& o : *objects)
            found |= o.type == u"TABLE" && o.name == u"blobs" && o.rows == 200000;
        QVERIFY(found);

        // A dump pg_restore really cannot read: its own words reach the person.
        const QString dump = QDir(backup->path).filePath(backup->manifest->database->file);
        QFile::remove(dump);
        QCOMPARE(QProcess::execute(QStringLiteral("sh"), {QStringLiteral("-c"), QStringLiteral("printf 'not a dump at all' | zstd -q -o \"$0\""), dump}), 0);
        const Result<QList<DumpObject>> refused = DumpContents::list(*backup, control);
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.contains(QStringLiteral("pg_restore")), qPrintable(refused.error().message));
        QVERIFY2(refused.error().message.contains(QStringLiteral(": ")), qPrintable(refused.error().message));
    }
};

QTEST_GUILESS_MAIN(TestBrowse)
#include "tst_browse.moc"
