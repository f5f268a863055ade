#include "CustomDumpIndexer.h"

#include "DumpFieldReader.h"
#include "DumpToc.h"

#include <QFile>

#include <limits>
#include <stdexcept>

namespace coffre {
using namespace dumpformat;

void CustomDumpIndexer::fail(const QString& why)
{
    m_state = State::Failed;
    m_problem = why;
    m_pending.clear();
}

bool CustomDumpIndexer::parseToc()
{
    DumpToc toc;
    QString problem;
    switch (DumpToc::parse(m_pending, toc, &problem)) {
    case DumpToc::Parse::NeedMore:
        return false;
    case DumpToc::Parse::Failed:
        return fail(problem), false;
    case DumpToc::Parse::Done:
        break;
    }
    m_intSize = toc.intSize;
    m_offSize = toc.offSize;
    for (const DumpTocEntry& entry : toc.entries)
        m_toc.append({entry.dumpId, entry.offsetField, entry.dataFlag, entry.position});
    m_tocParsed = true;
    m_pendingStart = toc.size;
    m_pending = m_pending.mid(toc.size);
    m_state = State::BlockType;
    return true;
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
