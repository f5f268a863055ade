#pragma once

#include "Result.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QHash>
#include <QList>

namespace coffre {

// pg_dump writes a custom-format archive to a pipe without the positions of its data blocks in
// the table of contents (it cannot seek back to fill them in). pg_restore --jobs then makes every
// worker read through the whole file to find its table: on the 1 GB workload, 24 s instead of 15.
// This reads the archive as it is decompressed, notes where each data block starts, and writes
// those positions into the TOC afterwards, exactly as pg_dump does when it writes to a file.
// Archive versions 1.12 to 1.15 (PostgreSQL 11 to 16); anything else is left as it is.
class CustomDumpIndexer
{
    Q_DECLARE_TR_FUNCTIONS(CustomDumpIndexer)

public:
    void feed(const char* data, qint64 size);
    bool usable() const { return m_state != State::Failed && m_tocParsed; }
    QString problem() const { return m_problem; }
    // Writes the found positions into the TOC of `path` (the file these bytes were written to).
    Result<int> patch(const QString& path) const;

    // For the tests: dumpId -> block position, as found in the stream and as written in the TOC.
    const QHash<int, qint64>& blockPositions() const { return m_blocks; }
    QHash<int, qint64> tocPositions() const;

private:
    enum class State { Toc, BlockType, BlockId, BlobOid, ChunkLength, ChunkData, Failed };
    struct TocEntry
    {
        int dumpId = 0;
        qint64 offsetField = 0; // where the flag byte and the position are, from the start of the file
        int flag = 0;           // 1: not set, 2: set, 3: no data
        qint64 position = 0;
    };

    bool parseToc();                     // from m_pending; false while more bytes are needed
    bool takeInt(qint64& value);         // from m_pending, a streamed integer field
    void fail(const QString& why);

    State m_state = State::Toc;
    bool m_tocParsed = false;
    QString m_problem;
    int m_intSize = 4;
    int m_offSize = 8;
    QByteArray m_pending;   // bytes of a field not complete yet (or the whole TOC at first)
    qint64 m_pendingStart = 0; // stream position of m_pending[0]
    qint64 m_chunkLeft = 0;
    bool m_inBlobs = false;
    qint64 m_blockStart = 0;
    QList<TocEntry> m_toc;
    QHash<int, qint64> m_blocks;
};

} // namespace coffre
