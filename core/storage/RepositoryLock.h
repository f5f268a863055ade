#pragma once

#include "Result.h"

#include <QCoreApplication>

#include <memory>

namespace coffre {

// One job at a time writes to a repository: the window and a cron run of coffre-cli take
// <repository>/.coffre.lock before they change anything. The lock is a kernel lock (flock) on
// that file, so it goes with its process whatever kills it: a QLockFile left empty by a process
// killed between creating and filling it was never taken for stale, and blocked every later job.
// The file holds the owner's process id and host, for the message others get.
class RepositoryLock
{
    Q_DECLARE_TR_FUNCTIONS(RepositoryLock)

public:
    // `waitMs`: how long to wait while another process holds it (one just killed may, for a moment).
    static Result<std::unique_ptr<RepositoryLock>> acquire(const QString& repository, int waitMs = 0);
    ~RepositoryLock();

    RepositoryLock(const RepositoryLock&) = delete;
    RepositoryLock& operator=(const RepositoryLock&) = delete;

private:
    static Result<std::unique_ptr<RepositoryLock>> tryOnce(const QString& repository);
    explicit RepositoryLock(int fd) : m_fd(fd) {}
    int m_fd;
};

} // namespace coffre
