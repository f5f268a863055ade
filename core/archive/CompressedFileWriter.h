#pragma once

#include "Result.h"
#include "catalog/Manifest.h"
#include "util/Sha256.h"

#include <QCoreApplication>
#include <QFile>

#include <memory>

namespace coffre {

// None still hashes: it is for pg_dump output that pg_dump compressed itself.
enum class Compression { Zstd, Gzip, None };

// Compresses a stream into one file of a bundle (0600) and hashes the compressed bytes as they
// are written. zstd runs multi-threaded (libzstd's own workers); gzip is for old tooling.
class CompressedFileWriter
{
    Q_DECLARE_TR_FUNCTIONS(CompressedFileWriter)

public:
    static QString extension(Compression compression); // ".zst", ".gz" or ""

    CompressedFileWriter(const QString& path, QString bundlePath, Compression compression);
    ~CompressedFileWriter();

    Status open();
    Status write(const char* data, qint64 size);
    // Flushes the compressor, fsyncs and closes; returns the file's manifest entry.
    Result<BundleFile> finish();

    qint64 inputBytes() const { return m_inputBytes; }

private:
    struct Codec;
    Status writeOut(const char* data, qint64 size);
    Status fail(const QString& detail);

    QFile m_file;
    QString m_bundlePath;
    Compression m_compression;
    std::unique_ptr<Codec> m_codec;
    Sha256 m_hash;
    qint64 m_inputBytes = 0;
    qint64 m_outputBytes = 0;
    QByteArray m_buffer;
};

} // namespace coffre
