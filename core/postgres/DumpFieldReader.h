#pragma once

#include <QByteArray>

#include <limits>

namespace coffre::dumpformat {

// pg_dump's custom format (pg_backup_archiver.h, pg_backup_custom.c): the few constants Coffre reads.
constexpr int OffsetNotSet = 1;
constexpr int OffsetSet = 2;
constexpr int NoData = 3;
constexpr char BlockData = 1;
constexpr char BlockBlobs = 3;
enum Section { SectionNone = 1, SectionPreData = 2, SectionData = 3, SectionPostData = 4 };

// Thrown when a buffer ends before the field does: feed more bytes and parse again.
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
    // A sign byte, then the magnitude in intSize bytes, least significant first.
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
    // A length, then the bytes; a negative length is a NULL string (returned as a null QByteArray).
    QByteArray string()
    {
        const qint64 length = integer();
        if (length < 0)
            return {};
        need(length);
        QByteArray value = length == 0 ? QByteArray("") : m_bytes.mid(pos, length);
        pos += length;
        return value;
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

} // namespace coffre::dumpformat
