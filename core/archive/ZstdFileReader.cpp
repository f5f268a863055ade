#include "ZstdFileReader.h"

#include <zstd.h>

namespace coffre {

ZstdFileReader::ZstdFileReader(const QString& path, Hashing hashing)
    : m_path(path), m_file(path), m_context(ZSTD_createDCtx(), &ZSTD_freeDCtx)
{
    if (hashing == Hashing::Sha256)
        m_hash.emplace();
}

ZstdFileReader::~ZstdFileReader() = default;

Status ZstdFileReader::open()
{
    if (!m_file.open(QIODevice::ReadOnly))
        return Error{tr("Cannot read “%1”.").arg(m_path), m_file.errorString()};
    if (!m_context)
        return Error{tr("Cannot decompress “%1”.").arg(m_path), QStringLiteral("ZSTD_createDCtx failed")};
    m_input.resize(1 << 20);
    m_output.resize(qsizetype(ZSTD_DStreamOutSize()));
    return {};
}

Error ZstdFileReader::damaged(const QString& detail) const
{
    return Error{tr("“%1” is damaged: it does not decompress.").arg(m_path), detail};
}

Status ZstdFileReader::fill()
{
    const qint64 got = m_file.read(m_input.data(), m_input.size());
    if (got < 0)
        return Error{tr("Cannot read “%1”.").arg(m_path), m_file.errorString()};
    m_inputPos = 0;
    m_inputSize = got;
    m_atEof = got == 0;
    m_compressedRead += got;
    if (m_hash)
        m_hash->add(m_input.constData(), got);
    return {};
}

Result<bool> ZstdFileReader::decodeMore()
{
    while (m_outputPos == m_outputSize) {
        // A full output buffer may leave more in the decoder even when the input is all used.
        if (m_inputPos == m_inputSize && !m_decoderHasMore) {
            if (!m_atEof) {
                if (Status filled = fill(); !filled)
                    return filled.error();
            }
            if (m_atEof) {
                if (m_frameOpen)
                    return damaged(QStringLiteral("the file ends in the middle of a frame"));
                return false;
            }
        }
        ZSTD_inBuffer in{m_input.constData(), size_t(m_inputSize), size_t(m_inputPos)};
        ZSTD_outBuffer out{m_output.data(), size_t(m_output.size()), 0};
        const size_t rc = ZSTD_decompressStream(m_context.get(), &out, &in);
        if (ZSTD_isError(rc))
            return damaged(QString::fromLatin1(ZSTD_getErrorName(rc)));
        m_frameOpen = rc != 0;
        m_decoderHasMore = out.pos == out.size;
        m_inputPos = qsizetype(in.pos);
        m_outputPos = 0;
        m_outputSize = qsizetype(out.pos);
    }
    return true;
}

Result<qint64> ZstdFileReader::read(char* data, qint64 size)
{
    const Result<bool> more = decodeMore();
    if (!more)
        return more.error();
    if (!*more)
        return qint64(0);
    const qint64 taken = qMin<qint64>(size, m_outputSize - m_outputPos);
    memcpy(data, m_output.constData() + m_outputPos, size_t(taken));
    m_outputPos += taken;
    m_plainRead += taken;
    return taken;
}

Status ZstdFileReader::readExact(char* data, qint64 size)
{
    for (qint64 done = 0; done < size;) {
        const Result<qint64> got = read(data + done, size - done);
        if (!got)
            return got.error();
        if (*got == 0)
            return damaged(QStringLiteral("the data ends early"));
        done += *got;
    }
    return {};
}

Status ZstdFileReader::pass(qint64 size, const Sink& sink)
{
    while (size > 0) {
        const Result<bool> more = decodeMore();
        if (!more)
            return more.error();
        if (!*more)
            return damaged(QStringLiteral("the data ends early"));
        const qint64 taken = qMin<qint64>(size, m_outputSize - m_outputPos);
        if (sink) {
            if (Status passed = sink(m_output.constData() + m_outputPos, taken); !passed)
                return passed;
        }
        m_outputPos += taken;
        m_plainRead += taken;
        size -= taken;
    }
    return {};
}

Status ZstdFileReader::skip(qint64 size)
{
    return pass(size, {});
}

Result<QString> ZstdFileReader::finishHash(const std::function<bool()>& stop)
{
    if (!m_hash)
        return Error{tr("Cannot check “%1”.").arg(m_path), QStringLiteral("not hashing")};
    while (!m_atEof) {
        if (stop && stop())
            return Error{tr("Canceled."), {}, ErrorCode::Canceled};
        if (Status filled = fill(); !filled)
            return filled.error();
    }
    const QString hex = m_hash->hex();
    m_hash.reset();
    return hex;
}

} // namespace coffre
