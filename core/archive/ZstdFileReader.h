#pragma once

#include "Result.h"
#include "util/Sha256.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QFile>

#include <functional>
#include <memory>
#include <optional>

struct ZSTD_DCtx_s;

namespace coffre {

// Reads a .zst file as plain bytes, pulled by the caller (a parser that asks for "the next 5
// bytes"), where Decompressor pushes. Optionally hashes the compressed bytes as they are read,
// so a reader that goes through the whole file checks its checksum on the way (read once).
class ZstdFileReader
{
    Q_DECLARE_TR_FUNCTIONS(ZstdFileReader)

public:
    enum class Hashing { None, Sha256 };
    explicit ZstdFileReader(const QString& path, Hashing hashing = Hashing::None);
    ~ZstdFileReader();

    Status open();
    // Up to `size` plain bytes; 0 at the end of the last frame. An error for a damaged file.
    Result<qint64> read(char* data, qint64 size);
    // Exactly `size` bytes, or an error (a file ending early is damaged).
    Status readExact(char* data, qint64 size);
    // Hands the next `size` plain bytes to `sink` where they lie, in pieces of at most 128 kB,
    // without copying them; an error for a file ending first.
    using Sink = std::function<Status(const char* data, qint64 size)>;
    Status pass(qint64 size, const Sink& sink);
    // Reads past `size` plain bytes.
    Status skip(qint64 size);
    qint64 plainBytesRead() const { return m_plainRead; }
    qint64 compressedBytesRead() const { return m_compressedRead; }

    // Reads whatever the decompression has not needed yet to the end of the file (unpacked: only
    // hashed) and returns the SHA-256 (hex) of the whole file. Hashing::Sha256 only; call once.
    // `stop`, asked between reads, ends it with ErrorCode::Canceled.
    Result<QString> finishHash(const std::function<bool()>& stop = {});

private:
    Status fill();              // reads more compressed bytes
    Result<bool> decodeMore(); // until plain bytes wait in the output buffer; false at the end
    Error damaged(const QString& detail) const;

    QString m_path;
    QFile m_file;
    std::unique_ptr<ZSTD_DCtx_s, size_t (*)(ZSTD_DCtx_s*)> m_context;
    std::optional<Sha256> m_hash;
    QByteArray m_input, m_output;
    qsizetype m_inputPos = 0, m_inputSize = 0;
    qsizetype m_outputPos = 0, m_outputSize = 0;
    bool m_frameOpen = false; // a frame was started and has not ended: the end of the file is early
    bool m_atEof = false;
    bool m_decoderHasMore = false;
    qint64 m_plainRead = 0;
    qint64 m_compressedRead = 0;
};

} // namespace coffre
