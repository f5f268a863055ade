#pragma once

#include "Result.h"
#include "profile/DatabaseTarget.h"

#include <QCoreApplication>
#include <QStringList>

#include <memory>

struct pg_conn;
struct pg_result;

namespace coffre {

struct ServerInfo
{
    QString version;       // "15.18"
    int versionNumber = 0; // 150018, as PQserverVersion gives it
    int majorVersion() const { return versionNumber / 10000; }
    QString database;
    QString user;
    qint64 databaseSizeBytes = 0;
};

// Owns one libpq connection. Blocking: use it from a worker thread. Every libpq failure comes
// back as an Error whose message says in plain words what happened (wrong password, server down,
// unknown database) and whose detail keeps libpq's own text for the log.
class PgConnection
{
    Q_DECLARE_TR_FUNCTIONS(PgConnection)

public:
    static constexpr int ConnectTimeoutSeconds = 10;

    // The password, when given, goes to libpq in memory; when empty, libpq looks in ~/.pgpass,
    // the service file and PGPASSWORD as usual.
    static Result<PgConnection> open(const DatabaseTarget& target, const QString& password = {});

    PgConnection(PgConnection&&) noexcept;
    PgConnection& operator=(PgConnection&&) noexcept;
    ~PgConnection();

    // A request the server refuses comes back with its SQLSTATE ("42P01") as the error's code:
    // decide on that, never on the (translated) message.
    Result<QList<QStringList>> query(const QString& sql, const QStringList& params = {});
    Result<QString> scalar(const QString& sql, const QStringList& params = {});
    ServerInfo serverInfo();

    // The parameters libpq actually used (host, port, user, dbname, sslmode... after services,
    // URIs and defaults), as a connection string for a child process. Never the password.
    // `dbname`, when given, replaces the database of this connection.
    QString conninfoForChild(const QString& dbname = {}) const;
    QString quoteIdentifier(const QString& name) const;
    // libpq's own handle, for what this class does not wrap (COPY, large objects: DumpDataLoader).
    pg_conn* handle() const { return m_connection; }
    QString quoteLiteral(const QString& value) const;

    // The database a target names, as libpq would pick it: the dbname field, else the one in the
    // connection string or URI, else what the server says after connecting (services, PGDATABASE).
    // Empty when none of these tells.
    static QString databaseNameOf(const DatabaseTarget& target, const QString& password = {});

    // Turns libpq's message into a sentence for people; public for the tests. `needsPassword`
    // (PQconnectionNeedsPassword) decides the password prompt whatever language the message is in.
    static Error explainConnectionFailure(const QString& libpqMessage, const DatabaseTarget& target,
                                          const QString& effectiveUser, bool needsPassword = false);

private:
    explicit PgConnection(pg_conn* connection);
    pg_conn* m_connection = nullptr;
};

} // namespace coffre
