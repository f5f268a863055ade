#include "DumpBlockReader.h"

#include "DumpFieldReader.h"

namespace coffre {

using namespace dumpformat;

Result<qint64> DumpBlockReader::integer()
{
    char bytes[9];
    if (Status read = m_input.readExact(bytes, 1 + m_intSize); !read)
        return read.error();
    quint64 value = 0;
    for (int i = 0; i < m_intSize; ++i)
        value |= quint64(uchar(bytes[1 + i])) << (8 * i);
    if (value > quint64(std::numeric_limits<qint64>::max()))
        return Error{tr("The database dump is damaged: an integer of a data block is out of range."), {}};
    return bytes[0] != 0 ? -qint64(value) : qint64(value);
}

Result<DumpBlockReader::Block> DumpBlockReader::next()
{
    if (m_unfinished) {
        m_unfinished = false;
        if (Status skipped = skipChunks(); !skipped)
            return skipped.error();
    }
    m_offset = 0;
    char type = 0;
    const Result<qint64> got = m_input.read(&type, 1);
    if (!got)
        return got.error();
    if (*got == 0)
        return Block{};
    if (type != BlockData && type != BlockBlobs)
        return Error{tr("The database dump is damaged: unknown data block type %1.").arg(int(type)), {}};
    const Result<qint64> id = integer();
    if (!id)
        return id.error();
    return Block{type, int(*id)};
}

Result<qint64> DumpBlockReader::chunkLength()
{
    const Result<qint64> length = integer();
    if (length && *length < 0)
        return Error{tr("The database dump is damaged: a data chunk has an impossible length."), {}};
    return length;
}

Status DumpBlockReader::eachChunk(const std::function<Status(qint64 length)>& take, const std::function<bool(qint64 offset)>& goOn)
{
    m_unfinished = false;
    while (true) {
        if (goOn && !goOn(m_offset)) {
            m_unfinished = true;
            return {};
        }
        const Result<qint64> length = chunkLength();
        if (!length)
            return length.error();
        if (*length == 0)
            return {};
        if (Status taken = take(*length); !taken)
            return taken;
        m_offset += *length;
    }
}

Status DumpBlockReader::chunks(const Sink& sink, const std::function<bool(qint64 offset)>& goOn)
{
    return eachChunk([&](qint64 length) { return m_input.pass(length, sink); }, goOn);
}

Status DumpBlockReader::skipTo(qint64 offset, const std::function<bool()>& stop)
{
    bool stopped = false;
    const Status skipped = eachChunk([this](qint64 length) { return m_input.skip(length); },
                                     [&, chunks = 0](qint64 at) mutable {
                                         return at < offset && !(++chunks % 4096 == 0 && (stopped = stop()));
                                     });
    if (stopped)
        return Error{tr("Canceled."), {}, ErrorCode::Canceled};
    if (skipped && m_offset != offset) // the data ended first, or no chunk starts there
        return Error{tr("The database dump is damaged: a table's data does not have the shape it had a moment ago."), {}};
    return skipped;
}

Result<DumpBlockReader::TableShape> DumpBlockReader::measure(qint64 spacing)
{
    TableShape shape;
    qint64 nextMark = spacing;
    const Status walked = eachChunk([&](qint64 length) -> Status {
        char last = 0;
        if (Status skipped = m_input.skip(length - 1); !skipped)
            return skipped;
        if (Status read = m_input.readExact(&last, 1); !read)
            return read;
        // A newline always ends a row in COPY text (one inside a value is written as a backslash and an n).
        if (const qint64 end = m_offset + length; last == '\n' && end >= nextMark) {
            shape.rowStarts << end;
            nextMark = end + spacing;
        }
        return {};
    });
    if (!walked)
        return walked.error();
    shape.length = m_offset;
    return shape;
}

Status DumpBlockReader::skipChunks()
{
    return eachChunk([this](qint64 length) { return m_input.skip(length); });
}

Result<quint32> DumpBlockReader::nextBlobOid()
{
    const Result<qint64> oid = integer();
    if (!oid)
        return oid.error();
    if (*oid < 0 || *oid > std::numeric_limits<quint32>::max())
        return Error{tr("The database dump is damaged: a large object has an impossible OID."), {}};
    return quint32(*oid);
}

Status DumpBlockReader::skip(char type)
{
    if (type != BlockBlobs)
        return skipChunks();
    while (true) {
        const Result<quint32> oid = nextBlobOid();
        if (!oid)
            return oid.error();
        if (*oid == 0)
            return {};
        if (Status skipped = skipChunks(); !skipped)
            return skipped;
    }
}

} // namespace coffre
