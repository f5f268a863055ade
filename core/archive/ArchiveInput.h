#pragma once

#include <QByteArray>
#include <QStringList>

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

private:
    static la_ssize_t read(archive* reader, void* data, const void** buffer);
    static int close(archive* reader, void* data);

    QStringList m_paths;
    qsizetype m_next = 0;
    int m_fd = -1;
    QByteArray m_buffer;
};

} // namespace coffre
