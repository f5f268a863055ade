#include "StreamedDumpRestore.h"

#include "DumpDataLoader.h"
#include "DumpFieldReader.h"
#include "jobs/VerifyJob.h"
#include "util/Background.h"
#include "util/HumanSize.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QSet>
#include <QThread>

#include <atomic>
#include <deque>

namespace coffre {

using namespace dumpformat;

namespace {

bool isTableData(const DumpTocEntry& entry)
{
    return entry.desc == "TABLE DATA";
}

bool isLargeObjects(const DumpTocEntry& entry)
{
    return entry.desc == "BLOBS";
}

// pg_restore's later passes (_tocEntryRestorePass): privileges after every object and all the
// data, then event triggers and materialized views' data. A restore in three parts must keep
// them last, or a privilege revoked from the owner would refuse the COPY that pg_restore allows.
bool isLastPass(const DumpTocEntry& entry)
{
    return entry.desc == "ACL" || entry.desc == "ACL LANGUAGE" || entry.desc == "DEFAULT ACL" || entry.desc == "EVENT TRIGGER" ||
           entry.desc == "MATERIALIZED VIEW DATA" || (entry.desc == "COMMENT" && entry.tag.startsWith("EVENT TRIGGER "));
}

bool isLoadedByCoffre(const DumpTocEntry& entry)
{
    return isTableData(entry) || isLargeObjects(entry) || entry.desc == "SEQUENCE SET";
}

// What pg_restore restores before the data and after it, as `--use-list` files (a dump id per
// line). An entry without a section belongs to the section of the entry before it, as in pg_restore.
struct SchemaLists
{
    QByteArray beforeData;
    QByteArray afterData;
    QString problem; // an entry neither list nor the data loading can take: not streamable
};

SchemaLists schemaLists(const DumpToc& toc)
{
    SchemaLists lists;
    int section = SectionPreData;
    for (const DumpTocEntry& entry : toc.entries) {
        if (entry.section != SectionNone)
            section = entry.section;
        if (entry.desc == "ENCODING" || entry.desc == "STDSTRINGS" || entry.desc == "SEARCHPATH")
            continue; // pg_restore applies these whatever the list says
        const QByteArray line = QByteArray::number(entry.dumpId) + ";\n";
        if (isLastPass(entry) || section == SectionPostData)
            lists.afterData += line;
        else if (section == SectionPreData)
            lists.beforeData += line;
        else if (isTableData(entry) && entry.hasData() && entry.copyStmt.isEmpty())
            lists.problem = StreamedDumpRestore::tr("its data is INSERT statements, not COPY");
        else if (!isLoadedByCoffre(entry))
            lists.problem = StreamedDumpRestore::tr("it holds data of a kind this does not load (%1)").arg(QString::fromUtf8(entry.desc));
    }
    return lists;
}

// The data blocks still to load: each goes to the first worker that reaches it.
class Claims
{
public:
    Claims(const DumpToc& toc, TableTails* tails) : m_tails(tails)
    {
        for (const DumpTocEntry& entry : toc.entries) {
            if (entry.section == SectionData && entry.hasData() && (isTableData(entry) || isLargeObjects(entry)))
                m_pending.insert(entry.dumpId);
        }
    }
    bool claim(int dumpId, bool tableData)
    {
        QMutexLocker lock(&m_mutex);
        // Told under the lock: whoever sees every block claimed also sees this table loading.
        const bool claimed = m_pending.remove(dumpId);
        if (claimed && tableData && m_tails)
            m_tails->claimed(dumpId);
        return claimed;
    }
    bool allClaimed()
    {
        QMutexLocker lock(&m_mutex);
        return m_pending.isEmpty();
    }
    QSet<int> pending()
    {
        QMutexLocker lock(&m_mutex);
        return m_pending;
    }

private:
    QMutex m_mutex;
    QSet<int> m_pending;
    TableTails* m_tails;
};

// One connection's share of the data: reads the dump from its start with its own decompressor,
// loads the blocks it claims, reads past the others (measuring tables, for TableTails). The
// hashing one reads to the end of the file. Then it loads the tails of tables still loading.
class DataWorker
{
public:
    DataWorker(const StreamedDumpRestore::Request& request, DumpDataLoader& loader, Claims& claims, TableTails* tails,
               std::atomic<bool>& stop, JobControl& control)
        : m_request(request), m_loader(loader), m_claims(claims), m_tails(tails), m_stop(stop), m_control(control)
    {
    }
    Q_DISABLE_COPY_MOVE(DataWorker) // m_stopNow holds `this`

