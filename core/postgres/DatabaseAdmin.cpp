#include "DatabaseAdmin.h"

#include "DatabaseNames.h"

#include <QElapsedTimer>
#include <QThread>

namespace coffre {

Result<DatabaseAdmin> DatabaseAdmin::connect(const DatabaseTarget& target, const QString& password)
{
    DatabaseTarget maintenance = target;
    maintenance.dbname = QStringLiteral("postgres");
    Result<PgConnection> connection = PgConnection::open(maintenance, password);
    if (!connection)
        return connection.error();
    return DatabaseAdmin(std::move(connection).value());
}

QString DatabaseAdmin::value(const QString& sql, const QStringList& params)
{
    Result<QString> result = m_connection.scalar(sql, params);
    return result ? *result : QString();
}

Status DatabaseAdmin::exec(const QString& sql, const QString& whatFailed)
{
    if (auto result = m_connection.query(sql); !result)
        return Error{whatFailed, result.error().detail};
    return {};
}

Status DatabaseAdmin::checkFits(const QStringList& names)
{
    for (const QString& name : names) {
        if (!DatabaseNames::fits(name))
            return Error{tr("The database name “%1” is longer than PostgreSQL allows (63 bytes).").arg(name), {}};
    }
    return {};
}

bool DatabaseAdmin::exists(const QString& database)
{
    const Result<quint32> oid = oidOf(database);
    return oid && *oid != 0;
}

Result<quint32> DatabaseAdmin::oidOf(const QString& database)
{
    Result<QString> oid = m_connection.scalar(QStringLiteral("select oid from pg_database where datname::text = $1::text"), {database});
    if (!oid)
        return oid.error();
    return quint32(oid->toUInt());
}

qint64 DatabaseAdmin::serverPid()
{
    return value(QStringLiteral("select pg_backend_pid()")).toLongLong();
}

void DatabaseAdmin::endCoffreSession(qint64 pid, int waitMs)
{
    if (pid <= 0 || pid == serverPid())
        return;
    const QString still = QStringLiteral("select count(*) from pg_stat_activity where pid = $1::int and application_name = 'coffre'");
    const QString pidText = QString::number(pid);
    m_connection.scalar(QStringLiteral("select pg_terminate_backend(pid) from pg_stat_activity where pid = $1::int and application_name = 'coffre'"),
                        {pidText});
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < waitMs) {
        const Result<QString> left = m_connection.scalar(still, {pidText});
        if (!left || *left == u"0")
            return;
        QThread::msleep(50);
    }
}

bool DatabaseAdmin::isSuperuser()
{
    return value(QStringLiteral("select rolsuper from pg_roles where rolname = current_user")) == u"t";
}

bool DatabaseAdmin::canCreateDatabases()
{
    return value(QStringLiteral("select rolsuper or rolcreatedb from pg_roles where rolname = current_user")) == u"t";
}

int DatabaseAdmin::otherSessions(const QString& database)
{
    return value(QStringLiteral("select count(*) from pg_stat_activity where datname::text = $1::text and pid <> pg_backend_pid()"),
                 {database})
        .toInt();
}

qint64 DatabaseAdmin::sizeOf(const QString& database)
{
    return value(QStringLiteral("select pg_database_size(oid) from pg_database where datname::text = $1::text"), {database}).toLongLong();
}

Status DatabaseAdmin::createLike(const QString& name, const QString& like)
{
    if (Status fits = checkFits({name}); !fits)
        return fits;
    QString sql = QStringLiteral("create database %1 template template0").arg(ident(name));
    Result<QList<QStringList>> model = m_connection.query(
        QStringLiteral("select pg_encoding_to_char(encoding), datcollate, datctype, pg_get_userbyid(datdba), "
                       "pg_has_role(current_user, datdba, 'member') from pg_database where datname::text = $1::text"),
        {like});
    if (model && !model->isEmpty()) {
        const QStringList& row = model->first();
        sql += QStringLiteral(" encoding %1 lc_collate %2 lc_ctype %3")
                   .arg(m_connection.quoteLiteral(row[0]), m_connection.quoteLiteral(row[1]), m_connection.quoteLiteral(row[2]));
        if (row[4] == u"t")
            sql += QStringLiteral(" owner %1").arg(ident(row[3]));
    }
    return exec(sql, tr("Could not create the database “%1”.").arg(name));
}

