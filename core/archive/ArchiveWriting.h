#pragma once

#include "CompressedFileWriter.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

namespace coffre {

// What libarchive's writers share: owning pointers, and a sink that hands the archive's bytes to
// a CompressedFileWriter, keeping its failure (libarchive only sees -1).
using ArchiveWritePtr = std::unique_ptr<archive, decltype(&archive_write_free)>;
using ArchiveEntryPtr = std::unique_ptr<archive_entry, decltype(&archive_entry_free)>;

struct ArchiveSink
{
    CompressedFileWriter* out;
    Status status;

    // For archive_write_open2, with the sink as client data.
    static la_ssize_t write(archive*, void* data, const void* buffer, size_t length)
    {
        auto* sink = static_cast<ArchiveSink*>(data);
        sink->status = sink->out->write(static_cast<const char*>(buffer), qint64(length));
        return sink->status ? la_ssize_t(length) : -1;
    }
};

} // namespace coffre
