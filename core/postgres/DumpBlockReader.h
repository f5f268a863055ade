#pragma once

#include "Result.h"
#include "archive/ZstdFileReader.h"

#include <QList>

#include <functional>

namespace coffre {

// Walks the data blocks of a custom-format dump, after its TOC, from a decompressing reader:
// each block is a type byte and a dump id, then length-prefixed chunks up to a zero length
// (a large-objects block: an OID, its chunks, and so on up to a zero OID).
class DumpBlockReader
{
    Q_DECLARE_TR_FUNCTIONS(DumpBlockReader)

public:
    DumpBlockReader(ZstdFileReader& input, int intSize) : m_input(input), m_intSize(intSize) {}

    struct Block
    {
        char type = 0; // dumpformat::BlockData or BlockBlobs; 0 at the end of the archive
        int dumpId = 0;
    };
    Result<Block> next();

    using Sink = ZstdFileReader::Sink;
    // The chunks of one table's data (or of one large object), in order, up to the zero length,
    // in pieces of at most 128 kB straight from the decompressor (a damaged length is never
    // allocated).
    // `goOn`, when given, is asked at the start of each chunk with its data offset in the block:
    // false stops there, and the next call to next() reads past the rest.
    Status chunks(const Sink& sink, const std::function<bool(qint64 offset)>& goOn = {});
    // Reads past whole chunks of a table's data up to the data offset `offset`, which must be
    // where a chunk starts (a TableShape::rowStarts entry). `stop`, asked every 4,096 chunks, cancels.
    Status skipTo(qint64 offset, const std::function<bool()>& stop);

    // What a reader going past a table's data learns of it: its length, and offsets where a row
    // starts (the chunk before ends a COPY line), about every `spacing` bytes.
    struct TableShape
    {
        qint64 length = 0;
        QList<qint64> rowStarts; // ascending
    };
    // Reads past the rest of a table's data, measuring it.
    Result<TableShape> measure(qint64 spacing);
    // The next large object's OID in a blobs block, or 0 after the last.
    Result<quint32> nextBlobOid();
    // Reads past the rest of the current block.
    Status skip(char type);

private:
    Result<qint64> integer();
    Result<qint64> chunkLength(); // 0 ends the block
    // Up to the zero length (or until `goOn` says no at a chunk's start), hands each chunk's
    // length to `take`, which reads or skips its bytes.
    Status eachChunk(const std::function<Status(qint64 length)>& take, const std::function<bool(qint64 offset)>& goOn = {});
    Status skipChunks();

    ZstdFileReader& m_input;
    int m_intSize;
    qint64 m_offset = 0;      // data bytes of the current table block read so far
    bool m_unfinished = false; // chunks() stopped early: next() reads past the rest first
};

} // namespace coffre
