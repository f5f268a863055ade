#include "CustomDumpIndexer.h"

#include <QFile>

#include <limits>
#include <stdexcept>

namespace coffre {
namespace {

// pg_backup_archiver.h / pg_backup_custom.c
constexpr int OffsetNotSet = 1;
constexpr int OffsetSet = 2;
constexpr char BlockData = 1;
constexpr char BlockBlobs = 3;

struct NeedMore
{
};

// A field no pg_dump writes (a length past any TOC, an integer out of range): the bytes are forged
// or damaged, and reading on would mean reading past them.
struct Forged
{
};

// No string in a table of contents comes near this: a view's definition is a few megabytes at most.
constexpr qint64 MaxFieldLength = 256 * 1024 * 1024;

// Reads the header and TOC fields from a buffer; throws NeedMore when it runs out.
class FieldReader
{
public:
    FieldReader(const QByteArray& bytes, int intSize) : m_bytes(bytes), m_intSize(intSize) {}
    qint64 pos = 0;

    uchar byte()
    {
        need(1);
        return uchar(m_bytes[pos++]);
    }
    qint64 integer()
    {
        need(1 + m_intSize);
        const bool negative = m_bytes[pos] != 0;
        quint64 value = 0;
        for (int i = 0; i < m_intSize; ++i)
            value |= quint64(uchar(m_bytes[pos + 1 + i])) << (8 * i);
        pos += 1 + m_intSize;
        if (value > quint64(std::numeric_limits<qint64>::max()))
            throw Forged{};
        return negative ? -qint64(value) : qint64(value);
    }
    bool string() // false for a NULL string
    {
        const qint64 length = integer();
        if (length < 0)
            return false;
        need(length);
        pos += length;
        return true;
    }
    void skip(qint64 n)
    {
        need(n);
        pos += n;
    }
    void setIntSize(int size) { m_intSize = size; }

private:
    void need(qint64 n) const
    {
        if (n < 0 || n > MaxFieldLength)
            throw Forged{};
        if (n > m_bytes.size() - pos)
            throw NeedMore{};
    }
    const QByteArray& m_bytes;
    int m_intSize;
};

} // namespace

void CustomDumpIndexer::fail(const QString& why)
{
    m_state = State::Failed;
    m_problem = why;
    m_pending.clear();
}

bool CustomDumpIndexer::parseToc()
{
    try {
        FieldReader r(m_pending, 4);
        if (m_pending.size() < 11)
            throw NeedMore{};
        if (!m_pending.startsWith("PGDMP"))
            return fail(tr("not a pg_dump custom-format archive")), false;
        r.skip(5);
        const int major = r.byte(), minor = r.byte();
        r.byte();
        m_intSize = r.byte();
        m_offSize = r.byte();
        const int format = r.byte();
        if (major != 1 || minor < 12 || minor > 15 || format != 1 || m_intSize < 1 || m_intSize > 8 || m_offSize != 8)
            return fail(tr("archive version 1.%1 is not one this reads").arg(minor)), false;
        r.setIntSize(m_intSize);
        if (minor >= 15)
            r.byte(); // compression algorithm
        else
            r.integer(); // compression level
        for (int i = 0; i < 7; ++i)
            r.integer(); // creation date
        r.string();      // database name
        r.string();      // server version
        r.string();      // pg_dump version
        const qint64 count = r.integer();
        QList<TocEntry> toc;
        for (qint64 i = 0; i < count; ++i) {
            TocEntry entry;
            entry.dumpId = int(r.integer());
            r.integer(); // hadDumper
            for (int s = 0; s < 4; ++s)
                r.string(); // tableoid, oid, tag, desc
            r.integer();    // section
            for (int s = 0; s < 5; ++s)
                r.string(); // defn, dropStmt, copyStmt, namespace, tablespace
            if (minor >= 14)
                r.string(); // tableam
            r.string();     // owner
            r.string();     // "false": with oids
            while (r.string()) {
            } // dependencies, until a NULL string
            entry.offsetField = r.pos;
            entry.flag = r.byte();
            for (int b = 0; b < m_offSize; ++b)
                entry.position |= qint64(r.byte()) << (8 * b);
            toc.append(entry);
        }
        m_toc = toc;
        m_tocParsed = true;
        m_pendingStart = r.pos;
        m_pending = m_pending.mid(r.pos);
        m_state = State::BlockType;
        return true;
    } catch (const NeedMore&) {
        return false;
    } catch (const Forged&) {
        return fail(tr("a field of the table of contents is out of range: the dump is damaged or forged")), false;
    }
}

bool CustomDumpIndexer::takeInt(qint64& value)
{
    if (m_pending.size() < 1 + m_intSize)
        return false;
    FieldReader r(m_pending, m_intSize);
    try {
        value = r.integer();
    } catch (const Forged&) {
        fail(tr("an integer of a data block is out of range: the dump is damaged or forged"));
        return false;
    }
    m_pending.remove(0, 1 + m_intSize);
    m_pendingStart += 1 + m_intSize;
    return true;
}

void CustomDumpIndexer::feed(const char* data, qint64 size)
{
    if (m_state == State::Failed)
        return;
    qint64 offset = 0;
    if (m_state == State::Toc) {
        m_pending.append(data, size);
        if (!parseToc()) {
            if (m_pending.size() > 256 * 1024 * 1024)
                fail(tr("table of contents too large"));
            return;
        }
        offset = size; // what was not the TOC is in m_pending now
    }
    // Walk the data blocks: type, dump id, then length-prefixed chunks until a zero length.
    auto input = [&](qint64 want) {
        // Moves up to `want` bytes of input into m_pending; true when it holds that many.
        const qint64 missing = want - m_pending.size();
        if (missing > 0 && offset < size) {
            const qint64 taking = qMin(missing, size - offset);
            m_pending.append(data + offset, taking);
            offset += taking;
        }
        return m_pending.size() >= want;
    };
    while (m_state != State::Failed) {
        switch (m_state) {
        case State::BlockType: {
            if (!input(1))
                return;
            const char type = m_pending[0];
            if (type != BlockData && type != BlockBlobs)
                return fail(tr("unknown block type %1").arg(int(type)));
            m_blockStart = m_pendingStart;
            m_inBlobs = type == BlockBlobs;
            m_pending.remove(0, 1);
            m_pendingStart += 1;
            m_state = State::BlockId;
            break;
        }
        case State::BlockId: {
            qint64 id = 0;
            if (!input(1 + m_intSize) || !takeInt(id))
                return;
            m_blocks.insert(int(id), m_blockStart);
            m_state = m_inBlobs ? State::BlobOid : State::ChunkLength;
            break;
        }
        case State::BlobOid: {
            qint64 oid = 0;
            if (!input(1 + m_intSize) || !takeInt(oid))
                return;
            m_state = oid == 0 ? State::BlockType : State::ChunkLength;
            break;
        }
        case State::ChunkLength: {
            qint64 length = 0;
            if (!input(1 + m_intSize) || !takeInt(length))
                return;
            if (length < 0)
                return fail(tr("negative chunk length"));
            m_chunkLeft = length;
            m_state = length == 0 ? (m_inBlobs ? State::BlobOid : State::BlockType) : State::ChunkData;
            break;
        }
        case State::ChunkData: {
            // Skip without copying: from m_pending first (left over from the TOC), then the input.
            const qint64 fromPending = qMin<qint64>(m_chunkLeft, m_pending.size());
            m_pending.remove(0, fromPending);
            m_pendingStart += fromPending;
            m_chunkLeft -= fromPending;
            const qint64 fromInput = qMin(m_chunkLeft, size - offset);
            offset += fromInput;
            m_pendingStart += fromInput;
            m_chunkLeft -= fromInput;
            if (m_chunkLeft > 0)
                return;
            m_state = State::ChunkLength;
            break;
        }
        default:
            return;
        }
    }
}

QHash<int, qint64> CustomDumpIndexer::tocPositions() const
{
    QHash<int, qint64> positions;
    for (const TocEntry& entry : m_toc) {
        if (entry.flag == OffsetSet)
            positions.insert(entry.dumpId, entry.position);
    }
    return positions;
}

Result<int> CustomDumpIndexer::patch(const QString& path) const
{
    if (!usable())
        return Error{tr("The dump's data positions could not be read: %1").arg(m_problem), {}};
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite))
        return Error{tr("Cannot update “%1”.").arg(path), file.errorString()};
    int patched = 0;
    for (const TocEntry& entry : m_toc) {
        const auto block = m_blocks.constFind(entry.dumpId);
        if (entry.flag != OffsetNotSet || block == m_blocks.cend())
            continue;
        QByteArray field(1 + m_offSize, '\0');
        field[0] = char(OffsetSet);
        for (int i = 0; i < m_offSize; ++i)
            field[1 + i] = char((quint64(block.value()) >> (8 * i)) & 0xff);
        if (!file.seek(entry.offsetField) || file.write(field) != field.size())
            return Error{tr("Cannot update “%1”.").arg(path), file.errorString()};
        ++patched;
    }
    return patched;
}

} // namespace coffre
