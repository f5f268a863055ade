// The S3 client against a real S3 server (s3rver) behind a front that checks every SigV4
// signature as S3 does (tests/s3-fixture); the AWS CLI is the independent client.
#include "jobs/JobControl.h"
#include "s3/AwsEnvironment.h"
#include "s3/S3Client.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>

using namespace coffre;
using namespace coffre::s3;

namespace {

const QString Bucket = QStringLiteral("coffre-offsite");

QString env(const char* name)
{
    return qEnvironmentVariable(name);
}

S3Endpoint fixtureEndpoint(const QString& secret = env("COFFRE_TEST_S3_SECRET"))
{
    return S3Endpoint{QUrl(env("COFFRE_TEST_S3_ENDPOINT")), QStringLiteral("us-east-1"), true, {},
                      Credentials{QStringLiteral("S3RVER"), secret, {}}};
}

// The AWS CLI, reading the fixture's credentials file (set by the test's environment).
QByteArray aws(const QStringList& arguments, int* exitCode = nullptr)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral("/usr/bin/aws"), QStringList{QStringLiteral("--endpoint-url"), env("COFFRE_TEST_S3_ENDPOINT")} + arguments);
    process.waitForFinished(120000);
    if (exitCode)
        *exitCode = process.exitCode();
    else if (process.exitCode() != 0)
        qWarning("aws %s: %s", qPrintable(arguments.join(u' ')), process.readAll().constData());
    return process.readAllStandardOutput() + process.readAll();
}

void writeFaults(const QByteArray& lines)
{
    QFile faults(env("COFFRE_TEST_S3_BASE") + QStringLiteral("/faults.tst_s3client"));
    QVERIFY(faults.open(QIODevice::WriteOnly));
    faults.write(lines);
}

QByteArray randomBytes(qint64 size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    QRandomGenerator generator(42);
    generator.fillRange(reinterpret_cast<quint32*>(bytes.data()), size / 4);
    return bytes;
}

QString writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    file.open(QIODevice::ReadOnly);
    return file.readAll();
}

} // namespace

