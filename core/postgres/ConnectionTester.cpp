#include "ConnectionTester.h"

#include "util/Background.h"

#include <QtConcurrent>

namespace coffre {

Result<ServerInfo> ConnectionTester::test(const DatabaseTarget& target, const QString& password)
{
    Result<PgConnection> connection = PgConnection::open(target, password);
    if (!connection)
        return connection.error();
    return connection.value().serverInfo();
}

QFuture<Result<ServerInfo>> ConnectionTester::testAsync(const DatabaseTarget& target, const QString& password)
{
    return runInBackground([target, password] { return test(target, password); });
}

} // namespace coffre