    // The SHA-256 of the whole file when `hashing`.
    Result<QString> run(bool hashing)
    {
        ZstdFileReader input(dumpPath(), hashing ? ZstdFileReader::Hashing::Sha256 : ZstdFileReader::Hashing::None);
        if (Status ready = openAtData(input); !ready)
            return ready.error();
        DumpBlockReader blocks(input, m_request.toc.intSize);
        while (!m_claims.allClaimed()) {
            const Result<DumpBlockReader::Block> block = nextBlock(blocks);
            if (!block)
                return block.error();
            if (block->type == 0)
                break;
            const DumpTocEntry* entry = m_request.toc.find(block->dumpId);
            const bool fits = entry && (block->type == BlockBlobs ? isLargeObjects(*entry) : isTableData(*entry));
            const bool tableData = fits && block->type == BlockData;
            if (!fits || !m_claims.claim(block->dumpId, tableData)) {
                if (Status skipped = readPast(blocks, *block, tableData); !skipped)
                    return skipped.error();
                continue;
            }
            const Status loaded = tableData ? m_loader.copyTable(*entry, blocks, m_stopNow, m_tails) : m_loader.largeObjects(blocks, m_stopNow);
            if (tableData && m_tails)
                m_tails->released(block->dumpId);
            if (!loaded)
                return loaded.error();
        }
        const Result<QString> sha256 = hashing ? input.finishHash(m_stopNow) : Result<QString>(QString());
        if (sha256 && m_tails) {
            if (Status helped = loadTails(); !helped)
                return helped.error();
        }
        return sha256;
    }

private:
    QString dumpPath() const { return QDir(m_request.bundle).filePath(m_request.entry.path); }

    // The next block's header, unless the restore is stopping.
    Result<DumpBlockReader::Block> nextBlock(DumpBlockReader& blocks) const
    {
        if (m_stopNow())
            return Error{StreamedDumpRestore::tr("Canceled."), {}, ErrorCode::Canceled};
        return blocks.next();
    }

    Status openAtData(ZstdFileReader& input) const
    {
        Status ready = input.open();
        return ready ? input.skip(m_request.toc.size) : ready;
    }

    // A table read past is measured, so that its tail can be cut where a row starts.
    Status readPast(DumpBlockReader& blocks, const DumpBlockReader::Block& block, bool tableData)
    {
        if (!tableData || !m_tails)
            return blocks.skip(block.type);
        const Result<DumpBlockReader::TableShape> shape = blocks.measure(m_tails->rowMarkSpacing());
        if (!shape)
            return shape.error();
        m_tails->setShape(block.dumpId, *shape);
        return {};
    }

    // While another connection still loads a table that can share, this one takes tails.
    Status loadTails()
    {
        while (true) {
            if (m_stopNow())
                return Error{StreamedDumpRestore::tr("Canceled."), {}, ErrorCode::Canceled};
            const std::optional<TableTails::Offer> offer = m_tails->takeTail();
            if (!offer) {
                if (!m_tails->mayOfferMore())
                    return {};
                QThread::msleep(20);
                continue;
            }
            const Status staged = loadTail(*offer);
            m_tails->tailDone(offer->dumpId, staged.ok());
            if (!staged)
                return staged;
        }
    }

    // With a reader of its own, from the start of the file to where the tail starts.
    Status loadTail(const TableTails::Offer& offer)
    {
        ZstdFileReader input(dumpPath());
        if (Status ready = openAtData(input); !ready)
            return ready;
        DumpBlockReader blocks(input, m_request.toc.intSize);
        while (true) {
            const Result<DumpBlockReader::Block> block = nextBlock(blocks);
            if (!block)
                return block.error();
            if (block->type == 0)
                return Error{StreamedDumpRestore::tr("The database dump is damaged: a table's data is no longer where it was."), {}};
            if (block->type == BlockData && block->dumpId == offer.dumpId)
                break;
            if (Status skipped = blocks.skip(block->type); !skipped)
                return skipped;
        }
        if (Status there = blocks.skipTo(offer.from, m_stopNow); !there)
            return there;
        return m_loader.stageTail(*m_request.toc.find(offer.dumpId), blocks, m_stopNow);
    }

