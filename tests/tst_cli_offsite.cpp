// coffre-cli on off-site copies: a real S3 server (tests/s3-fixture, signatures checked), the
// real PostgreSQL fixture, the AWS CLI as the independent client.
#include "PgFixture.h"
#include "TestBundles.h"

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

class TestCliOffsite : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_url;

    test::CliRun cli(const QStringList& arguments)
    {
        return test::runCli(QStringLiteral(COFFRE_CLI),
                            QStringList{QStringLiteral("--s3-endpoint"), qEnvironmentVariable("COFFRE_TEST_S3_ENDPOINT")} + arguments,
                            m_dir.filePath(QStringLiteral("config")));
    }

private slots:
    void init()
    {
        m_url = QStringLiteral("s3://coffre-offsite/cli-") + QUuid::createUuid().toString(QUuid::Id128).left(8);
    }

    void anS3AddressIsNeverAFolder()
    {
        QDir::setCurrent(m_dir.path());
        const test::CliRun bad = cli({QStringLiteral("--repository"), QStringLiteral("s3://x"), QStringLiteral("list")});
        QVERIFY(bad.status != 0);
        QVERIFY2(bad.err.contains(QLatin1String("bucket")), qPrintable(bad.err));
        QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("s3:"))));
        const test::CliRun empty = cli({QStringLiteral("--repository"), m_url, QStringLiteral("list")});
        QCOMPARE(empty.status, 0);
        QVERIFY2(empty.out.contains("No backups in s3://coffre-offsite/cli-"), empty.out.constData());
        QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("s3:"))));
    }

    void createThereListRestoreFromThere()
    {
        QVERIFY(test::recreateDatabase(QStringLiteral("cli_offsite")));
        QVERIFY(test::execSql(QStringLiteral("cli_offsite"), {QStringLiteral("create table orders(id int primary key, item text)"),
                                                              QStringLiteral("insert into orders select g, 'item ' || g from generate_series(1, 500) g")}));
        const QString app = m_dir.filePath(QStringLiteral("app"));
        test::writeSampleTree(app);
        const QStringList target{QStringLiteral("--repository"), m_url, QStringLiteral("--db"),
                                 QStringLiteral("dbname=cli_offsite host=%1 port=%2").arg(qEnvironmentVariable("PGHOST"), qEnvironmentVariable("PGPORT")),
                                 QStringLiteral("--source"), QStringLiteral("app=") + app};

        const test::CliRun created = cli(target + QStringList{QStringLiteral("create"), QStringLiteral("--json")});
        QVERIFY2(created.status == 0, qPrintable(created.err + QString::fromUtf8(created.out)));
        const QJsonObject backup = QJsonDocument::fromJson(created.out).object();
        const QString name = backup[QLatin1String("name")].toString();
        QVERIFY(backup[QLatin1String("path")].toString().startsWith(m_url));
        // In the bucket, seen by the AWS CLI; nothing kept here.
        const QByteArray listed = test::aws({QStringLiteral("s3"), QStringLiteral("ls"), QStringLiteral("--recursive"), m_url + u'/'});
        QVERIFY2(listed.contains(name.toUtf8() + "/manifest.json") && listed.contains(name.toUtf8() + "/database.dump.zst"), listed.constData());
        const QString fetchFolder = m_dir.filePath(QStringLiteral("config/../cache/coffre/from-offsite"));
        QVERIFY(!QFileInfo::exists(QDir(qEnvironmentVariable("XDG_CACHE_HOME")).filePath(QStringLiteral("coffre/from-offsite/") + name)));
        Q_UNUSED(fetchFolder);

        const test::CliRun list = cli(target + QStringList{QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(list.status, 0);
        const QJsonArray backups = QJsonDocument::fromJson(list.out).array();
        QCOMPARE(backups.size(), 1);
        QCOMPARE(backups[0][QLatin1String("name")].toString(), name);
        QVERIFY(cli(target + QStringList{QStringLiteral("verify"), name}).status == 0);

        // Damage both sides, then restore straight from off-site.
        QVERIFY(test::execSql(QStringLiteral("cli_offsite"), {QStringLiteral("delete from orders where id > 10")}));
        QFile::remove(app + QStringLiteral("/package.json"));
        const test::CliRun restored = cli(target + QStringList{QStringLiteral("restore"), name, QStringLiteral("--confirm"), QStringLiteral("OUI")});
        QVERIFY2(restored.status == 0, qPrintable(restored.err + QString::fromUtf8(restored.out)));
        QVERIFY2(restored.err.contains(QLatin1String("every checksum was verified")), qPrintable(restored.err));
        QCOMPARE(test::sqlScalar(QStringLiteral("cli_offsite"), QStringLiteral("select count(*) from orders")), QStringLiteral("500"));
        QVERIFY(QFile::exists(app + QStringLiteral("/package.json")));
    }

    void killedUploadIsNeverListedAndTheNextCleansIt()
    {
        // A local backup big enough to go in parts: 80 MB that do not compress.
        const QString src = m_dir.filePath(QStringLiteral("big"));
        QDir().mkpath(src);
        QFile noise(src + QStringLiteral("/noise.bin"));
        QVERIFY(noise.open(QIODevice::WriteOnly));
        QByteArray block(1024 * 1024, Qt::Uninitialized);
        for (int i = 0; i < 80; ++i) {
            QRandomGenerator::global()->fillRange(reinterpret_cast<quint32*>(block.data()), block.size() / 4);
            noise.write(block);
        }
        noise.close();
        const QString local = m_dir.filePath(QStringLiteral("local"));
        test::makeSourcesBackup(local, {{QStringLiteral("big"), src}}, QStringLiteral("backup_big"));
        const QStringList target{QStringLiteral("--repository"), local, QStringLiteral("--offsite"), m_url};

        // Killed once about a fifth is sent.
        QProcess upload;
        upload.setProgram(QStringLiteral(COFFRE_CLI));
        upload.setArguments(QStringList{QStringLiteral("--s3-endpoint"), qEnvironmentVariable("COFFRE_TEST_S3_ENDPOINT")} + target
                            + QStringList{QStringLiteral("upload"), QStringLiteral("backup_big"), QStringLiteral("--progress=json")});
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        upload.setProcessEnvironment(environment);
        upload.start();
        QVERIFY(upload.waitForStarted());
        bool killed = false;
        while (!killed && upload.state() == QProcess::Running) {
            upload.waitForReadyRead(100);
            while (upload.canReadLine()) {
                const QJsonObject event = QJsonDocument::fromJson(upload.readLine()).object();
                if (event[QLatin1String("bytes_done")].toDouble() > 16 * 1024 * 1024) {
                    upload.kill();
                    killed = true;
                    break;
                }
            }
        }
        QVERIFY2(killed, "the upload ended before it could be killed");
        upload.waitForFinished();

        const test::CliRun afterKill = cli({QStringLiteral("--repository"), m_url, QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(afterKill.status, 0);
        QCOMPARE(QJsonDocument::fromJson(afterKill.out).array().size(), 0);
        const QByteArray bucket = m_url.section(u'/', 2, 2).toUtf8();
        const QString prefix = m_url.section(u'/', 3);
        QVERIFY2(test::aws({QStringLiteral("s3api"), QStringLiteral("list-multipart-uploads"), QStringLiteral("--bucket"), QString::fromUtf8(bucket),
                      QStringLiteral("--prefix"), prefix}).contains("UploadId"),
                 "the killed upload left no multipart upload: the test proves nothing");

        const test::CliRun again = cli(target + QStringList{QStringLiteral("upload"), QStringLiteral("backup_big")});
        QVERIFY2(again.status == 0, qPrintable(again.err));
        QVERIFY(!test::aws({QStringLiteral("s3api"), QStringLiteral("list-multipart-uploads"), QStringLiteral("--bucket"), QString::fromUtf8(bucket),
                      QStringLiteral("--prefix"), prefix}).contains("UploadId"));
        const test::CliRun listed = cli({QStringLiteral("--repository"), m_url, QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(listed.out).array().size(), 1);

        // Downloaded elsewhere: byte for byte what was made here.
        const QString elsewhere = m_dir.filePath(QStringLiteral("elsewhere"));
        const test::CliRun fetched = cli({QStringLiteral("--repository"), m_url, QStringLiteral("download"), QStringLiteral("backup_big"),
                                          QStringLiteral("--to"), elsewhere});
        QVERIFY2(fetched.status == 0, qPrintable(fetched.err));
        QCOMPARE(test::treeContents(elsewhere + QStringLiteral("/backup_big")), test::treeContents(local + QStringLiteral("/backup_big")));
    }
};

QTEST_GUILESS_MAIN(TestCliOffsite)
#include "tst_cli_offsite.moc"
