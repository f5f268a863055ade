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
    if (paths.size() == 1 && (!m_hashing || paths.first().endsWith(QLatin1String(".zip"))))
        return archive_read_open_filename(reader, QFile::encodeName(paths.first()).constData(), 1 << 20);
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    m_paths = paths;
    m_next = 0;
    m_buffer.resize(1 << 20);
    m_hashes.clear();
    // Without it the reader would stop quietly at the end of the first pack.
    if (archive_read_set_options(reader, "tar:read_concatenated_archives") != ARCHIVE_OK)
        return ARCHIVE_FATAL;
    return archive_read_open(reader, this, nullptr, &ArchiveInput::read, &ArchiveInput::close);
}

bool ArchiveInput::openNext(archive* reader)
{
    const QString& path = m_paths[m_next++];
    m_fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (m_fd < 0) {
        if (reader)
            archive_set_error(reader, errno, "%s: %s", QFile::encodeName(path).constData(), std::strerror(errno));
        return false;
    }
    if (m_hashing)
        m_hash.emplace();
    return true;
}

void ArchiveInput::closeCurrent()
{
    ::close(m_fd);
    m_fd = -1;
    if (m_hash) {
        m_hashes.insert(m_paths[m_next - 1], m_hash->hex());
        m_hash.reset();
    }
}

la_ssize_t ArchiveInput::read(archive* reader, void* data, const void** buffer)
{
    auto* self = static_cast<ArchiveInput*>(data);
    while (true) {
        if (self->m_fd < 0) {
            if (self->m_next >= self->m_paths.size())
                return 0;
            if (!self->openNext(reader))
                return -1;
        }
        const ssize_t got = ::read(self->m_fd, self->m_buffer.data(), size_t(self->m_buffer.size()));
        if (got < 0) {
            if (errno == EINTR)
                continue;
            archive_set_error(reader, errno, "%s", std::strerror(errno));
            return -1;
        }
        if (got > 0) {
            if (self->m_hash)
                self->m_hash->add(self->m_buffer.constData(), got);
            *buffer = self->m_buffer.constData();
            return got;
        }
        self->closeCurrent(); // this pack is done: on to the next
    }
}

QHash<QString, QString> ArchiveInput::finishHashes()
{
    while (m_hashing && (m_fd >= 0 || m_next < m_paths.size())) {
        if (m_fd < 0 && !openNext(nullptr))
            return {};
        const ssize_t got = ::read(m_fd, m_buffer.data(), size_t(m_buffer.size()));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return {};
        if (got > 0)
            m_hash->add(m_buffer.constData(), got);
        else
            closeCurrent();
    }
    return m_hashes;
}

int ArchiveInput::close(archive*, void* data)
{
    auto* self = static_cast<ArchiveInput*>(data);
    if (self->m_fd >= 0)
        ::close(self->m_fd);
    self->m_fd = -1;
    self->m_hash.reset();
    return ARCHIVE_OK;
}

} // namespace coffre
