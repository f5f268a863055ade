#include "PgFixture.h"
#include "postgres/CustomDumpIndexer.h"

#include <QFile>
#include <QElapsedTimer>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace coffre;

// The positions written into a piped dump must be the ones pg_dump itself writes into a file.
class TestCustomDumpIndexer : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    static int sh(const QString& script)
    {
        QProcess process;
        process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process.start(QStringLiteral("sh"), {QStringLiteral("-c"), script});
        process.waitForFinished(120000);
        return process.exitCode();
    }

    // Feeds a file in uneven pieces, as a decompressor would.
    static CustomDumpIndexer indexed(const QString& path, quint32 seed)
    {
        QFile file(path);
        file.open(QIODevice::ReadOnly);
        const QByteArray bytes = file.readAll();
        CustomDumpIndexer index;
        QRandomGenerator random(seed);
        for (qsizetype at = 0; at < bytes.size();) {
            const qsizetype piece = qMin<qsizetype>(bytes.size() - at, 1 + random.bounded(seed % 2 ? 9000 : 70));
            index.feed(bytes.constData() + at, piece);
            at += piece;
        }
        return index;
    }

private slots:
    void initTestCase()
    {
        if (!test::hasFixture())
            QSKIP("PGHOST is not set: run through ctest, which starts the PostgreSQL fixture");
        QVERIFY(test::recreateDatabase(QStringLiteral("indexer_src")));
        QVERIFY(test::execSql(QStringLiteral("indexer_src"), {
            QStringLiteral("create table a (id int primary key, body text)"),
            QStringLiteral("insert into a select i, repeat('x', i % 300) from generate_series(1, 20000) i"),
            QStringLiteral("create table empty_one (id int)"),
            QStringLiteral("create table b as select i, md5(i::text) from generate_series(1, 5000) i"),
            QStringLiteral("select lo_from_bytea(0, 'a large object'::bytea)"),
        }));
    }

    void positionsMatchWhatPgDumpWritesToAFile()
    {
        const QString piped = m_dir.filePath(QStringLiteral("piped.dump")), seekable = m_dir.filePath(QStringLiteral("file.dump"));
        QCOMPARE(sh(QStringLiteral("pg_dump -Fc -Z0 -d indexer_src | cat > '%1' && pg_dump -Fc -Z0 -d indexer_src -f '%2'").arg(piped, seekable)), 0);

        const CustomDumpIndexer reference = indexed(seekable, 1);
        QVERIFY2(reference.usable(), qPrintable(reference.problem()));
        QVERIFY(reference.tocPositions().size() >= 4); // a, empty_one, b, the large object
        QCOMPARE(reference.tocPositions(), reference.blockPositions());

        for (quint32 seed : {2u, 3u}) {
            const QString copy = piped + QString::number(seed);
            QVERIFY(QFile::copy(piped, copy));
            CustomDumpIndexer index = indexed(copy, seed);
            QVERIFY2(index.usable(), qPrintable(index.problem()));
            QVERIFY(index.tocPositions().isEmpty()); // piped: no positions yet
            QCOMPARE(index.blockPositions(), reference.blockPositions());
            const Result<int> patched = index.patch(copy);
            QVERIFY(patched.ok());
            QCOMPARE(*patched, reference.tocPositions().size());
            QCOMPARE(indexed(copy, seed).tocPositions(), reference.tocPositions());
        }
        QVERIFY(indexed(piped + QStringLiteral("2"), 5).usable());
        // And pg_restore --jobs takes it.
        QVERIFY(test::recreateDatabase(QStringLiteral("indexer_copy")));
        QCOMPARE(sh(QStringLiteral("pg_restore --exit-on-error -j 2 -d indexer_copy '%1'").arg(piped + QStringLiteral("2"))), 0);
        QCOMPARE(test::sqlScalar(QStringLiteral("indexer_copy"), QStringLiteral("select count(*) from a")), QStringLiteral("20000"));
        QCOMPARE(test::sqlScalar(QStringLiteral("indexer_copy"), QStringLiteral("select count(*) from pg_largeobject_metadata")),
                 QStringLiteral("1"));
    }

    // Forged and damaged dumps (mutated bytes of a real one, lengths set to the largest values):
    // refused or indexed, never read past their end. Meaningful under the asan preset too.
    void mutatedDumpsAreRefusedOrIndexedInBounds()
    {
        const QString original = m_dir.filePath(QStringLiteral("fuzz.dump"));
        QCOMPARE(sh(QStringLiteral("pg_dump -Fc -Z0 -d indexer_src | cat > '%1'").arg(original)), 0);
        QFile file(original);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray dump = file.readAll();
        const qsizetype tocEnd = qMin<qsizetype>(dump.size(), 8192);
        QRandomGenerator random(20261201);
        const int Rounds = qEnvironmentVariableIntValue("COFFRE_FUZZ_ROUNDS") > 0 ? qEnvironmentVariableIntValue("COFFRE_FUZZ_ROUNDS") : 3000;
        int refused = 0, indexed = 0;
        for (int round = 0; round < Rounds; ++round) {
            QByteArray forged = dump;
            const int edits = 1 + random.bounded(4);
            for (int e = 0; e < edits; ++e) {
                if (forged.isEmpty())
                    break;
                // Within what is left: an earlier edit may have cut the dump short.
                const qsizetype at = random.bounded(qMin<qsizetype>(round % 4 == 0 ? forged.size() : tocEnd, forged.size()));
                switch (random.bounded(3)) {
                case 0: forged[at] = char(random.bounded(256)); break;
                case 1: // a length or integer field at its largest
                    for (qsizetype i = at; i < qMin(at + 9, forged.size()); ++i)
                        forged[i] = i == at ? '\0' : char(i == at + 8 ? 0x7f : 0xff);
                    break;
                default: forged.truncate(at); break;
                }
            }
            CustomDumpIndexer index;
            QElapsedTimer clock;
            clock.start();
            for (qsizetype at = 0; at < forged.size();) {
                const qsizetype piece = qMin<qsizetype>(1 + random.bounded(70000), forged.size() - at);
                index.feed(forged.constData() + at, piece);
                at += piece;
            }
            QVERIFY2(clock.elapsed() < 5000, qPrintable(QStringLiteral("round %1 took %2 ms").arg(round).arg(clock.elapsed())));
            if (!index.usable()) {
                ++refused;
                continue;
            }
            ++indexed;
            for (const qint64 position : index.blockPositions())
                QVERIFY2(position >= 0 && position < forged.size(), qPrintable(QStringLiteral("round %1: %2").arg(round).arg(position)));
        }
        qInfo("%d mutated dumps: %d refused, %d indexed within bounds", Rounds, refused, indexed);
        QVERIFY(refused > 0 && indexed > 0);
    }

    void otherInputIsLeftAlone()
    {
        CustomDumpIndexer index;
        index.feed("PGDMX not a dump at all", 23);
        QVERIFY(!index.usable());
        QVERIFY(!index.patch(m_dir.filePath(QStringLiteral("none"))).ok());
    }
};

QTEST_GUILESS_MAIN(TestCustomDumpIndexer)
#include "tst_customdumpindexer.moc"
