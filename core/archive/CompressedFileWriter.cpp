#include "CompressedFileWriter.h"

#include <QThread>

#include <cerrno>
#include <cstring>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

namespace coffre {

namespace {
constexpr int ZstdLevel = 3;   // measured: as small as gzip -9 and several times faster than gzip -6
constexpr int GzipLevel = 6;
// libzstd's workers each hold a job's input and output; its default job size (4 windows) costs
// ~60 MB per stream with several streams at once. 2 MB jobs keep a stream near 15 MB for the
// same ratio and speed (measured in bench/create.sh).
constexpr int ZstdJobBytes = 2 * 1024 * 1024;
constexpr qint64 OutChunk = 1 << 20;
} // namespace

struct CompressedFileWriter::Codec
{
    ZSTD_CCtx* zstd = nullptr;
    z_stream gzip{};
    bool gzipOpen = false;

    ~Codec()
    {
        if (zstd)
            ZSTD_freeCCtx(zstd);
        if (gzipOpen)
            deflateEnd(&gzip);
    }
};

QString CompressedFileWriter::extension(Compression compression)
{
    switch (compression) {
    case Compression::Zstd:
        return QStringLiteral(".zst");
    case Compression::Gzip:
        return QStringLiteral(".gz");
    case Compression::None:
        break;
    }
    return {};
}

CompressedFileWriter::CompressedFileWriter(const QString& path, QString bundlePath, Compression compression)
    : m_file(path), m_bundlePath(std::move(bundlePath)), m_compression(compression), m_codec(std::make_unique<Codec>())
{
    m_buffer.resize(OutChunk);
}

CompressedFileWriter::~CompressedFileWriter() = default;

Status CompressedFileWriter::fail(const QString& detail)
{
    // errno tells "No space left on device" far better than a generic device error.
    const bool diskFull = detail.contains(QLatin1String("No space left")) || errno == ENOSPC;
    return Error{diskFull ? tr("The disk holding the backups is full (writing “%1”).").arg(m_bundlePath)
                          : tr("Could not write “%1”.").arg(m_bundlePath),
                 m_file.fileName() + QStringLiteral(": ") + detail};
}

Status CompressedFileWriter::open()
{
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::NewOnly))
        return fail(m_file.errorString());
    m_file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (m_compression == Compression::Zstd) {
        m_codec->zstd = ZSTD_createCCtx();
        ZSTD_CCtx_setParameter(m_codec->zstd, ZSTD_c_compressionLevel, ZstdLevel);
        ZSTD_CCtx_setParameter(m_codec->zstd, ZSTD_c_nbWorkers, qMax(1, QThread::idealThreadCount()));
        ZSTD_CCtx_setParameter(m_codec->zstd, ZSTD_c_jobSize, ZstdJobBytes);
        ZSTD_CCtx_setParameter(m_codec->zstd, ZSTD_c_checksumFlag, 1);
    } else if (m_compression == Compression::Gzip) {
        // windowBits 15 + 16: a gzip header, so that `tar xzf` and `gunzip` read it.
        if (deflateInit2(&m_codec->gzip, GzipLevel, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            return fail(QStringLiteral("deflateInit2 failed"));
        m_codec->gzipOpen = true;
    }
    return {};
}

Status CompressedFileWriter::writeOut(const char* data, qint64 size)
{
    if (size == 0)
        return {};
    errno = 0;
    if (m_file.write(data, size) != size)
        return fail(errno ? QString::fromLocal8Bit(std::strerror(errno)) : m_file.errorString());
    m_hash.add(data, size);
    m_outputBytes += size;
    return {};
}

Status CompressedFileWriter::write(const char* data, qint64 size)
{
    m_inputBytes += size;
    if (m_compression == Compression::None)
        return writeOut(data, size);
    if (m_compression == Compression::Zstd) {
        ZSTD_inBuffer in{data, size_t(size), 0};
        while (in.pos < in.size) {
            ZSTD_outBuffer out{m_buffer.data(), size_t(m_buffer.size()), 0};
            const size_t rc = ZSTD_compressStream2(m_codec->zstd, &out, &in, ZSTD_e_continue);
            if (ZSTD_isError(rc))
                return fail(QString::fromLatin1(ZSTD_getErrorName(rc)));
            if (Status written = writeOut(m_buffer.constData(), qint64(out.pos)); !written)
                return written;
        }
        return {};
    }
    z_stream& z = m_codec->gzip;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
    z.avail_in = uInt(size);
    while (z.avail_in > 0) {
        z.next_out = reinterpret_cast<Bytef*>(m_buffer.data());
        z.avail_out = uInt(m_buffer.size());
        if (deflate(&z, Z_NO_FLUSH) == Z_STREAM_ERROR)
            return fail(QStringLiteral("deflate failed"));
        if (Status written = writeOut(m_buffer.constData(), m_buffer.size() - z.avail_out); !written)
            return written;
    }
    return {};
}

Result<BundleFile> CompressedFileWriter::finish()
{
    if (m_compression == Compression::Zstd) {
        ZSTD_inBuffer in{nullptr, 0, 0};
        size_t remaining = 1;
        while (remaining != 0) {
            ZSTD_outBuffer out{m_buffer.data(), size_t(m_buffer.size()), 0};
            remaining = ZSTD_compressStream2(m_codec->zstd, &out, &in, ZSTD_e_end);
            if (ZSTD_isError(remaining))
                return fail(QString::fromLatin1(ZSTD_getErrorName(remaining))).error();
            if (Status written = writeOut(m_buffer.constData(), qint64(out.pos)); !written)
                return written.error();
        }
    } else if (m_compression == Compression::Gzip) {
        z_stream& z = m_codec->gzip;
        int rc = Z_OK;
        z.avail_in = 0;
        while (rc != Z_STREAM_END) {
            z.next_out = reinterpret_cast<Bytef*>(m_buffer.data());
            z.avail_out = uInt(m_buffer.size());
            rc = deflate(&z, Z_FINISH);
            if (rc == Z_STREAM_ERROR)
                return fail(QStringLiteral("deflate failed")).error();
            if (Status written = writeOut(m_buffer.constData(), m_buffer.size() - z.avail_out); !written)
                return written.error();
        }
    }
    errno = 0;
    if (!m_file.flush() || ::fsync(m_file.handle()) != 0)
        return fail(errno ? QString::fromLocal8Bit(std::strerror(errno)) : m_file.errorString()).error();
    m_file.close();
    return BundleFile{m_bundlePath, m_outputBytes, m_hash.hex()};
}

} // namespace coffre
