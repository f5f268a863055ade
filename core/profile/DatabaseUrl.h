#pragma once

#include "Result.h"

#include <QCoreApplication>
#include <QString>

namespace coffre {

// A DATABASE_URL as hosting panels and .env files give it: postgres[ql]://user:password@host:port/dbname?sslmode=...
// Parsed for the profile dialog, which spreads it over its fields; the password is handed back
// separately, for the session or the keychain, never for the profile file.
struct DatabaseUrl
{
    Q_DECLARE_TR_FUNCTIONS(DatabaseUrl)

public:
    QString host;     // "::1" for "[::1]"; may be a socket folder (?host=/var/run/postgresql)
    int port = 0;     // 0: not given
    QString user;
    QString password;
    QString dbname;
    QString sslmode;

    static Result<DatabaseUrl> parse(const QString& text);
};

} // namespace coffre
