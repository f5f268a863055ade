#include "ArchiveInput.h"

#include <QFile>

#include <archive.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace coffre {

ArchiveInput::~ArchiveInput()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

int ArchiveInput::open(archive* reader, const QStringList& paths)
{
    if (paths.size() == 1)
        return archive_read_open_filename(reader, QFile::encodeName(paths.first()).constData(), 1 << 20);
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    m_paths = paths;
    m_next = 0;
    m_buffer.resize(1 << 20);
    // Without it the reader would stop quietly at the end of the first pack.
    if (archive_read_set_options(reader, "tar:read_concatenated_archives") != ARCHIVE_OK)
        return ARCHIVE_FATAL;
    return archive_read_open(reader, this, nullptr, &ArchiveInput::read, &ArchiveInput::close);
}

la_ssize_t ArchiveInput::read(archive* reader, void* data, const void** buffer)
{
    auto* self = static_cast<ArchiveInput*>(data);
    while (true) {
        if (self->m_fd < 0) {
            if (self->m_next >= self->m_paths.size())
                return 0;
            const QString& path = self->m_paths[self->m_next++];
            self->m_fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
            if (self->m_fd < 0) {
                archive_set_error(reader, errno, "%s: %s", QFile::encodeName(path).constData(), std::strerror(errno));
                return -1;
            }
        }
        const ssize_t got = ::read(self->m_fd, self->m_buffer.data(), size_t(self->m_buffer.size()));
        if (got < 0) {
            if (errno == EINTR)
                continue;
            archive_set_error(reader, errno, "%s", std::strerror(errno));
            return -1;
        }
        if (got > 0) {
            *buffer = self->m_buffer.constData();
            return got;
        }
        ::close(self->m_fd); // this pack is done: on to the next
        self->m_fd = -1;
    }
}

int ArchiveInput::close(archive*, void* data)
{
    auto* self = static_cast<ArchiveInput*>(data);
    if (self->m_fd >= 0)
        ::close(self->m_fd);
    self->m_fd = -1;
    return ARCHIVE_OK;
}

} // namespace coffre