Status DatabaseAdmin::copySettings(const QString& from, const QString& to)
{
    if (Status fits = checkFits({from, to}); !fits)
        return fits;
    QStringList statements;
    Result<QList<QStringList>> settings = m_connection.query(
        QStringLiteral("select coalesce(r.rolname, ''), unnest(s.setconfig) from pg_db_role_setting s "
                       "join pg_database d on d.oid = s.setdatabase left join pg_roles r on r.oid = s.setrole where d.datname::text = $1::text"),
        {from});
    for (const QStringList& row : settings ? *settings : QList<QStringList>()) {
        const QString name = row[1].section(u'=', 0, 0), value = row[1].section(u'=', 1);
        const QString assignment = QStringLiteral("set %1 = %2").arg(ident(name), m_connection.quoteLiteral(value));
        statements << (row[0].isEmpty() ? QStringLiteral("alter database %1 %2").arg(ident(to), assignment)
                                        : QStringLiteral("alter role %1 in database %2 %3").arg(ident(row[0]), ident(to), assignment));
    }
    Result<QList<QStringList>> grants = m_connection.query(
        QStringLiteral("select case when a.grantee = 0 then 'public' else quote_ident(pg_get_userbyid(a.grantee)) end, "
                       "a.privilege_type, a.is_grantable from pg_database d, aclexplode(d.datacl) a where d.datname::text = $1::text"),
        {from});
    if (grants && !grants->isEmpty())
        statements << QStringLiteral("revoke all on database %1 from public").arg(ident(to));
    for (const QStringList& row : grants ? *grants : QList<QStringList>())
        statements << QStringLiteral("grant %1 on database %2 to %3%4")
                          .arg(row[1], ident(to), row[0], row[2] == u"t" ? QStringLiteral(" with grant option") : QString());
    const QString limit = value(QStringLiteral("select datconnlimit from pg_database where datname::text = $1::text"), {from});
    if (!limit.isEmpty() && limit != u"-1")
        statements << QStringLiteral("alter database %1 connection limit %2").arg(ident(to), limit);
    for (const QString& sql : statements) {
        if (Status done = exec(sql, tr("Could not carry the database settings over to “%1”.").arg(to)); !done)
            return done;
    }
    return {};
}

Status DatabaseAdmin::terminateSessions(const QString& database)
{
    return exec(QStringLiteral("select pg_terminate_backend(pid) from pg_stat_activity where datname::text = %1 and pid <> pg_backend_pid()")
                    .arg(m_connection.quoteLiteral(database)),
                tr("Could not end the other sessions on “%1”.").arg(database));
}

Status DatabaseAdmin::setAllowConnections(const QString& database, bool allow)
{
    if (Status fits = checkFits({database}); !fits)
        return fits;
    return exec(QStringLiteral("alter database %1 allow_connections %2").arg(ident(database), allow ? QStringLiteral("true") : QStringLiteral("false")),
                tr("Could not change who may connect to “%1”.").arg(database));
}

Status DatabaseAdmin::swap(const QString& current, const QString& keepAs, const QString& replacement)
{
    if (Status fits = checkFits({current, keepAs, replacement}); !fits)
        return fits;
    // No new sessions while the old ones are ended; a session ended a moment ago may still be
    // leaving: try a few times before giving up.
    setAllowConnections(current, false);
    Status result;
    for (int attempt = 0; attempt < 10; ++attempt) {
        terminateSessions(current);
        const QString failed = tr("Could not put the restored database in place of “%1”.").arg(current);
        result = exec(QStringLiteral("begin"), failed);
        if (result)
            result = exec(QStringLiteral("alter database %1 rename to %2").arg(ident(current), ident(keepAs)), failed);
        if (result)
            result = exec(QStringLiteral("alter database %1 rename to %2").arg(ident(replacement), ident(current)), failed);
        if (result)
            result = exec(QStringLiteral("commit"), failed);
        if (result) {
            setAllowConnections(keepAs, true);
            setAllowConnections(current, true);
            return result;
        }
        m_connection.query(QStringLiteral("rollback"));
        QThread::msleep(200);
    }
    setAllowConnections(current, true);
    return result;
}

Status DatabaseAdmin::rename(const QString& from, const QString& to)
{
    if (Status fits = checkFits({from, to}); !fits)
        return fits;
    terminateSessions(from);
    return exec(QStringLiteral("alter database %1 rename to %2").arg(ident(from), ident(to)),
                tr("Could not rename the database “%1”.").arg(from));
}

Status DatabaseAdmin::drop(const QString& database)
{
    if (Status fits = checkFits({database}); !fits)
        return fits;
    return exec(QStringLiteral("drop database if exists %1 with (force)").arg(ident(database)),
                tr("Could not remove the temporary database “%1”.").arg(database));
}

Status DatabaseAdmin::dropCreated(const QString& database, quint32 oid)
{
    const Result<quint32> actual = oidOf(database);
    if (!actual)
        return actual.error();
    if (*actual == 0)
        return {};
    if (oid != 0 && *actual != oid)
        return Error{tr("The database “%1” is not the one Coffre created: it was left alone.").arg(database), {}};
    return drop(database);
}

} // namespace coffre
