#pragma once

#include "PgConnection.h"

#include <QFuture>

namespace coffre {

// "Test connection": opens a connection on a worker thread and reports the server version
// or why it failed.
class ConnectionTester
{
public:
    static Result<ServerInfo> test(const DatabaseTarget& target, const QString& password = {});
    static QFuture<Result<ServerInfo>> testAsync(const DatabaseTarget& target, const QString& password = {});
};

} // namespace coffre
