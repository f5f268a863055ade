#pragma once

#include <QList>
#include <QPair>
#include <QString>

namespace coffre {

// Where a database lives, in libpq's words. Either the separate fields, or a libpq service
// name, or a whole connection string / URI (the CLI's --db). Never a password: that comes
// from ~/.pgpass, the OS keychain or a prompt, and is handed over separately.
struct DatabaseTarget
{
    QString conninfo;   // "host=... dbname=..." or "postgresql://..."; other fields override it
    QString service;    // a section of pg_service.conf
    QString host;       // a host name, an IP address, or a unix socket folder
    int port = 0;       // 0: libpq's default
    QString dbname;
    QString user;
    QString sslmode;    // empty: libpq's default ("prefer")

    bool isEmpty() const;
    // Whether `conninfo` carries a password (password=... or postgresql://user:secret@...),
    // which Coffre refuses: it would be on a command line, in a profile, and lost to pg_dump.
    bool conninfoHoldsPassword() const;
    // Keyword/value pairs for PQconnectdbParams (conninfo goes in as an expanded "dbname").
    QList<QPair<QByteArray, QByteArray>> libpqParameters() const;
    // "user@host:port/dbname" for people; never holds a password.
    QString displayName() const;

    bool operator==(const DatabaseTarget&) const = default;
};

} // namespace coffre
