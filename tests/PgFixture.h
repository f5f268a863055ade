#pragma once

#include "postgres/PgConnection.h"

#include <QTest>

namespace coffre::test {

// The private cluster of the CTest "postgres" fixture (tests/pg-fixture), as the postgres role.
inline DatabaseTarget fixtureDatabase(const QString& dbname, const QString& user = QStringLiteral("postgres"))
{
    DatabaseTarget target;
    target.host = qEnvironmentVariable("PGHOST");
    target.port = qEnvironmentVariableIntValue("PGPORT");
    target.user = user;
    target.dbname = dbname;
    return target;
}

inline bool hasFixture()
{
    return !qEnvironmentVariableIsEmpty("PGHOST");
}

// Runs SQL statements on a database of the fixture; fails the calling test on error.
inline bool execSql(const QString& dbname, const QStringList& statements)
{
    Result<PgConnection> connection = PgConnection::open(fixtureDatabase(dbname));
    if (!connection) {
        qWarning("%s", qPrintable(connection.error().toLogString()));
        return false;
    }
    for (const QString& sql : statements) {
        if (auto result = connection.value().query(sql); !result) {
            qWarning("%s: %s", qPrintable(sql), qPrintable(result.error().toLogString()));
            return false;
        }
    }
    return true;
}

inline QString sqlScalar(const QString& dbname, const QString& sql)
{
    Result<PgConnection> connection = PgConnection::open(fixtureDatabase(dbname));
    if (!connection)
        return QStringLiteral("<no connection>");
    Result<QString> value = connection.value().scalar(sql);
    return value ? *value : QStringLiteral("<error>");
}

// (Re)creates a database.
inline bool recreateDatabase(const QString& dbname, const QString& owner = QStringLiteral("postgres"))
{
    return execSql(QStringLiteral("postgres"), {QStringLiteral("drop database if exists \"%1\" with (force)").arg(dbname),
                                                QStringLiteral("create database \"%1\" owner \"%2\"").arg(dbname, owner)});
}

} // namespace coffre::test