    const StreamedDumpRestore::Request& m_request;
    DumpDataLoader& m_loader;
    Claims& m_claims;
    TableTails* m_tails; // none with a single connection
    std::atomic<bool>& m_stop;
    JobControl& m_control;
    const std::function<bool()> m_stopNow = [this] { return m_stop.load() || m_control.isCanceled(); };
};

class StreamedRun
{
public:
    StreamedRun(const StreamedDumpRestore::Request& request, JobControl& control) : m_request(request), m_control(control) {}

    Status run()
    {
        if (Status sized = VerifyJob::compareSize(m_request.entry, QFileInfo(dumpPath()).size()); !sized)
            return sized;
        const SchemaLists lists = schemaLists(m_request.toc);
        const QString toc = QDir(m_request.workDir).filePath(QStringLiteral("toc.dump"));
        const QString before = QDir(m_request.workDir).filePath(QStringLiteral("before-data.list"));
        const QString after = QDir(m_request.workDir).filePath(QStringLiteral("after-data.list"));
        for (const auto& [path, bytes] : {std::pair{toc, m_request.toc.raw}, std::pair{before, lists.beforeData}, std::pair{after, lists.afterData}}) {
            QFile file(path);
            if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.flush())
                return Error{StreamedDumpRestore::tr("Cannot write the dump's table of contents into “%1”.").arg(m_request.workDir),
                             file.errorString()};
        }
        if (Status schema = m_request.pgRestore(toc, {QStringLiteral("--use-list=") + before}); !schema)
            return explained(schema.error());
        if (Status data = loadData(); !data)
            return m_damageFound ? data.error() : explained(data.error());
        m_control.setPhase(StreamedDumpRestore::tr("Building the indexes and constraints of “%1”…").arg(m_request.target.dbname));
        if (Status indexed = m_request.pgRestore(toc, {QStringLiteral("--use-list=") + after, QStringLiteral("--jobs=%1").arg(m_request.jobs)});
            !indexed)
            return explained(indexed.error());
        return {};
    }

private:
    QString dumpPath() const { return QDir(m_request.bundle).filePath(m_request.entry.path); }

    // A failure on a damaged file (a COPY of garbage, a frame that does not decompress) is said
    // to be the damage.
    Error explained(const Error& failure) { return VerifyJob::damageOr(failure, m_request.bundle, {m_request.entry}, m_control); }

