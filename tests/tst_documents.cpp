// The documents bucket (seed 004's MinIO of uploaded files) in a real S3 server (tests/s3-fixture,
// signatures checked) with the AWS CLI as the independent client, and the PostgreSQL fixture for a
// restore of all three parts: snapshot with hostile keys, browse, compare, restore with and
// without removing what was added, a failure put back, undo.
//
// What the fixture cannot hold: s3rver stores objects as files, so it resolves "p/../x" to "x"
// and refuses "a//b"; those keys are covered by the naming and parser tests (tst_manifest) and by
// a hostile archive below. Every other kind of hostile key goes through the real server.
#include "PgFixture.h"
#include "TestBundles.h"
#include "browse/BackupFiles.h"
#include "browse/TreeComparison.h"
#include "catalog/Catalog.h"
#include "jobs/BackupJob.h"
#include "jobs/RestoreJob.h"
#include "jobs/RestorePreview.h"
#include "objects/BucketRestore.h"
#include "util/Background.h"
#include "util/Sha256.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace coffre;

namespace {

const QString Bucket = QStringLiteral("coffre-documents");

QByteArray randomBytes(qsizetype size)
{
    QByteArray bytes((size + 3) / 4 * 4, Qt::Uninitialized);
    QRandomGenerator generator{quint32(size)};
    generator.fillRange(reinterpret_cast<quint32*>(bytes.data()), bytes.size() / 4);
    bytes.truncate(size);
    return bytes;
}

QString sha256(const QByteArray& bytes)
{
    Sha256 hash;
    hash.add(bytes.constData(), bytes.size());
    return hash.hex();
}

// stdout only: GNU tar says on stderr that it ignores pax's hdrcharset (names are UTF-8 bytes).
int run(const QString& command, const QString& folder, QByteArray* output = nullptr)
{
    QProcess process;
    process.setWorkingDirectory(folder);
    process.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), command});
    process.waitForFinished(120000);
    if (output)
        *output = process.readAll();
    return process.exitCode();
}

} // namespace

class TestDocuments : public QObject
{
    Q_OBJECT

    QTemporaryDir m_work;
    QString m_prefix;                    // "tst documents/<8 hex>": a space, and unique per test
    QMap<QString, QByteArray> m_objects; // relative key → bytes, as put before the backup

    QString key(const QString& relative) const { return m_prefix + u'/' + relative; }

    s3::S3Location location() const
    {
        s3::S3Location l;
        l.bucket = Bucket;
        l.prefix = m_prefix;
        l.endpoint = qEnvironmentVariable("COFFRE_TEST_S3_ENDPOINT");
        return l;
    }

    bool putObject(const QString& relative, const QByteArray& bytes)
    {
        const QString body = m_work.filePath(QStringLiteral("body"));
        test::writeFile(body, bytes);
        int status = -1;
        test::awsOutput({QStringLiteral("s3api"), QStringLiteral("put-object"), QStringLiteral("--bucket"), Bucket, QStringLiteral("--key"), key(relative),
             QStringLiteral("--body"), body},
            &status);
        return status == 0;
    }

    void deleteObject(const QString& relative)
    {
        test::awsOutput({QStringLiteral("s3api"), QStringLiteral("delete-object"), QStringLiteral("--bucket"), Bucket, QStringLiteral("--key"), key(relative)});
    }

    QByteArray getObject(const QString& relative)
    {
        const QString out = m_work.filePath(QStringLiteral("got"));
        QFile::remove(out);
        int status = -1;
        test::awsOutput({QStringLiteral("s3api"), QStringLiteral("get-object"), QStringLiteral("--bucket"), Bucket, QStringLiteral("--key"), key(relative), out},
            &status);
        return status == 0 ? test::readFile(out) : QByteArray("<no such object>");
    }

    // Every key under the prefix, as the AWS CLI lists it, with its size and ETag.
    QMap<QString, QPair<qint64, QString>> listed()
    {
        const QJsonObject answer = QJsonDocument::fromJson(test::awsOutput({QStringLiteral("s3api"), QStringLiteral("list-objects-v2"), QStringLiteral("--bucket"),
                                                                Bucket, QStringLiteral("--prefix"), m_prefix + u'/'}))
                                       .object();
        QMap<QString, QPair<qint64, QString>> keys;
        for (const QJsonValue& entry : answer[QStringLiteral("Contents")].toArray())
            keys.insert(entry[QStringLiteral("Key")].toString().mid(m_prefix.size() + 1),
                        {entry[QStringLiteral("Size")].toInteger(), entry[QStringLiteral("ETag")].toString().remove(u'"')});
        return keys;
    }

