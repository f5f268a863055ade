// Off-site copies in a real S3 server (tests/s3-fixture, signatures checked), the AWS CLI as
// the independent client.
#include "audit/AuditLog.h"
#include "TestBundles.h"
#include "catalog/Catalog.h"
#include "jobs/VerifyJob.h"
#include "offsite/OffsiteStore.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace coffre;

namespace {

QByteArray readFile(const QString& path)
{
    QFile file(path);
    file.open(QIODevice::ReadOnly);
    return file.readAll();
}

QStringList namesOf(const QList<Backup>& backups)
{
    QStringList names;
    for (const Backup& backup : backups)
        names << backup.name;
    return names;
}

} // namespace

class TestOffsite : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    s3::S3Location m_location;

    std::unique_ptr<OffsiteStore> store()
    {
        auto opened = OffsiteStore::open(m_location);
        if (!opened.ok())
            qFatal("%s", qPrintable(opened.error().toLogString()));
        return std::move(opened.value());
    }

    QString repository(const QString& name) { return m_dir.filePath(name); }

private slots:
    void init()
    {
        // Each test its own prefix: what one leaves never shows in another's listing.
        m_location = s3::S3Location::parse(QStringLiteral("s3://coffre-offsite/tst offsite/") + QUuid::createUuid().toString(QUuid::Id128).left(8)).value();
        m_location.endpoint = qEnvironmentVariable("COFFRE_TEST_S3_ENDPOINT");
    }

    void uploadListDownloadRoundTrip()
    {
        const QString local = repository(QStringLiteral("local"));
        test::writeCompleteBundle(local, {QStringLiteral("backup_20261201_080000"), QDateTime::currentDateTimeUtc().addDays(-1), 20 * 1024 * 1024});
        test::writeCompleteBundle(local, {QStringLiteral("backup_20261201_090000"), QDateTime::currentDateTimeUtc(), 3000});
        auto offsite = store();
        auto control = std::make_shared<JobControl>();
        offsite->setControl(control);
        for (const QString& name : {QStringLiteral("backup_20261201_080000"), QStringLiteral("backup_20261201_090000")}) {
            const auto uploaded = offsite->upload(Catalog::inspect(local, name));
            QVERIFY2(uploaded.ok(), qPrintable(uploaded.error().toLogString()));
            QCOMPARE(control->bytesDone(), control->bytesTotal()); // progress per upload, to its end
        }

        const auto listed = offsite->list();
        QVERIFY2(listed.ok(), qPrintable(listed.error().toLogString()));
        QCOMPARE(namesOf(*listed), (QStringList{QStringLiteral("backup_20261201_090000"), QStringLiteral("backup_20261201_080000")}));
        QCOMPARE(listed->last().status, BackupStatus::Complete);
        QVERIFY(listed->last().path.startsWith(QLatin1String("s3://coffre-offsite/tst offsite/")));
        QCOMPARE(namesOf(OffsiteStore::cachedList(m_location)), namesOf(*listed));

        // The AWS CLI downloads exactly the bytes of the local bundle.
        const QString key = m_location.keyFor(QStringLiteral("backup_20261201_080000/database.dump"));
        test::aws({QStringLiteral("s3"), QStringLiteral("cp"), QStringLiteral("s3://coffre-offsite/") + key, m_dir.filePath(QStringLiteral("by-aws.dump"))});
        QVERIFY(readFile(m_dir.filePath(QStringLiteral("by-aws.dump"))) == readFile(local + QStringLiteral("/backup_20261201_080000/database.dump")));

        // A second upload of the same name is refused, and changes nothing.
        const auto again = offsite->upload(Catalog::inspect(local, QStringLiteral("backup_20261201_090000")));
        QCOMPARE(again.error().code, QStringLiteral("exists"));

        // Down into another repository: complete, every checksum right, the same bytes.
        const QString elsewhere = repository(QStringLiteral("elsewhere"));
        const auto downloaded = offsite->download(QStringLiteral("backup_20261201_080000"), elsewhere);
        QVERIFY2(downloaded.ok(), qPrintable(downloaded.error().toLogString()));
        QCOMPARE(downloaded->status, BackupStatus::Complete);
        JobControl verifyControl;
        QVERIFY(VerifyJob::run(*downloaded, verifyControl).ok());
        QCOMPARE(test::treeContents(downloaded->path), test::treeContents(local + QStringLiteral("/backup_20261201_080000")));
        QCOMPARE(QDir(elsewhere).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 (QStringList{QStringLiteral(".coffre-audit.jsonl"), QStringLiteral(".coffre.lock"), QStringLiteral("backup_20261201_080000")}));
        const QList<AuditEntry> fetched = *AuditLog::read(elsewhere);
        QCOMPARE(fetched.size(), 1);
        QCOMPARE(fetched[0].action, AuditAction::Download);
        QCOMPARE(fetched[0].backup, QStringLiteral("backup_20261201_080000"));
        QVERIFY(fetched[0].message.contains(QStringLiteral("s3://")));
        QVERIFY(offsite->verify(QStringLiteral("backup_20261201_090000")).ok());

        // Deleted: gone from the listing and from the bucket.
        QVERIFY(offsite->remove(QStringLiteral("backup_20261201_080000")).ok());
        QCOMPARE(namesOf(offsite->list().value()), QStringList{QStringLiteral("backup_20261201_090000")});
        QVERIFY(!test::aws({QStringLiteral("s3"), QStringLiteral("ls"), QStringLiteral("--recursive"), QStringLiteral("s3://coffre-offsite/") + m_location.prefix + u'/'})
                     .contains("backup_20261201_080000"));
        QCOMPARE(offsite->remove(QStringLiteral("backup_20261201_080000")).error().code, ErrorCode::NotFound);
    }

    void bundlePutThereByAwsIsListedAndFetched()
    {
        const QString made = repository(QStringLiteral("made-elsewhere"));
        const QString bundle = test::writeCompleteBundle(made, {QStringLiteral("backup_20261130_230000")});
        test::aws({QStringLiteral("s3"), QStringLiteral("cp"), QStringLiteral("--recursive"), bundle,
             m_location.url() + QStringLiteral("/backup_20261130_230000/")});
        auto offsite = store();
        QCOMPARE(namesOf(offsite->list().value()), QStringList{QStringLiteral("backup_20261130_230000")});
        const auto downloaded = offsite->download(QStringLiteral("backup_20261130_230000"), repository(QStringLiteral("here")));
        QVERIFY2(downloaded.ok(), qPrintable(downloaded.error().toLogString()));
        QCOMPARE(test::treeContents(downloaded->path), test::treeContents(bundle));
    }

    void halfUploadedBundleIsNeverABackup()
    {
        const QString made = repository(QStringLiteral("half"));
        const QString bundle = test::writeCompleteBundle(made, {QStringLiteral("backup_20261129_230000")});
        test::aws({QStringLiteral("s3"), QStringLiteral("cp"), QStringLiteral("--recursive"), QStringLiteral("--exclude"), QStringLiteral("manifest.json"),
             bundle, m_location.url() + QStringLiteral("/backup_20261129_230000/")});
        auto offsite = store();
        QVERIFY(offsite->list()->isEmpty());
        QCOMPARE(offsite->download(QStringLiteral("backup_20261129_230000"), repository(QStringLiteral("here"))).error().code, ErrorCode::NotFound);
    }

    void damagedCopyIsRefusedAndLeavesNothing()
    {
        const QString local = repository(QStringLiteral("local"));
        const QString bundle = test::writeCompleteBundle(local, {QStringLiteral("backup_20261128_230000")});
        auto offsite = store();
        QVERIFY(offsite->upload(Catalog::inspect(local, QStringLiteral("backup_20261128_230000"))).ok());
        // Same size, other bytes: only the checksum can tell.
        QByteArray dump = readFile(bundle + QStringLiteral("/database.dump"));
        dump[10] = char(dump[10] ^ 0x55);
        QFile tampered(m_dir.filePath(QStringLiteral("tampered.dump")));
        QVERIFY(tampered.open(QIODevice::WriteOnly));
        tampered.write(dump);
        tampered.close();
        test::aws({QStringLiteral("s3"), QStringLiteral("cp"), tampered.fileName(), m_location.url() + QStringLiteral("/backup_20261128_230000/database.dump")});

        const QString target = repository(QStringLiteral("target"));
        const auto downloaded = offsite->download(QStringLiteral("backup_20261128_230000"), target);
        QVERIFY(!downloaded.ok());
        QVERIFY2(downloaded.error().message.contains(QLatin1String("damaged")), qPrintable(downloaded.error().message));
        QVERIFY(downloaded.error().message.contains(QLatin1String("database.dump")));
        QCOMPARE(QDir(target).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 (QStringList{QStringLiteral(".coffre-audit.jsonl"), QStringLiteral(".coffre.lock")}));
        QCOMPARE(AuditLog::read(target)->value(0).outcome, QStringLiteral("failed"));
        QVERIFY(!offsite->verify(QStringLiteral("backup_20261128_230000")).ok());
    }

    void damagedLocalCopyIsNotSent()
    {
        const QString local = repository(QStringLiteral("local"));
        const QString bundle = test::writeCompleteBundle(local, {QStringLiteral("backup_20261127_230000")});
        QFile dump(bundle + QStringLiteral("/database.dump"));
        QVERIFY(dump.open(QIODevice::ReadWrite));
        dump.seek(5);
        dump.write("X");
        dump.close();
        auto offsite = store();
        const auto uploaded = offsite->upload(Catalog::inspect(local, QStringLiteral("backup_20261127_230000")));
        QVERIFY(!uploaded.ok());
        QVERIFY2(uploaded.error().message.contains(QLatin1String("local copy")), qPrintable(uploaded.error().message));
        QVERIFY(!test::aws({QStringLiteral("s3"), QStringLiteral("ls"), QStringLiteral("--recursive"), m_location.url() + u'/'}).contains("backup_"));
    }

    void deadMultipartUploadsAreCleanedByTheNextUpload()
    {
        const QString name = QStringLiteral("backup_20261126_230000");
        const QByteArray started = test::aws({QStringLiteral("s3api"), QStringLiteral("create-multipart-upload"), QStringLiteral("--bucket"),
                                        m_location.bucket, QStringLiteral("--key"), m_location.keyFor(name + QStringLiteral("/database.dump"))});
        QVERIFY2(started.contains("UploadId"), started.constData());
        const QString local = repository(QStringLiteral("local"));
        test::writeCompleteBundle(local, {name});
        auto offsite = store();
        QVERIFY(offsite->upload(Catalog::inspect(local, name)).ok());
        const QByteArray pending = test::aws({QStringLiteral("s3api"), QStringLiteral("list-multipart-uploads"), QStringLiteral("--bucket"), m_location.bucket,
                                        QStringLiteral("--prefix"), m_location.prefix});
        QVERIFY2(!pending.contains("UploadId"), pending.constData());
    }
};

QTEST_GUILESS_MAIN(TestOffsite)
#include "tst_offsite.moc"