class TestS3Client : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (env("COFFRE_TEST_S3_ENDPOINT").isEmpty())
            QFAIL("COFFRE_TEST_S3_ENDPOINT is not set: run through ctest (the s3 fixture)");
        QFile::remove(env("COFFRE_TEST_S3_BASE") + QStringLiteral("/faults.tst_s3client"));
    }

    void locationsAreParsedAndNeverFolders()
    {
        QVERIFY(S3Location::looksLikeS3(QStringLiteral("s3://b/p")));
        QVERIFY(S3Location::looksLikeS3(QStringLiteral("S3:bucket")));
        QVERIFY(!S3Location::looksLikeS3(QStringLiteral("/srv/s3/backups")));
        const auto location = S3Location::parse(QStringLiteral("s3://coffre-offsite/shop/prod/"));
        QVERIFY(location.ok());
        QCOMPARE(location->bucket, Bucket);
        QCOMPARE(location->prefix, QStringLiteral("shop/prod"));
        QCOMPARE(location->keyFor(QStringLiteral("backup_1")), QStringLiteral("shop/prod/backup_1"));
        QVERIFY(!S3Location::parse(QStringLiteral("s3://ab")).ok()); // s3rver and S3: at least 3 characters
        QVERIFY(!S3Location::parse(QStringLiteral("s3://Bad_Bucket/x")).ok());
        QVERIFY(!S3Location::parse(QStringLiteral("/tmp/x")).ok());
    }

    void environmentFillsTheGapsAsAwsToolsDo()
    {
        QTemporaryDir home;
        writeFile(home.filePath(QStringLiteral("credentials")),
                  "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = default-secret\n"
                  "[ops]\naws_access_key_id = AKIDOPS\naws_secret_access_key = ops-secret\n");
        writeFile(home.filePath(QStringLiteral("config")), "[profile ops]\nregion = eu-west-3\n  s3 =\n    addressing_style = path\n");
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), home.filePath(QStringLiteral("credentials")));
        environment.insert(QStringLiteral("AWS_CONFIG_FILE"), home.filePath(QStringLiteral("config")));
        S3Location location = S3Location::parse(QStringLiteral("s3://coffre-offsite/p")).value();

        auto resolved = AwsEnvironment(environment).resolve(location);
        QVERIFY(resolved.ok());
        QCOMPARE(resolved->credentials.accessKeyId, QStringLiteral("AKIDDEFAULT"));
        QCOMPARE(resolved->region, QStringLiteral("us-east-1"));
        QCOMPARE(resolved->base.toString(), QStringLiteral("https://s3.us-east-1.amazonaws.com"));
        QVERIFY(!resolved->pathStyle); // AWS: virtual-hosted

        environment.insert(QStringLiteral("AWS_PROFILE"), QStringLiteral("ops"));
        resolved = AwsEnvironment(environment).resolve(location);
        QCOMPARE(resolved->credentials.secretAccessKey, QStringLiteral("ops-secret"));
        QCOMPARE(resolved->region, QStringLiteral("eu-west-3"));

        environment.insert(QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("AKIDENV"));
        environment.insert(QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("env-secret"));
        environment.insert(QStringLiteral("AWS_ENDPOINT_URL"), QStringLiteral("http://127.0.0.1:9000"));
        resolved = AwsEnvironment(environment).resolve(location);
        QCOMPARE(resolved->credentials.accessKeyId, QStringLiteral("AKIDENV"));
        QVERIFY(resolved->pathStyle); // a custom endpoint: path-style

        // A profile naming its key finds that key's secret, wherever it is written.
        location.accessKeyId = QStringLiteral("AKIDOPS");
        environment.remove(QStringLiteral("AWS_PROFILE"));
        resolved = AwsEnvironment(environment).resolve(location);
        QCOMPARE(resolved->credentials.secretAccessKey, QStringLiteral("ops-secret"));
        location.accessKeyId = QStringLiteral("AKIDUNKNOWN");
        resolved = AwsEnvironment(environment).resolve(location);
        QVERIFY(!resolved.ok());
        QVERIFY(resolved.error().message.contains(QLatin1String("AKIDUNKNOWN")));
        QCOMPARE(AwsEnvironment(environment).resolve(location, QStringLiteral("from-keychain"))->credentials.secretAccessKey,
                 QStringLiteral("from-keychain"));
    }

    void smallObjectsWithHostileKeys()
    {
        S3Client client(fixtureEndpoint(), Bucket);
        // Spaces, accents, quotes, $ + % and parentheses: signed once-encoded, checked by the front.
        const QStringList keys{QStringLiteral("keys/plain.txt"), QStringLiteral("keys/été 2026/l'œuvre \"x\".txt"),
                               QStringLiteral("keys/a+b$(1)%20=&?.txt"), QStringLiteral("keys/~tilde*star,comma;semi.txt")};
        for (const QString& key : keys)
            QVERIFY2(client.put(key, key.toUtf8()).ok(), qPrintable(key));
        const auto listing = client.list(QStringLiteral("keys/"));
        QVERIFY2(listing.ok(), qPrintable(listing.error().toLogString()));
        QStringList listed;
        for (const ObjectInfo& object : listing->objects)
            listed << object.key;
        QStringList expected = keys;
        expected.sort();
        listed.sort();
        QCOMPARE(listed, expected);
        for (const QString& key : keys) {
            const auto body = client.get(key);
            QVERIFY2(body.ok(), qPrintable(body.error().toLogString()));
            QCOMPARE(*body, key.toUtf8());
        }
        const auto info = client.head(keys[1]);
        QVERIFY(info.ok());
        QCOMPARE(info->size, keys[1].toUtf8().size());
        QVERIFY(client.remove(keys[1]).ok());
        QCOMPARE(client.head(keys[1]).error().code, QStringLiteral("not-found"));
        // The AWS CLI sees the same keys.
        QVERIFY(aws({QStringLiteral("s3"), QStringLiteral("ls"), QStringLiteral("s3://coffre-offsite/keys/")}).contains("plain.txt"));
    }

    void listingFollowsPages()
    {
        S3Client client(fixtureEndpoint(), Bucket);
        for (int i = 0; i < 23; ++i)
            QVERIFY(client.put(QStringLiteral("pages/%1/manifest.json").arg(i, 3, 10, QLatin1Char('0')), "{}").ok());
        client.tuning.listPageSize = 5;
        const auto flat = client.list(QStringLiteral("pages/"));
        QVERIFY2(flat.ok(), qPrintable(flat.error().toLogString()));
        QCOMPARE(flat->objects.size(), 23);
        const auto folders = client.list(QStringLiteral("pages/"), QStringLiteral("/"));
        QVERIFY(folders.ok());
        QCOMPARE(folders->folders.size(), 23);
        QCOMPARE(folders->folders.first(), QStringLiteral("pages/000/"));
    }

    void multipartUploadIsWhatAwsDownloads()
    {
        QTemporaryDir dir;
        const QByteArray bytes = randomBytes(23 * 1024 * 1024 + 12345);
        const QString path = writeFile(dir.filePath(QStringLiteral("big.bin")), bytes);
        S3Client client(fixtureEndpoint(), Bucket);
        client.tuning.partSize = 5 * 1024 * 1024;
        client.tuning.parallelParts = 3;
        auto control = std::make_shared<JobControl>();
        client.setControl(control);
        const auto uploaded = client.uploadFile(QStringLiteral("multi/big file.bin"), path);
        QVERIFY2(uploaded.ok(), qPrintable(uploaded.error().toLogString()));
        QCOMPARE(uploaded->size, bytes.size());
        QCOMPARE(uploaded->sha256, QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()));
        QVERIFY2(!uploaded->etag.isEmpty(), "no ETag");
        QCOMPARE(control->bytesDone(), bytes.size());

        aws({QStringLiteral("s3"), QStringLiteral("cp"), QStringLiteral("s3://coffre-offsite/multi/big file.bin"), dir.filePath(QStringLiteral("by-aws.bin"))});
        QVERIFY(readFile(dir.filePath(QStringLiteral("by-aws.bin"))) == bytes);

        QByteArray received;
        const Status downloaded = client.download(QStringLiteral("multi/big file.bin"), [&](const char* data, qint64 size) {
            received.append(data, size);
            return Status();
        });
        QVERIFY2(downloaded.ok(), qPrintable(downloaded.error().toLogString()));
        QVERIFY(received == bytes);
        // A range from the middle: what a resumed download asks for.
        received.clear();
        QVERIFY(client.download(QStringLiteral("multi/big file.bin"), [&](const char* data, qint64 size) {
            received.append(data, size);
            return Status();
        }, 1000000).ok());
        QVERIFY(received == bytes.mid(1000000));
    }

    // A sink that falls behind (a slow disk, a busy core) holds the socket back: Qt's HTTP thread
    // reads no further ahead than its read buffer. Seen from /proc/self/io: while the sink sleeps,
    // the process reads little from the socket, not the rest of the object.
    void downloadReadsNoFurtherAheadThanTheSink()
    {
        QTemporaryDir dir;
        const QByteArray bytes = randomBytes(96 * 1024 * 1024);
        const QString path = writeFile(dir.filePath(QStringLiteral("large.bin")), bytes);
        S3Client client(fixtureEndpoint(), Bucket);
        QVERIFY(client.uploadFile(QStringLiteral("read-ahead/large.bin"), path).ok());

        auto bytesRead = [] {
            QFile io(QStringLiteral("/proc/self/io"));
            if (!io.open(QIODevice::ReadOnly))
                return qint64(-1);
            for (const QByteArray& line : io.readAll().split('\n'))
                if (line.startsWith("rchar:"))
                    return line.mid(6).trimmed().toLongLong();
            return qint64(-1);
        };
        qint64 readWhileAsleep = -1;
        QCryptographicHash received(QCryptographicHash::Sha256);
        const Status downloaded = client.download(QStringLiteral("read-ahead/large.bin"), [&](const char* data, qint64 size) {
            received.addData(QByteArrayView(data, size));
            if (readWhileAsleep < 0) {
                const qint64 before = bytesRead();
                QThread::msleep(2000); // the worker is stuck; the network is not
                readWhileAsleep = bytesRead() - before;
            }
            return Status();
        });
        QVERIFY2(downloaded.ok(), qPrintable(downloaded.error().toLogString()));
        QCOMPARE(received.result(), QCryptographicHash::hash(bytes, QCryptographicHash::Sha256));
        QVERIFY2(readWhileAsleep >= 0, "no /proc/self/io");
        qInfo("read from the socket while the sink slept: %lld bytes", readWhileAsleep);
        QVERIFY2(readWhileAsleep < 40 * 1024 * 1024, qPrintable(QStringLiteral("%1 bytes read ahead").arg(readWhileAsleep)));
    }

    void wrongSecretIsAccessDeniedAtOnce()
    {
        S3Client client(fixtureEndpoint(QStringLiteral("not-the-secret")), Bucket);
        QElapsedTimer timer;
        timer.start();
        const auto listing = client.list(QString());
        QVERIFY(!listing.ok());
        QCOMPARE(listing.error().code, QStringLiteral("access-denied"));
        QVERIFY2(listing.error().message.contains(QLatin1String("Access denied")), qPrintable(listing.error().message));
        QVERIFY2(listing.error().detail.contains(QLatin1String("SignatureDoesNotMatch")), qPrintable(listing.error().detail));
        QVERIFY2(listing.error().detail.contains(QLatin1String("(1 attempt")), qPrintable(listing.error().detail)); // 4xx: never retried
        QVERIFY(timer.elapsed() < 5000);
    }

    void serverErrorsAreRetriedThenReported()
    {
        S3Client client(fixtureEndpoint(), Bucket);
        client.tuning.firstBackoffMs = 20;
        writeFaults("500 2 @/retry/\n");
        QVERIFY(client.put(QStringLiteral("retry/a"), "a").ok());
        writeFaults("drop 1 @/retry/\n");
        QVERIFY(client.get(QStringLiteral("retry/a")).ok());
        writeFaults("500 50 @/retry/\n");
        const auto body = client.get(QStringLiteral("retry/a"));
        QFile::remove(env("COFFRE_TEST_S3_BASE") + QStringLiteral("/faults.tst_s3client"));
        QVERIFY(!body.ok());
        QCOMPARE(body.error().code, QStringLiteral("s3-unavailable"));
        QVERIFY(body.error().detail.contains(QLatin1String("(5 attempt")));
    }

    void nothingListeningIsSaidPlainly()
    {
        S3Endpoint endpoint = fixtureEndpoint();
        endpoint.base = QUrl(QStringLiteral("http://127.0.0.1:9")); // discard port: nothing listens
        S3Client client(endpoint, Bucket);
        client.tuning.firstBackoffMs = 10;
        const auto listing = client.list(QString());
        QVERIFY(!listing.ok());
        QCOMPARE(listing.error().code, QStringLiteral("s3-unreachable"));
        QVERIFY(listing.error().message.contains(QLatin1String("127.0.0.1:9")));
    }

    // A private server's certificate: refused, then trusted with its CA file.
    void tlsChecksCertificatesAndTakesACaFile()
    {
        S3Endpoint endpoint = fixtureEndpoint();
        endpoint.base = QUrl(env("COFFRE_TEST_S3_TLS_ENDPOINT"));
        S3Client untrusted(endpoint, Bucket);
        const auto refused = untrusted.list(QStringLiteral("tls/"));
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, QStringLiteral("tls-untrusted"));
        QVERIFY2(refused.error().message.contains(QLatin1String("CA file")), qPrintable(refused.error().message));

        endpoint.caFile = env("COFFRE_TEST_S3_BASE") + QStringLiteral("/tls/ca.pem");
        S3Client trusted(endpoint, Bucket);
        QVERIFY(trusted.put(QStringLiteral("tls/a.txt"), "over TLS").ok());
        const auto body = trusted.get(QStringLiteral("tls/a.txt"));
        QVERIFY2(body.ok(), qPrintable(body.error().toLogString()));
        QCOMPARE(*body, QByteArray("over TLS"));
    }

    void missingBucketIsNamed()
    {
        S3Client client(fixtureEndpoint(), QStringLiteral("no-such-bucket"));
        const auto listing = client.list(QString());
        QVERIFY(!listing.ok());
        QVERIFY2(listing.error().message.contains(QLatin1String("no-such-bucket")), qPrintable(listing.error().message));
    }

    void cancelAbortsTheMultipartUpload()
    {
        QTemporaryDir dir;
        const QString path = writeFile(dir.filePath(QStringLiteral("big.bin")), randomBytes(40 * 1024 * 1024));
        S3Client client(fixtureEndpoint(), Bucket);
        client.tuning.partSize = 5 * 1024 * 1024;
        client.tuning.parallelParts = 2;
        auto control = std::make_shared<JobControl>();
        client.setControl(control);
        // Cancel once some bytes went out.
        QTimer watcher;
        QObject::connect(&watcher, &QTimer::timeout, [&] {
            if (control->bytesDone() > 6 * 1024 * 1024)
                control->cancel();
        });
        watcher.start(5);
        const auto uploaded = client.uploadFile(QStringLiteral("cancel/big.bin"), path);
        QVERIFY(!uploaded.ok());
        QCOMPARE(uploaded.error().code, QStringLiteral("canceled"));
        S3Client checker(fixtureEndpoint(), Bucket);
        QCOMPARE(checker.head(QStringLiteral("cancel/big.bin")).error().code, QStringLiteral("not-found"));
        const auto pending = checker.pendingUploads(QStringLiteral("cancel/"));
        QVERIFY2(pending.ok(), qPrintable(pending.error().toLogString()));
        QVERIFY(pending->isEmpty());
    }

    void danglingUploadsAreFoundAndAborted()
    {
        // An upload left by someone else's killed process (the AWS CLI here).
        const QByteArray started = aws({QStringLiteral("s3api"), QStringLiteral("create-multipart-upload"), QStringLiteral("--bucket"),
                                        Bucket, QStringLiteral("--key"), QStringLiteral("dangling/x.bin")});
        QVERIFY2(started.contains("UploadId"), started.constData());
        S3Client client(fixtureEndpoint(), Bucket);
        auto pending = client.pendingUploads(QStringLiteral("dangling/"));
        QVERIFY2(pending.ok(), qPrintable(pending.error().toLogString()));
        QCOMPARE(pending->size(), 1);
        QCOMPARE(pending->first().key, QStringLiteral("dangling/x.bin"));
        QVERIFY(client.abortUpload(pending->first().key, pending->first().uploadId).ok());
        pending = client.pendingUploads(QStringLiteral("dangling/"));
        QVERIFY(pending->isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestS3Client)
#include "tst_s3client.moc"
