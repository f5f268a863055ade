#pragma once

#include "PgConnection.h"

namespace coffre {

// What a restore asks of the server, on a connection to its maintenance database ("postgres"):
// create a database like another one, carry its database-level settings and grants over, end
// the other sessions, and swap two names in one transaction.
class DatabaseAdmin
{
    Q_DECLARE_TR_FUNCTIONS(DatabaseAdmin)

public:
    static Result<DatabaseAdmin> connect(const DatabaseTarget& target, const QString& password);

    bool exists(const QString& database);
    bool isSuperuser();
    bool canCreateDatabases();
    int otherSessions(const QString& database);
    qint64 sizeOf(const QString& database);

    // CREATE DATABASE `name` with the encoding, collation and owner of `like` (when it exists).
    Status createLike(const QString& name, const QString& like);
    // ALTER DATABASE ... SET, ALTER ROLE ... IN DATABASE ... SET, GRANT ... ON DATABASE, CONNECTION LIMIT.
    Status copySettings(const QString& from, const QString& to);
    Status terminateSessions(const QString& database);
    Status setAllowConnections(const QString& database, bool allow);
    // In one transaction: `current` becomes `keepAs`, then `replacement` becomes `current`.
    Status swap(const QString& current, const QString& keepAs, const QString& replacement);
    Status rename(const QString& from, const QString& to);
    Status drop(const QString& database);

    PgConnection& connection() { return m_connection; }

private:
    explicit DatabaseAdmin(PgConnection connection) : m_connection(std::move(connection)) {}
    Status exec(const QString& sql, const QString& whatFailed);
    QString value(const QString& sql, const QStringList& params = {}); // empty on error
    QString ident(const QString& name) { return m_connection.quoteIdentifier(name); }

    PgConnection m_connection;
};

} // namespace coffre