    // The bucket holds exactly these objects, byte for byte: the server's MD5 of every object
    // (each was stored by one PUT), and the bytes themselves of the two largest.
    void checkBucketIs(const QMap<QString, QByteArray>& expected)
    {
        const auto now = listed();
        QCOMPARE(now.keys(), expected.keys());
        for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
            QCOMPARE(now[it.key()].first, qint64(it.value().size()));
            QVERIFY2(now[it.key()].second == QString::fromLatin1(QCryptographicHash::hash(it.value(), QCryptographicHash::Md5).toHex()),
                     qPrintable(it.key()));
        }
        for (const QString& relative : {QStringLiteral("big.bin"), QStringLiteral("a b/l'été \"q\".pdf")}) {
            if (expected.contains(relative))
                QVERIFY2(getObject(relative) == expected[relative], qPrintable(relative));
        }
    }

    void writeFaults(const QByteArray& lines)
    {
        QFile faults(qEnvironmentVariable("COFFRE_TEST_S3_BASE") + QStringLiteral("/faults.tst_documents"));
        QVERIFY(faults.open(QIODevice::WriteOnly | QIODevice::Truncate));
        faults.write(lines);
    }

    Profile profile(const QString& name)
    {
        Profile p;
        p.name = name;
        p.repository = m_work.filePath(name + QStringLiteral("/backups"));
        const QString app = m_work.filePath(name + QStringLiteral("/app"));
        test::writeFile(app + QStringLiteral("/package.json"), "{\"v\":1}\n");
        p.sources = {{QStringLiteral("app"), app}};
        p.documents = location();
        return p;
    }

    Result<Backup> backup(const Profile& p, const QString& name, bool withDatabase = false)
    {
        BackupRequest request;
        request.profile = p;
        request.name = name;
        request.includeDatabase = withDatabase;
        JobControl control;
        return BackupJob::run(request, control);
    }

    Result<RestoreOutcome> restore(const Profile& p, const Backup& b, bool removeNew, bool database = false, const QStringList& sources = {})
    {
        RestoreRequest request;
        request.profile = p;
        request.backup = b;
        request.database = database;
        request.sources = sources;
        request.bucket = QStringLiteral("documents");
        request.removeNewObjects = removeNew;
        JobControl control;
        return RestoreJob::run(request, control);
    }

    // The hostile keys the fixture holds: spaces, accents, quotes, a tab, a backslash, URL
    // characters, an emoji, a leading space, a folder marker, a key that is also a folder, an
    // empty object and a 6 MB one.
    void putHostileObjects()
    {
        m_objects = {
            {QStringLiteral("a b/l'été \"q\".pdf"), randomBytes(1000)},
            {QStringLiteral("empty.txt"), QByteArray()},
            {QStringLiteral("big.bin"), randomBytes(6 * 1024 * 1024)},
            {QStringLiteral("tab\there"), "tab"},
            {QStringLiteral("back\\slash"), "backslash"},
            {QStringLiteral("100% + plus?#&=.txt"), "url"},
            {QStringLiteral("emoji 🎉~.txt"), "emoji"},
            {QStringLiteral(" leading space"), "space"},
            {QStringLiteral("folder/"), QByteArray()},
            {QStringLiteral("a"), "a file"},
            {QStringLiteral("a/b"), "inside a"},
        };
        // One `aws s3 cp --recursive` for what a folder can hold, put-object for the rest.
        const QString folder = m_work.filePath(QStringLiteral("objects-") + m_prefix.section(u'/', 1));
        for (auto it = m_objects.cbegin(); it != m_objects.cend(); ++it) {
            if (it.key() != u"folder/" && it.key() != u"a")
                test::writeFile(folder + u'/' + it.key(), it.value());
        }
        int status = -1;
        test::awsOutput({QStringLiteral("s3"), QStringLiteral("cp"), QStringLiteral("--recursive"), QStringLiteral("--quiet"), folder,
             QStringLiteral("s3://%1/%2/").arg(Bucket, m_prefix)},
            &status);
        QCOMPARE(status, 0);
        for (const QString& relative : {QStringLiteral("folder/"), QStringLiteral("a")})
            QVERIFY2(putObject(relative, m_objects[relative]), qPrintable(relative));
        checkBucketIs(m_objects);
    }

    // After the backup: one object changed, two deleted, one added.
    QMap<QString, QByteArray> changeObjects()
    {
        QMap<QString, QByteArray> now = m_objects;
        now[QStringLiteral("a b/l'été \"q\".pdf")] = "changed since the backup";
        deleteObject(QStringLiteral("empty.txt"));
        deleteObject(QStringLiteral("big.bin"));
        now.remove(QStringLiteral("empty.txt"));
        now.remove(QStringLiteral("big.bin"));
        now.insert(QStringLiteral("new/added after.txt"), "added");
        for (const QString& relative : {QStringLiteral("a b/l'été \"q\".pdf"), QStringLiteral("new/added after.txt")})
            putObject(relative, now[relative]);
        return now;
    }

