#include "RepositoryLock.h"

#include <QDir>
#include <QFile>
#include <QSysInfo>
#include <QThread>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace coffre {

Result<std::unique_ptr<RepositoryLock>> RepositoryLock::acquire(const QString& repository, int waitMs)
{
    Result<std::unique_ptr<RepositoryLock>> lock = tryOnce(repository);
    for (int waited = 0; !lock && lock.error().code == ErrorCode::Busy && waited < waitMs; waited += 100) {
        QThread::msleep(100);
        lock = tryOnce(repository);
    }
    return lock;
}

Result<std::unique_ptr<RepositoryLock>> RepositoryLock::tryOnce(const QString& repository)
{
    const QByteArray path = QFile::encodeName(QDir(repository).filePath(QStringLiteral(".coffre.lock")));
    const int fd = ::open(path.constData(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return Error{tr("Cannot lock the repository “%1”: check that the folder is writable.").arg(repository),
                     QString::fromLocal8Bit(std::strerror(errno))};
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int why = errno;
        QByteArray owner(256, '\0');
        const ssize_t got = ::pread(fd, owner.data(), size_t(owner.size() - 1), 0);
        owner.truncate(qMax<ssize_t>(0, got));
        ::close(fd);
        if (why != EWOULDBLOCK)
            return Error{tr("Cannot lock the repository “%1”.").arg(repository), QString::fromLocal8Bit(std::strerror(why))};
        const QList<QByteArray> fields = owner.trimmed().split(' ');
        return Error{tr("Another Coffre job is working on this repository (process %1 on %2). Wait for it to finish.")
                         .arg(QString::fromUtf8(fields.value(0)), QString::fromUtf8(fields.value(1))),
                     repository, ErrorCode::Busy};
    }
    // Who holds it, for the message others get; the kernel lock is what counts.
    const QByteArray owner = QByteArray::number(::getpid()) + ' ' + QSysInfo::machineHostName().toUtf8() + '\n';
    if (::ftruncate(fd, 0) == 0) {
        [[maybe_unused]] const ssize_t written = ::pwrite(fd, owner.constData(), size_t(owner.size()), 0);
    }
    return std::unique_ptr<RepositoryLock>(new RepositoryLock(fd));
}

RepositoryLock::~RepositoryLock()
{
    ::close(m_fd); // releases the lock; the file stays, as an empty place for the next one
}

} // namespace coffre
