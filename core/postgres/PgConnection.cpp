#include "PgConnection.h"

#include <libpq-fe.h>

#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSet>

#include <cstring>

Q_LOGGING_CATEGORY(lcPostgres, "coffre.postgres")

namespace coffre {

PgConnection::PgConnection(pg_conn* connection) : m_connection(connection) {}

PgConnection::PgConnection(PgConnection&& other) noexcept : m_connection(std::exchange(other.m_connection, nullptr)) {}

PgConnection& PgConnection::operator=(PgConnection&& other) noexcept
{
    std::swap(m_connection, other.m_connection);
    return *this;
}

PgConnection::~PgConnection()
{
    if (m_connection)
        PQfinish(m_connection);
}

Result<PgConnection> PgConnection::open(const DatabaseTarget& target, const QString& password)
{
    QList<QPair<QByteArray, QByteArray>> params = target.libpqParameters();
    params.append({QByteArray("connect_timeout"), QByteArray::number(ConnectTimeoutSeconds)});
    // A server that vanishes (its machine down, a link cut) answers nothing, and a statement
    // waiting for it would wait for ever: after a minute of silence the kernel asks, and gives
    // up after 6 unanswered probes 10 s apart. A busy server's kernel still answers (a count that
    // takes an hour is not cut). Over TCP only; pg_dump and pg_restore get them too
    // (conninfoForChild). Set only where the profile's own connection string says nothing.
    for (const auto& [key, value] : {std::pair{"keepalives_idle", "60"}, {"keepalives_interval", "10"}, {"keepalives_count", "6"}})
        if (!target.conninfo.contains(QLatin1String(key)))
            params.append({QByteArray(key), QByteArray(value)});
    params.append({QByteArray("application_name"), QByteArray("coffre")});
    if (!password.isEmpty())
        params.append({QByteArray("password"), password.toUtf8()});

    std::vector<const char*> keys, values;
    for (const auto& [key, value] : params) {
        keys.push_back(key.constData());
        values.push_back(value.constData());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);

    pg_conn* connection = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
    if (!connection)
        return Error{tr("Out of memory while connecting to the database."), {}};
    if (PQstatus(connection) != CONNECTION_OK) {
        const QString message = QString::fromUtf8(PQerrorMessage(connection)).trimmed();
        const QString user = QString::fromUtf8(PQuser(connection));
        const bool needsPassword = PQconnectionNeedsPassword(connection);
        PQfinish(connection);
        qCInfo(lcPostgres) << "connection to" << target.displayName() << "failed:" << message;
        return explainConnectionFailure(message, target, user, needsPassword);
    }
    // Server notices ("database … does not exist, skipping") go to the log, not to the terminal.
    PQsetNoticeProcessor(
        connection, [](void*, const char* message) { qCDebug(lcPostgres) << QString::fromUtf8(message).trimmed(); }, nullptr);
    return PgConnection(connection);
}

Result<QList<QStringList>> PgConnection::query(const QString& sql, const QStringList& params)
{
    QList<QByteArray> storage;
    std::vector<const char*> values;
    for (const QString& p : params)
        storage.append(p.toUtf8());
    for (const QByteArray& p : storage)
        values.push_back(p.constData());

    std::unique_ptr<pg_result, decltype(&PQclear)> result(
        PQexecParams(m_connection, sql.toUtf8().constData(), int(values.size()), nullptr, values.data(), nullptr,
                     nullptr, 0),
        &PQclear);
    const ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        const char* state = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE); // the same in every language
        return Error{tr("The database refused a request."), QString::fromUtf8(PQerrorMessage(m_connection)).trimmed(),
                     state ? QString::fromLatin1(state) : QString()};
    }
    QList<QStringList> rows;
    const int columns = PQnfields(result.get());
    for (int r = 0; r < PQntuples(result.get()); ++r) {
        QStringList row;
        for (int c = 0; c < columns; ++c)
            row << QString::fromUtf8(PQgetvalue(result.get(), r, c));
        rows.append(row);
    }
    return rows;
}

Result<QString> PgConnection::scalar(const QString& sql, const QStringList& params)
{
    Result<QList<QStringList>> rows = query(sql, params);
    if (!rows)
        return rows.error();
    if (rows->isEmpty() || rows->first().isEmpty())
        return QString();
    return rows->first().first();
}

ServerInfo PgConnection::serverInfo()
{
    ServerInfo info;
    info.versionNumber = PQserverVersion(m_connection);
    // "15.18 (Debian 15.18-0+deb12u1)": the first word is the version people know.
    info.version = QString::fromUtf8(PQparameterStatus(m_connection, "server_version")).section(u' ', 0, 0);
    info.database = QString::fromUtf8(PQdb(m_connection));
    info.user = QString::fromUtf8(PQuser(m_connection));
    if (Result<QString> size = scalar(QStringLiteral("select pg_database_size(current_database())")))
        info.databaseSizeBytes = size->toLongLong();
    return info;
}

