#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QHash>
#include <QList>
#include <QString>

namespace coffre {

// One entry of a custom-format dump's table of contents, as pg_dump wrote it.
struct DumpTocEntry
{
    int dumpId = 0;
    int section = 0;      // dumpformat::Section
    QByteArray tag;       // "pgbench_accounts"
    QByteArray desc;      // "TABLE DATA", "SEQUENCE SET", "BLOBS", "INDEX"...
    QByteArray defn;      // the SQL that creates it (or sets a sequence)
    QByteArray copyStmt;  // "COPY public.t (a, b) FROM stdin;" for table data
    QByteArray schema;
    qint64 offsetField = 0; // where the data flag and the position are, from the start of the file
    int dataFlag = 0;       // dumpformat::OffsetNotSet / OffsetSet / NoData
    qint64 position = 0;
    bool hasData() const { return dataFlag != 3; }
};

// The header and table of contents at the start of a pg_dump custom-format archive (versions
// 1.12 to 1.15: PostgreSQL 11 to 16), read from the first bytes of the stream.
struct DumpToc
{
    Q_DECLARE_TR_FUNCTIONS(DumpToc)

public:
    enum class Parse { Done, NeedMore, Failed };
    // Fills `toc` from `head` (the first bytes of the archive); NeedMore while the TOC goes on
    // past them; Failed with `problem` for what is not such an archive, or is damaged.
    static Parse parse(const QByteArray& head, DumpToc& toc, QString* problem);

    int minor = 0;
    int intSize = 4;
    int offSize = 8;
    bool compressed = false; // pg_dump compressed the data blocks itself (zlib, lz4...)
    qint64 size = 0;         // bytes of header and TOC: the data blocks start there
    QByteArray raw;          // those bytes: pg_restore reads the schema sections from them alone
    QList<DumpTocEntry> entries;

    const DumpTocEntry* find(int dumpId) const;

private:
    QHash<int, qsizetype> m_byId;
};

} // namespace coffre
