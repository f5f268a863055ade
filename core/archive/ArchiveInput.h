#pragma once

#include "util/Sha256.h"

#include <QByteArray>
#include <QHash>
#include <QStringList>

#include <optional>

#include <archive.h>

namespace coffre {

// Opens a libarchive reader on one archive file, or on a source root's packs read one after the
// other as one archive: each pack is a complete tar.zst, zstd reads on from frame to frame, and
// the tar reader is told to read past each pack's end-of-archive blocks (what `tar -i` does).
// A single file is opened by name, as before: zip needs to seek.
class ArchiveInput
{
public:
    ArchiveInput() = default;
    ~ArchiveInput();
    ArchiveInput(const ArchiveInput&) = delete;
    ArchiveInput& operator=(const ArchiveInput&) = delete;

    // `reader` has its filters and formats set. This object must outlive `reader` (it holds the
    // open file). Returns libarchive's status; on failure, archive_error_string(reader) says why.
    int open(archive* reader, const QStringList& paths);

    // Before open(): hash every file as it is read (a restore checks its checksums on the way,
    // reading each file once). Not for zip, which is opened by name.
    void hashFiles() { m_hashing = true; }
    // After the reader is done with the archive: reads what it did not need (the padding after
    // the last entry, a frame's end) and gives each file's SHA-256 (hex) by path. Empty on a read error.
    QHash<QString, QString> finishHashes();

private:
    static la_ssize_t read(archive* reader, void* data, const void** buffer);
    static int close(archive* reader, void* data);

    bool openNext(archive* reader);
    void closeCurrent();

    QStringList m_paths;
    qsizetype m_next = 0;
    int m_fd = -1;
    QByteArray m_buffer;
    bool m_hashing = false;
    std::optional<Sha256> m_hash; // of the file open now
    QHash<QString, QString> m_hashes;
};

} // namespace coffre
