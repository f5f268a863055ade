#pragma once

#include "DumpBlockReader.h"
#include "DumpToc.h"
#include "PgConnection.h"
#include "TableTails.h"

#include <functional>

namespace coffre {

// Loads a dump's data into a database over one connection, the way pg_restore does it: the same
// session settings, each table's own COPY statement fed with the block's bytes as they are,
// large objects written into the OIDs the schema section created.
class DumpDataLoader
{
    Q_DECLARE_TR_FUNCTIONS(DumpDataLoader)

public:
    explicit DumpDataLoader(PgConnection connection) : m_connection(std::move(connection)) {}

    // pg_restore's fixed session state (_doSetFixedOutputState), with the dump's own encoding,
    // string style and search path: COPY data is in the dump's encoding.
    Status prepare(const DumpToc& toc);
    // `stop` is asked between batches: true ends the COPY, which then changes nothing.
    using StopCheck = std::function<bool()>;
    // With `tails`, a second connection may load the table's tail aside (TableTails), appended
    // here before the commit.
    Status copyTable(const DumpTocEntry& entry, DumpBlockReader& blocks, const StopCheck& stop, TableTails* tails = nullptr);
    // A table's tail, from where `blocks` stands to the block's end, into an unlogged table in
    // TailSchema that the head's connection appends.
    Status stageTail(const DumpTocEntry& entry, DumpBlockReader& blocks, const StopCheck& stop);
    // Made before the data loads and dropped after: it holds the staged tails.
    static constexpr const char* TailSchema = "coffre_restore_tails";
    Status largeObjects(DumpBlockReader& blocks, const StopCheck& stop);
    Status execute(const QByteArray& sql);

private:
    Error failure(const QString& message) const;
    QByteArray quotedTable(const DumpTocEntry& entry) const;
    bool isPartition(const DumpTocEntry& entry);     // or unknown
    bool startFrozenCopy(const DumpTocEntry& entry); // in a transaction when true
    Status endCopy(const DumpTocEntry& entry, const char* abortReason);
    // Feeds the block's chunks (while `goOn` says so) to the COPY started, and ends it.
    Status streamCopy(const DumpTocEntry& entry, DumpBlockReader& blocks, const StopCheck& stop,
                      const std::function<bool(qint64 offset)>& goOn = {});
    Status startCopy(const DumpTocEntry& entry, const QByteArray& statement);
    Status appendTail(const DumpTocEntry& entry, const QByteArray& columns, const StopCheck& stop);
    static QByteArray stagedTable(const DumpTocEntry& entry);

    PgConnection m_connection;
};

} // namespace coffre