private slots:
    void init()
    {
        m_prefix = QStringLiteral("tst documents/") + QUuid::createUuid().toString(QUuid::Id128).left(8);
        QFile::remove(qEnvironmentVariable("COFFRE_TEST_S3_BASE") + QStringLiteral("/faults.tst_documents"));
    }

    void cleanup() { QFile::remove(qEnvironmentVariable("COFFRE_TEST_S3_BASE") + QStringLiteral("/faults.tst_documents")); }

    void snapshotListsEveryObjectAndArchivesSafeNames()
    {
        putHostileObjects();
        const Profile p = profile(QStringLiteral("snapshot"));
        BackupRequest request;
        request.profile = p;
        request.name = QStringLiteral("with_documents");
        request.includeDatabase = false;
        JobControl control;
        const Result<Backup> made = BackupJob::run(request, control);
        QVERIFY2(made.ok(), qPrintable(made.error().toLogString()));
        QCOMPARE(made->components(), (QStringList{QStringLiteral("source:app"), QStringLiteral("bucket:documents")}));
        // Counted in the progress: the bucket's bytes are part of the total and of what was done.
        qint64 bucketBytes = 0;
        for (const QByteArray& bytes : std::as_const(m_objects))
            bucketBytes += bytes.size();
        QVERIFY(control.bytesTotal() >= bucketBytes);
        QVERIFY(control.bytesDone() >= bucketBytes);

        // The manifest lists every object with the key, size and ETag the AWS CLI sees, and the
        // SHA-256 of its bytes.
        const ObjectsPart& part = made->manifest->objects.first();
        QCOMPARE(part.label, QStringLiteral("documents"));
        QCOMPARE(part.bucket, Bucket);
        QCOMPARE(part.prefix, m_prefix);
        QCOMPARE(part.archive, QStringLiteral("objects/documents.tar.zst"));
        QCOMPARE(part.objectCount, qint64(m_objects.size()));
        QCOMPARE(part.bytes, bucketBytes);
        const auto byAws = listed();
        QStringList entries;
        for (const StoredObject& object : part.objects) {
            const QString relative = object.key.mid(m_prefix.size() + 1);
            QVERIFY2(m_objects.contains(relative), qPrintable(object.key));
            QCOMPARE(object.size, qint64(m_objects[relative].size()));
            QCOMPARE(object.etag, byAws[relative].second);
            QCOMPARE(object.sha256, sha256(m_objects[relative]));
            QVERIFY(object.modified.isValid());
            entries << part.entryOf(object);
        }
        // Keys that are no plain path go to other-keys/<n>: the folder marker, the tab, the
        // backslash, and "a" (which is also the folder of "a/b").
        for (const QString& odd : {QStringLiteral("folder/"), QStringLiteral("tab\there"), QStringLiteral("back\\slash"), QStringLiteral("a")}) {
            const auto it = std::find_if(part.objects.cbegin(), part.objects.cend(), [&](const StoredObject& o) { return o.key == key(odd); });
            QVERIFY(it != part.objects.cend());
            QVERIFY2(it->entry.startsWith(QStringLiteral("other-keys/")), qPrintable(odd));
        }
        QVERIFY(entries.contains(QStringLiteral("objects/a b/l'été \"q\".pdf")));
        QVERIFY(entries.contains(QStringLiteral("objects/a/b")));

        // tar and zstd read it: exactly the manifest's entries under the two fixed folders.
        QByteArray listing;
        QCOMPARE(run(QStringLiteral("tar -I zstd -tf objects/documents.tar.zst"), made->path, &listing), 0);
        QStringList names = QString::fromUtf8(listing).split(u'\n', Qt::SkipEmptyParts);
        QVERIFY(names.removeOne(QStringLiteral("objects/")));
        names.sort();
        entries.sort();
        QCOMPARE(names, entries);
        // By hand, as RESTORE_INSTRUCTIONS.md says: the plain keys come out as files.
        QCOMPARE(run(QStringLiteral("sha256sum -c SHA256SUMS && mkdir -p restored/documents && zstd -dc objects/documents.tar.zst | tar -xf - -C restored/documents"),
                     made->path),
                 0);
        QCOMPARE(test::readFile(made->path + QStringLiteral("/restored/documents/objects/big.bin")), m_objects[QStringLiteral("big.bin")]);
        QCOMPARE(test::readFile(made->path + QStringLiteral("/restored/documents/objects/a b/l'été \"q\".pdf")),
                 m_objects[QStringLiteral("a b/l'été \"q\".pdf")]);
        QVERIFY(test::readFile(made->path + QStringLiteral("/RESTORE_INSTRUCTIONS.md")).contains("s3 cp --recursive restored/documents/objects/"));

        // Browse: a tree under documents/, the other keys beside it; a preview reads the archive.
        JobControl browse;
        const Result<FileTree> tree = BackupFiles::load(*made, browse);
        QVERIFY2(tree.ok(), qPrintable(tree.error().toLogString()));
        QVERIFY(tree->find(QStringLiteral("documents/a b/l'été \"q\".pdf")) >= 0);
        QVERIFY(tree->find(QStringLiteral("documents/a/b")) >= 0);
        QVERIFY(tree->find(QStringLiteral("documents/new")) < 0);
        QCOMPARE(tree->node(tree->find(QStringLiteral("documents/big.bin"))).size, 6 * 1024 * 1024);
        QVERIFY(tree->find(QStringLiteral("documents (other keys)")) >= 0);
        QVERIFY(tree->find(QStringLiteral("app/package.json")) >= 0);
        const Result<FilePreview> preview = BackupFiles::preview(*made, QStringLiteral("documents/a/b"));
        QVERIFY2(preview.ok(), qPrintable(preview.error().toLogString()));
        QCOMPARE(preview->bytes, QByteArray("inside a"));
    }

    void compareRestoreUndoAndRemoveAdded()
    {
        putHostileObjects();
        const Profile p = profile(QStringLiteral("restore"));
        const Result<Backup> made = backup(p, QStringLiteral("before_changes"));
        QVERIFY2(made.ok(), qPrintable(made.error().toLogString()));
        const QMap<QString, QByteArray> changed = changeObjects();

        // Compare: what changed in the bucket since the backup, by key under documents/.
        JobControl compare;
        const Result<TreeChanges> changes = TreeComparison::run(*made, p.sources, compare, p.documents);
        QVERIFY2(changes.ok(), qPrintable(changes.error().toLogString()));
        QCOMPARE(changes->added, QStringList{QStringLiteral("documents/new/added after.txt")});
        QCOMPARE(changes->removed, (QStringList{QStringLiteral("documents/big.bin"), QStringLiteral("documents/empty.txt")}));
        QCOMPARE(changes->changed, QStringList{QStringLiteral("documents/a b/l'été \"q\".pdf")});
        QCOMPARE(changes->unchanged, qint64(m_objects.size() - 3 + 1)); // + app/package.json
        QVERIFY(changes->missingRoots.isEmpty());

        // The preview lists the added object, and says it stays.
        RestoreRequest request;
        request.profile = p;
        request.backup = *made;
        request.database = false;
        request.bucket = QStringLiteral("documents");
        const QString preview = RestorePreview::describe(request, {});
        QVERIFY2(preview.contains(QStringLiteral("3 object(s) to put back")), qPrintable(preview));
        QVERIFY2(preview.contains(key(QStringLiteral("new/added after.txt"))), qPrintable(preview));
        QVERIFY2(preview.contains(QStringLiteral("are kept")), qPrintable(preview));
        QVERIFY2(preview.contains(QStringLiteral("safety backup")), qPrintable(preview));

        // Restore: the backup's objects back, byte for byte; the added one stays.
        const Result<RestoreOutcome> restored = restore(p, *made, false);
        QVERIFY2(restored.ok(), qPrintable(restored.error().toLogString()));
        QVERIFY(restored->bucket);
        QCOMPARE(restored->bucket->putBack.size(), 3);
        QCOMPARE(restored->bucket->unchanged, qint64(m_objects.size() - 3));
        QCOMPARE(restored->bucket->added, QStringList{key(QStringLiteral("new/added after.txt"))});
        QVERIFY(!restored->bucket->addedRemoved);
        QCOMPARE(restored->bucket->safetyBackup, QStringLiteral("safety_before_restore_") + restored->journal.stamp + QStringLiteral("_documents"));
        QMap<QString, QByteArray> expected = m_objects;
        expected.insert(QStringLiteral("new/added after.txt"), "added");
        checkBucketIs(expected);
        // The ETags are the originals' (one PUT each, MD5s): compare sees nothing changed but the added one.
        const Result<TreeChanges> after = TreeComparison::run(*made, p.sources, compare, p.documents);
        QVERIFY(after.ok());
        QCOMPARE(after->changed, QStringList());
        QCOMPARE(after->removed, QStringList());
        QCOMPARE(after->added, QStringList{QStringLiteral("documents/new/added after.txt")});
        // `aws s3 cp`, the everyday client, reads the same bytes back.
        test::awsOutput({QStringLiteral("s3"), QStringLiteral("cp"), QStringLiteral("s3://%1/%2/big.bin").arg(Bucket, m_prefix), m_work.filePath(QStringLiteral("by-cp.bin"))});
        QCOMPARE(test::readFile(m_work.filePath(QStringLiteral("by-cp.bin"))), m_objects[QStringLiteral("big.bin")]);
        // The safety backup holds what the restore overwrote: the changed object as it was.
        const Backup safety = Catalog::inspect(p.repository, restored->bucket->safetyBackup);
        QCOMPARE(safety.status, BackupStatus::Complete);
        QCOMPARE(safety.kind(), BackupKind::Safety);
        QCOMPARE(safety.manifest->objects.first().objects.size(), 1);
        QCOMPARE(safety.manifest->objects.first().objects.first().sha256, sha256(changed[QStringLiteral("a b/l'été \"q\".pdf")]));

        // Undo: the bucket as it was before the restore.
        JobControl undoControl;
        const Result<RestoreJournal> undone = RestoreJob::undo(p, {}, undoControl);
        QVERIFY2(undone.ok(), qPrintable(undone.error().toLogString()));
        QVERIFY(undone->bucket && undone->bucket->reverted);
        checkBucketIs(changed);

        // Restore again, removing what was added: exactly the backup's objects.
        const Result<RestoreOutcome> again = restore(p, *made, true);
        QVERIFY2(again.ok(), qPrintable(again.error().toLogString()));
        QVERIFY(again->bucket->addedRemoved);
        QCOMPARE(again->bucket->added, QStringList{key(QStringLiteral("new/added after.txt"))});
        checkBucketIs(m_objects);
        const Result<TreeChanges> none = TreeComparison::run(*made, p.sources, compare, p.documents);
        QVERIFY(none.ok() && none->isEmpty());
        // And undone: the added object is back too, from the safety backup.
        QVERIFY(RestoreJob::undo(p, {}, undoControl).ok());
        checkBucketIs(changed);
    }

    void failedRestorePutsTheBucketBack()
    {
        putHostileObjects();
        QVERIFY(putObject(QStringLiteral("zz-fail-me.txt"), "will fail"));
        m_objects.insert(QStringLiteral("zz-fail-me.txt"), "will fail");
        const Profile p = profile(QStringLiteral("failed"));
        const Result<Backup> made = backup(p, QStringLiteral("before_changes"));
        QVERIFY2(made.ok(), qPrintable(made.error().toLogString()));
        QMap<QString, QByteArray> changed = changeObjects();
        deleteObject(QStringLiteral("zz-fail-me.txt"));
        changed.remove(QStringLiteral("zz-fail-me.txt"));
        // Its upload is refused (4xx: never retried); the others may be back already by then.
        writeFaults("403 1 AccessDenied @/zz-fail-me\n");
        const Result<RestoreOutcome> restored = restore(p, *made, true);
        QVERIFY(!restored.ok());
        QVERIFY2(restored.error().message.contains(QStringLiteral("The bucket was put back as it was")), qPrintable(restored.error().toLogString()));
        checkBucketIs(changed);
        QVERIFY(!QFileInfo::exists(p.repository + QStringLiteral("/.coffre-restore.json")));
        QVERIFY(!QFileInfo::exists(p.repository + QStringLiteral("/.coffre-last-restore.json")));
        const QStringList hidden = QDir(p.repository).entryList({QStringLiteral(".restore*")}, QDir::AllEntries | QDir::Hidden);
        QCOMPARE(hidden, QStringList());
    }

    // A restore killed after it changed the bucket: its journal names the safety backup and the
    // keys it created, and the next start puts the bucket back.
    void interruptedRestoreIsPutBackAtNextStart()
    {
        m_objects = {{QStringLiteral("one.txt"), "one"}, {QStringLiteral("two.txt"), "two"}};
        for (auto it = m_objects.cbegin(); it != m_objects.cend(); ++it)
            QVERIFY(putObject(it.key(), it.value()));
        const Profile p = profile(QStringLiteral("interrupted"));
        const Result<Backup> made = backup(p, QStringLiteral("before_changes"));
        QVERIFY2(made.ok(), qPrintable(made.error().toLogString()));
        deleteObject(QStringLiteral("one.txt"));
        QVERIFY(putObject(QStringLiteral("two.txt"), "two, changed"));
        QVERIFY(putObject(QStringLiteral("three.txt"), "three"));
        const QMap<QString, QByteArray> changed{{QStringLiteral("two.txt"), "two, changed"}, {QStringLiteral("three.txt"), "three"}};
        const Result<RestoreOutcome> restored = restore(p, *made, true);
        QVERIFY2(restored.ok(), qPrintable(restored.error().toLogString()));
        checkBucketIs(m_objects);

        // As a kill after the uploads leaves it: the journal in progress, the bucket changed.
        const QDir repository(p.repository);
        QJsonObject journal = QJsonDocument::fromJson(test::readFile(repository.filePath(QStringLiteral(".coffre-last-restore.json")))).object();
        QVERIFY(journal.contains(QStringLiteral("bucket")));
        journal[QStringLiteral("state")] = QStringLiteral("staging");
        test::writeFile(repository.filePath(QStringLiteral(".coffre-restore.json")), QJsonDocument(journal).toJson());
        QVERIFY(QFile::remove(repository.filePath(QStringLiteral(".coffre-last-restore.json"))));
        const QString recovered = RestoreJob::recover(p, {});
        QVERIFY2(recovered.contains(QStringLiteral("put back")), qPrintable(recovered));
        checkBucketIs(changed);
        QVERIFY(!QFileInfo::exists(repository.filePath(QStringLiteral(".coffre-restore.json"))));
        QVERIFY(RestoreJob::recover(p, {}).isEmpty()); // once only
    }

    void canceledSnapshotLeavesNoBackup()
    {
        putHostileObjects();
        QVERIFY(putObject(QStringLiteral("slow.bin"), randomBytes(1000)));
        const Profile p = profile(QStringLiteral("canceled"));
        // Its download fails and is retried with backoff (250 ms, 500 ms, 1 s…): time to cancel.
        writeFaults("500 4 @" + m_prefix.section(u'/', 1).toUtf8() + "/slow\n");
        BackupRequest request;
        request.profile = p;
        request.name = QStringLiteral("canceled");
        request.includeDatabase = false;
        auto control = std::make_shared<JobControl>();
        QFuture<Result<Backup>> job = BackupJob::start(request, control);
        // qWaitFor looks once per turn: QTRY would look again after a yes, and a phase may pass.
        QVERIFY(QTest::qWaitFor([&] { return control->phase().contains(QStringLiteral("Backing up")); }, 20000));
        QTest::qWait(300);
        control->cancel();
        job.waitForFinished();
        QVERIFY(!job.result().ok());
        QCOMPARE(job.result().error().code, ErrorCode::Canceled);
        QVERIFY(!QFileInfo::exists(p.repository + QStringLiteral("/canceled")));
    }

    void hostileArchiveIsRefusedByItsManifest()
    {
        QVERIFY(putObject(QStringLiteral("kept.txt"), "kept"));
        // A manifest naming one object, an archive that also holds a path climbing out.
        const QString archive = test::writeTar(m_work.filePath(QStringLiteral("hostile.tar")),
                                               {{"objects/", 040000, {}}, {"../evil", 0100000, "evil"}, {"objects/kept.txt", 0100000, "kept"}});
        ObjectsPart part;
        part.label = QStringLiteral("documents");
        part.bucket = Bucket;
        part.prefix = m_prefix;
        part.archive = QStringLiteral("objects/documents.tar");
        part.objects = {{key(QStringLiteral("kept.txt")), 4, QStringLiteral("0"), sha256("kept"), {}, {}},
                        {key(QStringLiteral("../x")), 4, QStringLiteral("0"), sha256("evil"), {}, QStringLiteral("other-keys/1")}};
        BucketChanges changes;
        changes.missing = {0, 1};
        JobControl control;
        const auto restored = BucketRestore::run({part, archive, location(), {}, changes, false, m_work.path()}, control);
        QVERIFY(!restored.ok());
        QVERIFY2(restored.error().message.contains(QStringLiteral("does not match its manifest")), qPrintable(restored.error().toLogString()));
        QVERIFY(restored.error().detail.contains(QStringLiteral("../evil")));
        // Bytes other than the manifest's: refused before anything is sent.
        const QString forged = test::writeTar(m_work.filePath(QStringLiteral("forged.tar")), {{"objects/kept.txt", 0100000, "evil"}});
        part.objects.removeLast();
        changes.missing = {0};
        deleteObject(QStringLiteral("kept.txt"));
        const auto refused = BucketRestore::run({part, forged, location(), {}, changes, false, m_work.path()}, control);
        QVERIFY(!refused.ok());
        QCOMPARE(listed().size(), 0);
    }

    // Database, folder and bucket together: all three back, then all three undone.
    void databaseFolderAndBucketTogether()
    {
        putHostileObjects();
        const QString db = QStringLiteral("documents_together");
        QVERIFY(test::recreateDatabase(db));
        QVERIFY(test::execSql(db, {QStringLiteral("create table invoices (id serial primary key, document text)"),
                                   QStringLiteral("insert into invoices (document) select 'a b/l''été \"q\".pdf' from generate_series(1, 50)")}));
        Profile p = profile(QStringLiteral("together"));
        p.database = test::fixtureDatabase(db);
        const Result<Backup> made = backup(p, QStringLiteral("all_three"), true);
        QVERIFY2(made.ok(), qPrintable(made.error().toLogString()));
        QCOMPARE(made->components(),
                 (QStringList{QStringLiteral("database"), QStringLiteral("source:app"), QStringLiteral("bucket:documents")}));

        const QMap<QString, QByteArray> changed = changeObjects();
        QVERIFY(test::execSql(db, {QStringLiteral("delete from invoices where id > 10")}));
        test::writeFile(p.sources[0].path + QStringLiteral("/package.json"), "{\"v\":2}\n");

        const Result<RestoreOutcome> restored = restore(p, *made, false, true, {QStringLiteral("app")});
        QVERIFY2(restored.ok(), qPrintable(restored.error().toLogString()));
        QCOMPARE(test::sqlScalar(db, QStringLiteral("select count(*) from invoices")), QStringLiteral("50"));
        QCOMPARE(test::readFile(p.sources[0].path + QStringLiteral("/package.json")), QByteArray("{\"v\":1}\n"));
        QMap<QString, QByteArray> expected = m_objects;
        expected.insert(QStringLiteral("new/added after.txt"), "added");
        checkBucketIs(expected);

        JobControl undoControl;
        const Result<RestoreJournal> undone = RestoreJob::undo(p, {}, undoControl);
        QVERIFY2(undone.ok(), qPrintable(undone.error().toLogString()));
        QCOMPARE(test::sqlScalar(db, QStringLiteral("select count(*) from invoices")), QStringLiteral("10"));
        QCOMPARE(test::readFile(p.sources[0].path + QStringLiteral("/package.json")), QByteArray("{\"v\":2}\n"));
        checkBucketIs(changed);
    }
};

QTEST_GUILESS_MAIN(TestDocuments)
#include "tst_documents.moc"
