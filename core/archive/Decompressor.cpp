#include "Decompressor.h"

#include <QFile>

#include <memory>
#include <zlib.h>
#include <zstd.h>

namespace coffre {
namespace {

enum class Codec { Zstd, Gzip, None };

Codec codecOf(const QString& path)
{
    if (path.endsWith(QLatin1String(".zst")))
        return Codec::Zstd;
    if (path.endsWith(QLatin1String(".gz")))
        return Codec::Gzip;
    return Codec::None;
}

} // namespace

Status Decompressor::toSink(const QString& source, JobControl& control, const Sink& sink)
{
    QFile in(source);
    if (!in.open(QIODevice::ReadOnly))
        return Error{tr("Cannot read “%1”.").arg(source), in.errorString()};
    const Codec codec = codecOf(source);
    std::unique_ptr<ZSTD_DStream, decltype(&ZSTD_freeDStream)> zs(codec == Codec::Zstd ? ZSTD_createDStream() : nullptr,
                                                                  &ZSTD_freeDStream);
    z_stream gz{};
    if (codec == Codec::Gzip && inflateInit2(&gz, 15 + 32) != Z_OK)
        return Error{tr("Cannot decompress “%1”.").arg(source), {}};
    const auto endGzip = qScopeGuard([&] {
        if (codec == Codec::Gzip)
            inflateEnd(&gz);
    });
    QByteArray input(1 << 20, Qt::Uninitialized), output(1 << 20, Qt::Uninitialized);
    auto damaged = [&](const QString& detail) { return Error{tr("“%1” is damaged: it does not decompress.").arg(source), detail}; };
    auto give = [&](const char* data, qint64 size) -> Status { return size > 0 ? sink(data, size) : Status(); };
    bool ended = codec == Codec::None;
    while (true) {
        if (control.isCanceled())
            return Error{tr("Canceled."), {}, ErrorCode::Canceled};
        const qint64 got = in.read(input.data(), input.size());
        if (got < 0)
            return Error{tr("Cannot read “%1”.").arg(source), in.errorString()};
        if (got == 0)
            break;
        control.addBytesDone(got);
        Status given;
        if (codec == Codec::None) {
            given = give(input.constData(), got);
        } else if (codec == Codec::Zstd) {
            ZSTD_inBuffer ib{input.constData(), size_t(got), 0};
            while (given && ib.pos < ib.size) {
                ZSTD_outBuffer ob{output.data(), size_t(output.size()), 0};
                const size_t rc = ZSTD_decompressStream(zs.get(), &ob, &ib);
                if (ZSTD_isError(rc))
                    return damaged(QString::fromLatin1(ZSTD_getErrorName(rc)));
                ended = rc == 0;
                given = give(output.constData(), qint64(ob.pos));
            }
        } else {
            gz.next_in = reinterpret_cast<Bytef*>(input.data());
            gz.avail_in = uInt(got);
            while (given && gz.avail_in > 0) {
                gz.next_out = reinterpret_cast<Bytef*>(output.data());
                gz.avail_out = uInt(output.size());
                const int rc = inflate(&gz, Z_NO_FLUSH);
                if (rc != Z_OK && rc != Z_STREAM_END)
                    return damaged(QString::fromLatin1(gz.msg ? gz.msg : "inflate failed"));
                given = give(output.constData(), qint64(output.size() - gz.avail_out));
                ended = rc == Z_STREAM_END;
                if (ended)
                    break;
            }
        }
        if (!given)
            return given.error().code == stopRequest().code ? Status() : given;
    }
    if (!ended)
        return damaged(QStringLiteral("truncated"));
    return {};
}

Status Decompressor::toFile(const QString& source, const QString& destination, JobControl& control,
                            const std::function<void(const char*, qint64)>& onPlainBytes)
{
    QFile out(destination);
    if (!out.open(QIODevice::WriteOnly | QIODevice::NewOnly))
        return Error{tr("Cannot write “%1”.").arg(destination), out.errorString()};
    out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    const Status done = toSink(source, control, [&](const char* data, qint64 size) -> Status {
        if (onPlainBytes)
            onPlainBytes(data, size);
        if (out.write(data, size) != size)
            return Error{tr("Cannot write “%1” (is the disk full?).").arg(destination), out.errorString()};
        return {};
    });
    if (!done)
        return done;
    if (!out.flush())
        return Error{tr("Cannot write “%1” (is the disk full?).").arg(destination), out.errorString()};
    return {};
}

} // namespace coffre
