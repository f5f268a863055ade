// coffre-cli with a documents bucket: a real S3 server (tests/s3-fixture, signatures checked) and
// the AWS CLI as the independent client. create --documents, info, browse, diff, restore --preview,
// restore with and without --remove-new-objects, undo-restore, the endpoint options.
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

namespace {

const QString Bucket = QStringLiteral("coffre-documents");

QStringList strings(const QJsonValue& value)
{
    QStringList list;
    for (const QJsonValue& v : value.toArray())
        list << v.toString();
    return list;
}

} // namespace

class TestCliDocuments : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_prefix;
    QStringList m_target; // --repository, --source, --documents, --s3-endpoint
    QMap<QString, QByteArray> m_objects;

    test::CliRun cli(const QStringList& arguments)
    {
        return test::runCli(QStringLiteral(COFFRE_CLI), m_target + arguments, m_dir.filePath(QStringLiteral("config")));
    }

    QString key(const QString& relative) const { return m_prefix + u'/' + relative; }

    bool put(const QString& relative, const QByteArray& bytes)
    {
        test::writeFile(m_dir.filePath(QStringLiteral("body")), bytes);
        int status = -1;
        test::awsOutput({QStringLiteral("s3api"), QStringLiteral("put-object"), QStringLiteral("--bucket"), Bucket, QStringLiteral("--key"), key(relative),
             QStringLiteral("--body"), m_dir.filePath(QStringLiteral("body"))},
            &status);
        return status == 0;
    }

    void remove(const QString& relative)
    {
        test::awsOutput({QStringLiteral("s3api"), QStringLiteral("delete-object"), QStringLiteral("--bucket"), Bucket, QStringLiteral("--key"), key(relative)});
    }

    // The bucket, as the AWS CLI sees it: every key under the prefix and its bytes.
    QMap<QString, QByteArray> bucket()
    {
        const QJsonObject answer = QJsonDocument::fromJson(test::awsOutput({QStringLiteral("s3api"), QStringLiteral("list-objects-v2"), QStringLiteral("--bucket"),
                                                                Bucket, QStringLiteral("--prefix"), m_prefix + u'/'}))
                                       .object();
        QMap<QString, QByteArray> objects;
        for (const QJsonValue& entry : answer[QStringLiteral("Contents")].toArray()) {
            const QString key = entry[QStringLiteral("Key")].toString();
            const QString out = m_dir.filePath(QStringLiteral("got"));
            QFile::remove(out);
            test::awsOutput({QStringLiteral("s3api"), QStringLiteral("get-object"), QStringLiteral("--bucket"), Bucket, QStringLiteral("--key"), key, out});
            objects.insert(key.mid(m_prefix.size() + 1), test::readFile(out));
        }
        return objects;
    }