QString PgConnection::conninfoForChild(const QString& dbname) const
{
    static const QSet<QByteArray> secret{"password", "passfile", "sslpassword"};
    QStringList parts;
    PQconninfoOption* options = PQconninfo(m_connection);
    for (PQconninfoOption* o = options; o && o->keyword; ++o) {
        const bool isDefault = o->compiled && std::strcmp(o->val ? o->val : "", o->compiled) == 0;
        if (!o->val || !*o->val || isDefault || secret.contains(QByteArray(o->keyword)))
            continue;
        const bool isDbname = std::strcmp(o->keyword, "dbname") == 0;
        QString value = isDbname && !dbname.isEmpty() ? dbname : QString::fromUtf8(o->val);
        value.replace(u'\\', QStringLiteral("\\\\")).replace(u'\'', QStringLiteral("\\'"));
        parts << QStringLiteral("%1='%2'").arg(QString::fromUtf8(o->keyword), value);
    }
    PQconninfoFree(options);
    return parts.join(u' ');
}

QString PgConnection::databaseNameOf(const DatabaseTarget& target, const QString& password)
{
    if (!target.dbname.isEmpty())
        return target.dbname;
    if (!target.conninfo.isEmpty()) {
        char* error = nullptr;
        PQconninfoOption* options = PQconninfoParse(target.conninfo.toUtf8().constData(), &error);
        QString name;
        for (PQconninfoOption* o = options; o && o->keyword; ++o) {
            if (std::strcmp(o->keyword, "dbname") == 0 && o->val)
                name = QString::fromUtf8(o->val);
        }
        PQconninfoFree(options);
        PQfreemem(error);
        if (!name.isEmpty())
            return name;
    }
    Result<PgConnection> connection = open(target, password);
    return connection ? QString::fromUtf8(PQdb(connection.value().m_connection)) : QString();
}

QString PgConnection::quoteIdentifier(const QString& name) const
{
    const QByteArray utf8 = name.toUtf8();
    char* quoted = PQescapeIdentifier(m_connection, utf8.constData(), size_t(utf8.size()));
    const QString result = QString::fromUtf8(quoted);
    PQfreemem(quoted);
    return result;
}

QString PgConnection::quoteLiteral(const QString& value) const
{
    const QByteArray utf8 = value.toUtf8();
    char* quoted = PQescapeLiteral(m_connection, utf8.constData(), size_t(utf8.size()));
    const QString result = QString::fromUtf8(quoted);
    PQfreemem(quoted);
    return result;
}

Error PgConnection::explainConnectionFailure(const QString& message, const DatabaseTarget& target,
                                             const QString& effectiveUser, bool needsPassword)
{
    const QString where = target.displayName();
    const QString user = effectiveUser.isEmpty() ? target.user : effectiveUser;
    auto has = [&message](const char* text) { return message.contains(QLatin1String(text), Qt::CaseInsensitive); };
    QString sentence;
    QString code;
    if (needsPassword || has("no password supplied")) {
        code = ErrorCode::PasswordNeeded;
        sentence = tr("The server asks for a password for user “%1” and none was given: type it in, keep it in the "
                      "keychain, or add it to ~/.pgpass.")
                       .arg(user);
    } else if (has("password authentication failed")) {
        sentence = tr("Wrong password for user “%1” on %2.").arg(user, where);
        code = ErrorCode::WrongPassword;
    } else if (has("does not exist") && has("database"))
        sentence = tr("The database does not exist on %1.").arg(where);
    else if (has("does not exist") && has("role"))
        sentence = tr("The user “%1” does not exist on the server.").arg(user);
    else if (has("no pg_hba.conf entry") || has("pg_hba.conf rejects"))
        sentence = tr("The server does not accept this user and database from this machine (pg_hba.conf).");
    else if (has("could not translate host name")) {
        // The name as libpq tried it: it may come from a connection string, not the host field.
        const QRegularExpressionMatch named = QRegularExpression(QStringLiteral("host name \"([^\"]*)\"")).match(message);
        sentence = tr("The server name “%1” is unknown: check the host.").arg(named.hasMatch() ? named.captured(1) : target.host);
    }
    else if (has("timeout expired"))
        sentence = tr("The server at %1 did not answer within %2 seconds.").arg(where).arg(ConnectTimeoutSeconds);
    else if (has("connection refused") || has("no such file or directory") || has("could not connect"))
        sentence = tr("No PostgreSQL server answers at %1: is it running, and are the host and port right?").arg(where);
    else if (has("service") && has("not found"))
        sentence = tr("The service “%1” is not defined in pg_service.conf.").arg(target.service);
    else if (has("ssl"))
        sentence = tr("The secure (SSL) connection to %1 failed.").arg(where);
    else if (has("invalid connection option") || has("invalid uri") || has("missing \"=\""))
        sentence = tr("The connection settings are not valid.");
    else
        sentence = tr("Could not connect to the database at %1.").arg(where);
    return Error{sentence, message, code};
}

} // namespace coffre
