#include "RepositoryLock.h"

#include <QDir>

namespace coffre {

Result<std::unique_ptr<RepositoryLock>> RepositoryLock::acquire(const QString& repository)
{
    auto lock = std::unique_ptr<RepositoryLock>(new RepositoryLock(QDir(repository).filePath(QStringLiteral(".coffre.lock"))));
    lock->m_lock.setStaleLockTime(0); // only a dead owner makes it stale, never its age: jobs can run for hours
    if (lock->m_lock.tryLock(0))
        return lock;
    qint64 pid = 0;
    QString host, application;
    lock->m_lock.getLockInfo(&pid, &host, &application);
    if (lock->m_lock.error() == QLockFile::LockFailedError)
        return Error{tr("Another Coffre job is working on this repository (process %1 on %2). Wait for it to finish.")
                         .arg(pid)
                         .arg(host),
                     repository};
    return Error{tr("Cannot lock the repository “%1”: check that the folder is writable.").arg(repository), {}};
}

} // namespace coffre
