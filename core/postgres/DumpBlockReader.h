#pragma once

#include "Result.h"
#include "archive/ZstdFileReader.h"

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

    using Sink = std::function<Status(const char* data, qint64 size)>;
    // The chunks of one table's data (or of one large object), in order, up to the zero length.
    Status chunks(const Sink& sink);
    // The next large object's OID in a blobs block, or 0 after the last.
    Result<quint32> nextBlobOid();
    // Reads past the rest of the current block.
    Status skip(char type);

private:
    Result<qint64> integer();
    Result<qint64> chunkLength(); // 0 ends the block
    // Up to the zero length, hands each chunk's length to `take`, which reads or skips its bytes.
    Status eachChunk(const std::function<Status(qint64 length)>& take);
    Status skipChunks();

    ZstdFileReader& m_input;
    int m_intSize;
    QByteArray m_chunk;
};

} // namespace coffre