private slots:
    void init()
    {
        m_prefix = QStringLiteral("cli docs/") + QUuid::createUuid().toString(QUuid::Id128).left(8);
        const QString app = m_dir.filePath(QStringLiteral("app-") + m_prefix.section(u'/', 1));
        test::writeFile(app + QStringLiteral("/package.json"), "{}\n");
        m_target = {QStringLiteral("--repository"), m_dir.filePath(QStringLiteral("repo-") + m_prefix.section(u'/', 1)),
                    QStringLiteral("--source"), QStringLiteral("app=") + app,
                    QStringLiteral("--documents"), QStringLiteral("s3://%1/%2").arg(Bucket, m_prefix),
                    QStringLiteral("--s3-endpoint"), qEnvironmentVariable("COFFRE_TEST_S3_ENDPOINT")};
        QByteArray big(6 * 1024 * 1024, Qt::Uninitialized);
        QRandomGenerator(7).fillRange(reinterpret_cast<quint32*>(big.data()), big.size() / 4);
        m_objects = {{QStringLiteral("factures/n°1 \"urgent\" l'été.pdf"), "%PDF-1.4 facture"},
                     {QStringLiteral("empty"), QByteArray()},
                     {QStringLiteral("big.bin"), big},
                     {QStringLiteral("folder/"), QByteArray()}};
        for (auto it = m_objects.cbegin(); it != m_objects.cend(); ++it)
            QVERIFY2(put(it.key(), it.value()), qPrintable(it.key()));
    }

    void createDiffRestoreUndo()
    {
        const test::CliRun created = cli({QStringLiteral("create"), QStringLiteral("--json")});
        QVERIFY2(created.status == 0, qPrintable(created.err + QString::fromUtf8(created.out)));
        const QJsonObject backup = QJsonDocument::fromJson(created.out).object();
        const QString name = backup[QLatin1String("name")].toString();
        QVERIFY2(strings(backup[QLatin1String("components")]).contains(QStringLiteral("bucket:documents")), created.out.constData());
        // The manifest the CLI describes lists each object by key, with its size and ETag.
        const QJsonArray objects = backup[QLatin1String("manifest")][QLatin1String("objects")][0][QLatin1String("objects")].toArray();
        QCOMPARE(objects.size(), m_objects.size());
        QStringList keys;
        for (const QJsonValue& object : objects) {
            keys << object[QLatin1String("key")].toString().mid(m_prefix.size() + 1);
            QCOMPARE(object[QLatin1String("size")].toInteger(), qint64(m_objects.value(keys.last()).size()));
            QVERIFY(!object[QLatin1String("etag")].toString().isEmpty());
        }
        keys.sort();
        QCOMPARE(keys, m_objects.keys());

        // Browse shows them under documents/.
        const test::CliRun browsed = cli({QStringLiteral("browse"), name, QStringLiteral("--path"), QStringLiteral("documents/factures")});
        QVERIFY2(browsed.status == 0, qPrintable(browsed.err));
        QVERIFY2(browsed.out.contains("n°1 \"urgent\" l'été.pdf"), browsed.out.constData());

        // Changed, removed, added: diff says which.
        const QMap<QString, QByteArray> original = m_objects;
        QVERIFY(put(QStringLiteral("factures/n°1 \"urgent\" l'été.pdf"), "%PDF-1.4 autre"));
        remove(QStringLiteral("big.bin"));
        remove(QStringLiteral("empty"));
        QVERIFY(put(QStringLiteral("added/après.txt"), "new"));
        QMap<QString, QByteArray> changed = bucket();
        const test::CliRun diff = cli({QStringLiteral("diff"), name, QStringLiteral("--json")});
        QVERIFY2(diff.status == 0, qPrintable(diff.err));
        const QJsonObject changes = QJsonDocument::fromJson(diff.out).object();
        QCOMPARE(strings(changes[QLatin1String("added")]), QStringList{QStringLiteral("documents/added/après.txt")});
        QCOMPARE(strings(changes[QLatin1String("removed")]), (QStringList{QStringLiteral("documents/big.bin"), QStringLiteral("documents/empty")}));
        QCOMPARE(strings(changes[QLatin1String("changed")]), QStringList{QStringLiteral("documents/factures/n°1 \"urgent\" l'été.pdf")});

        // The preview names the added object; a restore keeps it unless asked.
        const test::CliRun preview = cli({QStringLiteral("restore"), name, QStringLiteral("--preview")});
        QVERIFY2(preview.status == 0, qPrintable(preview.err));
        QVERIFY2(preview.out.contains(key(QStringLiteral("added/après.txt")).toUtf8()), preview.out.constData());
        const test::CliRun restored = cli({QStringLiteral("restore"), name, QStringLiteral("--confirm"), QStringLiteral("OUI"), QStringLiteral("--json")});
        QVERIFY2(restored.status == 0, qPrintable(restored.err + QString::fromUtf8(restored.out)));
        const QJsonObject outcome = QJsonDocument::fromJson(restored.out).object()[QLatin1String("bucket")].toObject();
        QCOMPARE(strings(outcome[QLatin1String("put_back")]).size(), 3);
        QCOMPARE(strings(outcome[QLatin1String("added")]), QStringList{key(QStringLiteral("added/après.txt"))});
        QCOMPARE(outcome[QLatin1String("added_removed")].toBool(), false);
        QMap<QString, QByteArray> expected = original;
        expected.insert(QStringLiteral("added/après.txt"), "new");
        QCOMPARE(bucket(), expected);

        // undo-restore: as it was before the restore.
        const test::CliRun undone = cli({QStringLiteral("undo-restore")});
        QVERIFY2(undone.status == 0, qPrintable(undone.err));
        QCOMPARE(bucket(), changed);

        // --only documents, removing what was added: exactly the backup's objects.
        const test::CliRun exact = cli({QStringLiteral("restore"), name, QStringLiteral("--only"), QStringLiteral("documents"),
                                        QStringLiteral("--remove-new-objects"), QStringLiteral("--confirm"), QStringLiteral("OUI")});
        QVERIFY2(exact.status == 0, qPrintable(exact.err + QString::fromUtf8(exact.out)));
        QVERIFY2(exact.out.contains("Removed 1 object"), exact.out.constData());
        QCOMPARE(bucket(), original);
        const test::CliRun same = cli({QStringLiteral("diff"), name});
        QVERIFY2(same.out.contains("0 added, 0 removed, 0 changed"), same.out.constData());
    }

    void partsAndEndpoints()
    {
        // Without the bucket: --no-documents, and --only without it.
        const test::CliRun without = cli({QStringLiteral("create"), QStringLiteral("--no-documents"), QStringLiteral("--json")});
        QVERIFY2(without.status == 0, qPrintable(without.err));
        QVERIFY(!strings(QJsonDocument::fromJson(without.out).object()[QLatin1String("components")]).contains(QStringLiteral("bucket:documents")));
        const test::CliRun only = cli({QStringLiteral("create"), QStringLiteral("--no-sources"), QStringLiteral("--json")});
        QVERIFY2(only.status == 0, qPrintable(only.err));
        const QString name = QJsonDocument::fromJson(only.out).object()[QLatin1String("name")].toString();
        QCOMPARE(strings(QJsonDocument::fromJson(only.out).object()[QLatin1String("components")]), QStringList{QStringLiteral("bucket:documents")});
        const test::CliRun wrong = cli({QStringLiteral("restore"), name, QStringLiteral("--only"), QStringLiteral("nothing"), QStringLiteral("--preview")});
        QCOMPARE(wrong.status, 2);
        QVERIFY2(wrong.err.contains(QLatin1String("documents")), qPrintable(wrong.err));
        QCOMPARE(cli({QStringLiteral("restore"), name, QStringLiteral("--only"), QStringLiteral("bucket:documents"), QStringLiteral("--preview")}).status, 0);

        // --documents-endpoint: the documents on their own storage, whatever --s3-endpoint says
        // (here an address where nothing answers, as an off-site store would be elsewhere).
        const QString endpoint = qEnvironmentVariable("COFFRE_TEST_S3_ENDPOINT");
        m_target.replace(m_target.indexOf(endpoint), QStringLiteral("http://127.0.0.1:9"));
        const test::CliRun unreachable = cli({QStringLiteral("create"), QStringLiteral("--no-sources")});
        QVERIFY(unreachable.status != 0);
        QVERIFY2(unreachable.err.contains(QLatin1String("127.0.0.1:9")), qPrintable(unreachable.err));
        const test::CliRun own = cli({QStringLiteral("--documents-endpoint"), endpoint, QStringLiteral("create"), QStringLiteral("--no-sources")});
        QVERIFY2(own.status == 0, qPrintable(own.err));
    }
};

QTEST_GUILESS_MAIN(TestCliDocuments)
#include "tst_cli_documents.moc"
