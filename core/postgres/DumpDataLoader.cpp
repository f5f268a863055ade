#include "DumpDataLoader.h"

#include "ServerCancel.h"

#include <libpq-fe.h>
#include <libpq/libpq-fs.h>

namespace coffre {
namespace {

// COPY rows come one per chunk (pg_dump writes each row as it gets it): sent to the server in
// batches of this size, as libpq would buffer them anyway.
constexpr qsizetype CopyBatchBytes = 256 * 1024;

QString tableName(const DumpTocEntry& entry)
{
    return QString::fromUtf8(entry.schema) + u'.' + QString::fromUtf8(entry.tag);
}

// The column list of pg_dump's `COPY schema.table (a, "B c") FROM stdin;`, parentheses
// included; empty for any other shape.
QByteArray copyColumnList(const QByteArray& statement)
{
    const QByteArray copy = statement.trimmed();
    const QByteArray head = "COPY ", tail = " FROM stdin;";
    if (!copy.startsWith(head) || !copy.endsWith(tail))
        return {};
    qsizetype at = head.size();
    const auto identifier = [&]() {
        if (at < copy.size() && copy[at] == '"') {
            for (++at; at < copy.size(); ++at) {
                if (copy[at] == '"' && !(at + 1 < copy.size() && copy[at + 1] == '"'))
                    return ++at, true;
                if (copy[at] == '"')
                    ++at; // a doubled quote inside the name
            }
            return false;
        }
        const qsizetype start = at;
        while (at < copy.size() && copy[at] != '.' && copy[at] != ' ' && copy[at] != '"')
            ++at;
        return at > start;
    };
    if (!identifier() || (at < copy.size() && copy[at] == '.' && (++at, !identifier())))
        return {};
    if (at >= copy.size() || copy[at] != ' ')
        return {};
    const QByteArray columns = copy.mid(at + 1, copy.size() - tail.size() - at - 1);
    return columns.startsWith('(') && columns.endsWith(')') ? columns : QByteArray();
}

} // namespace

Error DumpDataLoader::failure(const QString& message) const
{
    return Error{message, QString::fromUtf8(PQerrorMessage(m_connection.handle())).trimmed()};
}

Status DumpDataLoader::execute(const QByteArray& sql)
{
    PGresult* result = PQexec(m_connection.handle(), sql.constData());
    const ExecStatusType status = PQresultStatus(result);
    const QString detail = QString::fromUtf8(PQresultErrorMessage(result)).trimmed();
    PQclear(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        return Error{tr("The database server refused a statement of the dump."), QString::fromUtf8(sql.left(200)) + u' ' + detail};
    return {};
}

Status DumpDataLoader::prepare(const DumpToc& toc)
{
    QByteArray session = "SET statement_timeout = 0;\nSET lock_timeout = 0;\nSET idle_in_transaction_session_timeout = 0;\n"
                         "SET check_function_bodies = false;\nSET xmloption = content;\nSET client_min_messages = warning;\n"
                         "SET row_security = off;\n"
                         // And two more: a tail appended by INSERT ... SELECT (TableTails)
                         // is read from its first row, and seen although committed after this
                         // session's TRUNCATE, whatever the server's defaults.
                         "SET synchronize_seqscans = off;\nSET default_transaction_isolation = 'read committed';\n";
    if (PQserverVersion(m_connection.handle()) >= 170000) // as pg_restore 17 does: a table's load is one long transaction
        session += "SET transaction_timeout = 0;\n";
    for (const DumpTocEntry& entry : toc.entries) {
        if (entry.desc == "ENCODING" || entry.desc == "STDSTRINGS" || entry.desc == "SEARCHPATH")
            session += entry.defn + '\n';
    }
    return execute(session);
}

Status DumpDataLoader::endCopy(const DumpTocEntry& entry, const char* abortReason)
{
    PGconn* connection = m_connection.handle();
    if (PQputCopyEnd(connection, abortReason) != 1)
        return failure(tr("Loading the data of %1 failed.").arg(tableName(entry)));
    QString problem;
    while (PGresult* result = PQgetResult(connection)) {
        if (PQresultStatus(result) != PGRES_COMMAND_OK && problem.isEmpty())
            problem = QString::fromUtf8(PQresultErrorMessage(result)).trimmed();
        PQclear(result);
    }
    if (!problem.isEmpty() && !abortReason)
        return Error{tr("Loading the data of %1 failed.").arg(tableName(entry)), problem};
    return {};
}

QByteArray DumpDataLoader::quotedTable(const DumpTocEntry& entry) const
{
    QByteArray quoted;
    for (const QByteArray& name : {entry.schema, entry.tag}) {
        char* escaped = PQescapeIdentifier(m_connection.handle(), name.constData(), size_t(name.size()));
        if (!escaped)
            return {};
        quoted += (quoted.isEmpty() ? "" : ".") + QByteArray(escaped);
        PQfreemem(escaped);
    }
    return quoted;
}

bool DumpDataLoader::isPartition(const DumpTocEntry& entry)
{
    const char* values[] = {entry.schema.constData(), entry.tag.constData()};
    PGresult* result = PQexecParams(m_connection.handle(),
                                    "select c.relispartition from pg_catalog.pg_class c join pg_catalog.pg_namespace n "
                                    "on n.oid = c.relnamespace where n.nspname = $1 and c.relname = $2",
                                    2, nullptr, values, nullptr, nullptr, 0);
    const bool partition = PQresultStatus(result) != PGRES_TUPLES_OK || PQntuples(result) != 1 || QByteArray(PQgetvalue(result, 0, 0)) != "f";
    PQclear(result);
    return partition;
}

bool DumpDataLoader::startFrozenCopy(const DumpTocEntry& entry)
{
    // A partition's rows may be loaded through its partitioned root (--load-via-partition-root),
    // which refuses FREEZE only once the data flows: partitions keep the plain COPY.
    if (isPartition(entry))
        return false;
    const QByteArray table = quotedTable(entry);
    QByteArray frozen = entry.copyStmt.trimmed();
    if (table.isEmpty() || !frozen.endsWith(';') || !execute("BEGIN"))
        return false;
    frozen.chop(1);
    frozen += " WITH (FREEZE);";
    if (execute("TRUNCATE ONLY " + table) && startCopy(entry, frozen))
        return true;
    execute("ROLLBACK");
    return false;
}

Status DumpDataLoader::startCopy(const DumpTocEntry& entry, const QByteArray& statement)
{
    PGresult* started = PQexec(m_connection.handle(), statement.constData());
    const bool copying = PQresultStatus(started) == PGRES_COPY_IN;
    const QString detail = QString::fromUtf8(PQresultErrorMessage(started)).trimmed();
    PQclear(started);
    if (!copying)
        return Error{tr("Loading the data of %1 failed.").arg(tableName(entry)), detail};
    return {};
}

Status DumpDataLoader::streamCopy(const DumpTocEntry& entry, DumpBlockReader& blocks, const StopCheck& stop,
                                  const std::function<bool(qint64 offset)>& goOn)
{
    PGconn* connection = m_connection.handle();
    QByteArray batch;
    batch.reserve(CopyBatchBytes + 4096);
    auto send = [&]() -> Status {
        if (!batch.isEmpty() && PQputCopyData(connection, batch.constData(), int(batch.size())) != 1)
            return failure(tr("Loading the data of %1 failed.").arg(tableName(entry)));
        batch.clear();
        return {};
    };
    // pg_dump's own end marker ("\.") is part of the data: sent as it is, as pg_restore does.
    Status fed = blocks.chunks(
        [&](const char* data, qint64 size) -> Status {
            batch.append(data, size);
            if (batch.size() < CopyBatchBytes)
                return {};
            if (stop())
                return Error{tr("Canceled."), {}, ErrorCode::Canceled};
            return send();
        },
        goOn);
    if (fed)
        fed = send();
    if (!fed) {
        endCopy(entry, "canceled by Coffre");
        return fed;
    }
    return endCopy(entry, nullptr);
}

Status DumpDataLoader::copyTable(const DumpTocEntry& entry, DumpBlockReader& blocks, const StopCheck& stop, TableTails* tails)
{
    // COPY FREEZE right after emptying the table in the same transaction (pg_restore's own trick
    // for parallel restores, plus FREEZE): rows are written frozen and all-visible, about 8 % faster
    // to load, and the index builds and row counts after it rewrite no page to set hint bits.
    // Whatever is refused before any data is sent (no TRUNCATE right) falls back to pg_restore's
    // plain COPY.
    const bool frozen = startFrozenCopy(entry);
    if (!frozen) {
        if (Status started = startCopy(entry, entry.copyStmt); !started)
            return started;
    }
    // Only a table this transaction owns can take a tail in before anyone sees it.
    const QByteArray columns = frozen && tails ? copyColumnList(entry.copyStmt) : QByteArray();
    if (tails)
        tails->startHead(entry.dumpId, !columns.isEmpty());
    qint64 headEnd = 0;
    const auto withinHead = [&](qint64 offset) {
        if (offset >= headEnd)
            headEnd = tails->headEnd(entry.dumpId, offset);
        return offset < headEnd;
    };
    Status loaded = streamCopy(entry, blocks, stop, columns.isEmpty() ? std::function<bool(qint64)>() : withinHead);
    if (!columns.isEmpty()) {
        const TableTails::Tail tail = tails->finishHead(entry.dumpId, loaded ? stop : StopCheck([] { return true; }));
        if (loaded && tail == TableTails::Tail::Staged)
            loaded = appendTail(entry, columns, stop);
        else if (loaded && tail != TableTails::Tail::None) // the tail's connection says why
            loaded = Error{tr("Canceled."), {}, ErrorCode::Canceled};
    }
    if (frozen)
        return loaded ? execute("COMMIT") : (execute("ROLLBACK"), loaded);
    return loaded;
}

QByteArray DumpDataLoader::stagedTable(const DumpTocEntry& entry)
{
    return QByteArray(TailSchema) + ".t" + QByteArray::number(entry.dumpId);
}

Status DumpDataLoader::appendTail(const DumpTocEntry& entry, const QByteArray& columns, const StopCheck& stop)
{
    // In the transaction that emptied the table, after the head's rows: the dump's order.
    // OVERRIDING SYSTEM VALUE: identity columns take the dump's values, as COPY gives them.
    // The server alone works then (minutes for a large table): a Cancel is sent to it.
    const QByteArray list = columns.mid(1, columns.size() - 2);
    const QByteArray append = "INSERT INTO " + quotedTable(entry) + ' ' + columns + " OVERRIDING SYSTEM VALUE SELECT " + list + " FROM " +
                              stagedTable(entry);
    Status appended;
    bool canceled = false;
    {
        ServerCancel cancel(m_connection.handle(), stop);
        appended = execute(append);
        canceled = cancel.sent();
    }
    // Sent, even if the append ended first: the job stops, and the transaction is rolled back.
    if (canceled)
        return Error{tr("Canceled."), {}, ErrorCode::Canceled};
    if (!appended)
        return Error{tr("Loading the data of %1 failed.").arg(tableName(entry)), appended.error().detail};
    return execute("DROP TABLE " + stagedTable(entry));
}

Status DumpDataLoader::stageTail(const DumpTocEntry& entry, DumpBlockReader& blocks, const StopCheck& stop)
{
    // The columns from the catalog: the head's transaction holds the table itself (its TRUNCATE),
    // so CREATE TABLE (LIKE ...) would wait for it while it waits for this. Their storage and
    // compression too: the staged values are appended as they are stored (a value compressed
    // here stays compressed there).
    const QByteArray compression = PQserverVersion(m_connection.handle()) >= 140000
                                       ? "|| case a.attcompression when 'l' then format(', ALTER COLUMN %I SET COMPRESSION lz4', a.attname) "
                                         "when 'p' then format(', ALTER COLUMN %I SET COMPRESSION pglz', a.attname) else '' end"
                                       : "";
    const QByteArray query = "select string_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod)), ', ' order by a.attnum), "
                             "string_agg(format('ALTER COLUMN %I SET STORAGE %s', a.attname, case a.attstorage when 'p' then 'PLAIN' "
                             "when 'e' then 'EXTERNAL' when 'm' then 'MAIN' else 'EXTENDED' end) " +
                             compression +
                             ", ', ' order by a.attnum) from pg_catalog.pg_attribute a join pg_catalog.pg_class c on c.oid = a.attrelid "
                             "join pg_catalog.pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relname = $2 "
                             "and a.attnum > 0 and not a.attisdropped";
    const char* values[] = {entry.schema.constData(), entry.tag.constData()};
    PGresult* result = PQexecParams(m_connection.handle(), query.constData(), 2, nullptr, values, nullptr, nullptr, 0);
    const bool found = PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1 && !PQgetisnull(result, 0, 0);
    const QByteArray definitions = found ? QByteArray(PQgetvalue(result, 0, 0)) : QByteArray();
    const QByteArray storage = found ? QByteArray(PQgetvalue(result, 0, 1)) : QByteArray();
    PQclear(result);
    if (!found)
        return failure(tr("Loading the data of %1 failed.").arg(tableName(entry)));
    if (Status created = execute("CREATE UNLOGGED TABLE " + stagedTable(entry) + " (" + definitions + ')'); !created)
        return created;
    if (Status stored = execute("ALTER TABLE " + stagedTable(entry) + ' ' + storage); !stored)
        return stored;
    if (Status started = startCopy(entry, "COPY " + stagedTable(entry) + ' ' + copyColumnList(entry.copyStmt) + " FROM stdin;"); !started)
        return started;
    return streamCopy(entry, blocks, stop);
}

Status DumpDataLoader::largeObjects(DumpBlockReader& blocks, const StopCheck& stop)
{
    PGconn* connection = m_connection.handle();
    // In one transaction, as pg_restore does: lo_write needs one, and a failure leaves no half object.
    if (Status begun = execute("BEGIN"); !begun)
        return begun;
    auto rollback = [this](const Error& error) {
        execute("ROLLBACK");
        return error;
    };
    while (true) {
        if (stop())
            return rollback(Error{tr("Canceled."), {}, ErrorCode::Canceled});
        const Result<quint32> oid = blocks.nextBlobOid();
        if (!oid)
            return rollback(oid.error());
        if (*oid == 0)
            break;
        const int descriptor = lo_open(connection, Oid(*oid), INV_WRITE);
        if (descriptor < 0)
            return rollback(failure(tr("Restoring the large object %1 failed.").arg(*oid)));
        const Status written = blocks.chunks([&](const char* data, qint64 size) -> Status {
            if (lo_write(connection, descriptor, data, size_t(size)) != int(size))
                return failure(tr("Restoring the large object %1 failed.").arg(*oid));
            return {};
        });
        if (!written)
            return rollback(written.error());
        if (lo_close(connection, descriptor) != 0)
            return rollback(failure(tr("Restoring the large object %1 failed.").arg(*oid)));
    }
    return execute("COMMIT");
}

} // namespace coffre
