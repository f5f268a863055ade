#include "Decompressor.h"

#include <QFile>

#include <memory>
#include <zlib.h>
#include <zstd.h>

namespace coffre {

Status Decompressor::toFile(const QString& source, const QString& destination, JobControl& control,
                            const std::function<void(const char*, qint64)>& onPlainBytes)
{
    QFile in(source), out(destination);
    if (!in.open(QIODevice::ReadOnly))
        return Error{tr("Cannot read “%1”.").arg(source), in.errorString()};
    if (!out.open(QIODevice::WriteOnly | QIODevice::NewOnly))
        return Error{tr("Cannot write “%1”.").arg(destination), out.errorString()};
    out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    const bool zstd = source.endsWith(QLatin1String(".zst"));
    std::unique_ptr<ZSTD_DStream, decltype(&ZSTD_freeDStream)> zs(zstd ? ZSTD_createDStream() : nullptr, &ZSTD_freeDStream);
    z_stream gz{};
    if (!zstd && inflateInit2(&gz, 15 + 32) != Z_OK)
        return Error{tr("Cannot decompress “%1”.").arg(source), {}};
    const auto endGzip = qScopeGuard([&] {
        if (!zstd)
            inflateEnd(&gz);
    });
    QByteArray input(1 << 20, Qt::Uninitialized), output(1 << 20, Qt::Uninitialized);
    auto damaged = [&](const QString& detail) { return Error{tr("“%1” is damaged: it does not decompress.").arg(source), detail}; };
    bool ended = false;
    while (true) {
        if (control.isCanceled())
            return Error{tr("Canceled."), {}, ErrorCode::Canceled};
        const qint64 got = in.read(input.data(), input.size());
        if (got < 0)
            return Error{tr("Cannot read “%1”.").arg(source), in.errorString()};
        if (got == 0)
            break;
        control.addBytesDone(got);
        if (zstd) {
            ZSTD_inBuffer ib{input.constData(), size_t(got), 0};
            while (ib.pos < ib.size) {
                ZSTD_outBuffer ob{output.data(), size_t(output.size()), 0};
                const size_t rc = ZSTD_decompressStream(zs.get(), &ob, &ib);
                if (ZSTD_isError(rc))
                    return damaged(QString::fromLatin1(ZSTD_getErrorName(rc)));
                ended = rc == 0;
                if (onPlainBytes)
                    onPlainBytes(output.constData(), qint64(ob.pos));
                if (out.write(output.constData(), qint64(ob.pos)) != qint64(ob.pos))
                    return Error{tr("Cannot write “%1” (is the disk full?).").arg(destination), out.errorString()};
            }
        } else {
            gz.next_in = reinterpret_cast<Bytef*>(input.data());
            gz.avail_in = uInt(got);
            while (gz.avail_in > 0) {
                gz.next_out = reinterpret_cast<Bytef*>(output.data());
                gz.avail_out = uInt(output.size());
                const int rc = inflate(&gz, Z_NO_FLUSH);
                if (rc != Z_OK && rc != Z_STREAM_END)
                    return damaged(QString::fromLatin1(gz.msg ? gz.msg : "inflate failed"));
                const qint64 produced = output.size() - gz.avail_out;
                if (onPlainBytes)
                    onPlainBytes(output.constData(), produced);
                if (out.write(output.constData(), produced) != produced)
                    return Error{tr("Cannot write “%1” (is the disk full?).").arg(destination), out.errorString()};
                ended = rc == Z_STREAM_END;
                if (ended)
                    break;
            }
        }
    }
    if (!ended)
        return damaged(QStringLiteral("truncated"));
    if (!out.flush())
        return Error{tr("Cannot write “%1” (is the disk full?).").arg(destination), out.errorString()};
    return {};
}

} // namespace coffre