    Status loadData()
    {
        std::deque<DumpDataLoader> loaders;
        for (int i = 0; i < qMax(1, m_request.jobs); ++i) {
            Result<PgConnection> connection = PgConnection::open(m_request.target, m_request.password);
            if (!connection)
                return connection.error();
            loaders.emplace_back(std::move(connection).value());
            if (Status prepared = loaders.back().prepare(m_request.toc); !prepared)
                return prepared;
        }
        m_control.setPhase(StreamedDumpRestore::tr("Loading the data into “%1”…").arg(m_request.target.dbname));
        // The tails' tables go in a schema of their own, dropped before the indexes; a dump that
        // has a schema of that name simply loads without tails.
        std::optional<TableTails> tails;
        if (loaders.size() > 1 && m_request.tailBytes > 0 && loaders.front().execute(QByteArray("CREATE SCHEMA ") + DumpDataLoader::TailSchema))
            tails.emplace(m_request.tailBytes);
        Claims claims(m_request.toc, tails ? &*tails : nullptr);
        const qsizetype blockCount = claims.pending().size();
        std::atomic<bool> stop{false};
        QList<QFuture<Result<QString>>> workers;
        for (qsizetype i = 0; i < qsizetype(loaders.size()); ++i) {
            DumpDataLoader& loader = loaders[size_t(i)];
            workers << runInBackground([&, i, &loader = loader]() -> Result<QString> {
                try { // nothing may unwind into the loop below while another worker still uses what it owns
                    return DataWorker(m_request, loader, claims, tails ? &*tails : nullptr, stop, m_control).run(i == 0);
                } catch (const std::exception& e) {
                    return Error{StreamedDumpRestore::tr("Loading the data failed."), QString::fromLocal8Bit(e.what())};
                }
            });
        }
        // One worker's failure (or the restore's elsewhere) stops the others at their next batch.
        for (bool running = true; running;) {
            running = false;
            for (const QFuture<Result<QString>>& worker : workers) {
                running = running || !worker.isFinished();
                if (worker.isFinished() && !worker.result())
                    stop = true;
            }
            if (running) {
                QThread::msleep(200);
                if (m_request.tick)
                    m_request.tick();
                if (m_request.abandoned && m_request.abandoned())
                    stop = true;
            }
        }
        std::optional<Error> failure;
        for (const QFuture<Result<QString>>& worker : workers) {
            const Result<QString> result = worker.result();
            if (!result && (!failure || failure->code == ErrorCode::Canceled))
                failure = result.error();
        }
        if (failure)
            return *failure;
        if (Status same = VerifyJob::compare(m_request.entry, workers.first().result().value()); !same) {
            m_damageFound = true;
            return same;
        }
        for (const int missing : claims.pending()) {
            const DumpTocEntry* entry = m_request.toc.find(missing);
            return Error{StreamedDumpRestore::tr("The database dump holds no data for %1.%2 although its table of contents lists some.")
                             .arg(QString::fromUtf8(entry->schema), QString::fromUtf8(entry->tag)),
                         {}};
        }
        if (tails) {
            if (Status dropped = loaders.front().execute(QByteArray("DROP SCHEMA ") + DumpDataLoader::TailSchema + " CASCADE"); !dropped)
                return dropped;
            for (const TableTails::Offer& offer : tails->taken()) {
                const DumpTocEntry* entry = m_request.toc.find(offer.dumpId);
                m_control.log(StreamedDumpRestore::tr("%1.%2: its last %3 were loaded by a second connection at the same time, then "
                                                      "appended in the dump's order.")
                                  .arg(QString::fromUtf8(entry->schema), QString::fromUtf8(entry->tag), humanSize(offer.bytes)));
            }
        }
        int sequences = 0;
        for (const DumpTocEntry& entry : m_request.toc.entries) {
            if (entry.section == SectionData && entry.desc == "SEQUENCE SET") {
                if (Status set = loaders.front().execute(entry.defn); !set)
                    return set;
                ++sequences;
            }
        }
        m_control.log(StreamedDumpRestore::tr("Loaded %1 data blocks and %2 sequence values from the compressed dump, without unpacking it.")
                          .arg(blockCount)
                          .arg(sequences));
        return {};
    }

    const StreamedDumpRestore::Request& m_request;
    JobControl& m_control;
    bool m_damageFound = false;
};

} // namespace

Result<DumpToc> StreamedDumpRestore::readToc(const QString& compressedDump)
{
    ZstdFileReader input(compressedDump);
    if (Status opened = input.open(); !opened)
        return opened.error();
    QByteArray head;
    QByteArray buffer(256 * 1024, Qt::Uninitialized);
    while (true) {
        // Parsed again from the start at each step: steps that double keep a large TOC linear.
        if (head.size() > buffer.size())
            buffer.resize(head.size());
        const Result<qint64> got = input.read(buffer.data(), buffer.size());
        if (!got)
            return got.error();
        head.append(buffer.constData(), *got);
        DumpToc toc;
        QString problem;
        const DumpToc::Parse parsed = DumpToc::parse(head, toc, &problem);
        if (parsed == DumpToc::Parse::Done)
            return toc;
        if (parsed == DumpToc::Parse::Failed || *got == 0 || head.size() > MaxFieldLength)
            return Error{tr("The database dump's table of contents cannot be read: %1").arg(problem.isEmpty() ? tr("it ends early") : problem),
                         {}};
    }
}

QString StreamedDumpRestore::whyNotStreamable(const DumpToc& toc)
{
    if (toc.compressed)
        return tr("pg_dump compressed its data blocks itself");
    return schemaLists(toc).problem;
}

Status StreamedDumpRestore::run(const Request& request, JobControl& control)
{
    return StreamedRun(request, control).run();
}

} // namespace coffre
