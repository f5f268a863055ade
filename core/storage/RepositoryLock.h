#pragma once

#include "Result.h"

#include <QCoreApplication>
#include <QLockFile>

#include <memory>

namespace coffre {

// One job at a time writes to a repository: the window and a cron run of coffre-cli take
// <repository>/.coffre.lock before they change anything. A lock left by a killed process is
// recognised as stale (its process is gone) and taken over.
class RepositoryLock
{
    Q_DECLARE_TR_FUNCTIONS(RepositoryLock)

public:
    static Result<std::unique_ptr<RepositoryLock>> acquire(const QString& repository);

private:
    explicit RepositoryLock(const QString& path) : m_lock(path) {}
    QLockFile m_lock;
};

} // namespace coffre
