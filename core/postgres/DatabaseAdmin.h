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

    // Names compare exactly (as text: a `name` parameter would be cut to 63 bytes first).
    bool exists(const QString& database);
    // The database's OID, 0 when there is none by that exact name; an error when the server cannot tell.
    Result<quint32> oidOf(const QString& database);
    // This connection's server process, and the way to end another Coffre session of a killed run
    // (waits until it is gone, at most `waitMs`, so that what it was doing is rolled back or done).
    qint64 serverPid();
    void endCoffreSession(qint64 pid, int waitMs = 10000);
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
    // Drops `database` only when it is the one Coffre created and recorded (`oid`); 0 (a journal
    // that recorded none) drops it by its exact name. Gone already: done.
    Status dropCreated(const QString& database, quint32 oid);

    PgConnection& connection() { return m_connection; }

private:
    explicit DatabaseAdmin(PgConnection connection) : m_connection(std::move(connection)) {}
    Status exec(const QString& sql, const QString& whatFailed);
    QString value(const QString& sql, const QStringList& params = {}); // empty on error
    QString ident(const QString& name) { return m_connection.quoteIdentifier(name); }
    // PostgreSQL would cut a longer name and act on another database: refused instead.
    Status checkFits(const QStringList& names);

    PgConnection m_connection;
};

} // namespace coffre
