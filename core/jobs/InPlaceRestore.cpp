#include "InPlaceRestore.h"

#include "JobControl.h"
#include "util/AtomicFile.h"
#include "util/ChildProcess.h"

#include <QDir>
#include <QFileInfo>

namespace coffre {
namespace {

// psql from the same installation as pg_restore: its SQL may hold meta-commands (\restrict)
// that only a psql as new understands.
Result<PgTool> psqlBeside(const PgTool& pgRestore)
{
    const QString beside = QFileInfo(pgRestore.path).dir().filePath(QStringLiteral("psql"));
    if (QFileInfo(beside).isExecutable()) {
        if (Result<PgTool> found = PgTools::probe(beside); found && found->major >= pgRestore.major)
            return found;
    }
    return PgTools::find(QStringLiteral("psql"), pgRestore.major);
}

} // namespace

QString InPlaceRestore::dropEverythingSql()
{
    // A schema of the role (or of pg_database_owner) goes whole, with CASCADE. In a schema of
    // another role (`public` of a database made before PostgreSQL 15 belongs to the superuser),
    // what the role owns goes and the schema stays; anything left there that the dump recreates
    // stops the restore, rolled back, rather than leaving a mix. Statements are listed before
    // any runs: a CASCADE may take later ones with it (hence IF EXISTS). Extension members and
    // what goes with its owner (serial sequences, partitions) are left to the drop that takes
    // them. `public` comes back as a new database has it when it went, since dumps never
    // create it: owned by pg_database_owner with USAGE for all from PostgreSQL 15, owned by the
    // role with ALL for all before.
    return QStringLiteral(R"sql(
do $coffre$
declare
    s record;
    statements text[];
    statement text;
begin
    for s in select oid, nspname, pg_has_role(nspowner, 'MEMBER') as ours from pg_namespace
             where nspname !~ '^pg_' and nspname <> 'information_schema' loop
        if s.ours then
            execute format('drop schema %I cascade', s.nspname);
            continue;
        end if;
        select array_agg(q) into statements from (
            select format('drop %s if exists %I.%I cascade',
                          case c.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'S' then 'sequence'
                                         when 'f' then 'foreign table' else 'table' end, s.nspname, c.relname) q
            from pg_class c
            where c.relnamespace = s.oid and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and not c.relispartition
              and pg_has_role(c.relowner, 'MEMBER')
              and not exists (select from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid
                              and d.objsubid = 0 and d.refobjid <> c.oid and d.deptype in ('e', 'a', 'i'))
            union all
            select format('drop %s if exists %I.%I(%s) cascade',
                          case p.prokind when 'a' then 'aggregate' when 'p' then 'procedure' else 'function' end,
                          s.nspname, p.proname, pg_get_function_identity_arguments(p.oid))
            from pg_proc p
            where p.pronamespace = s.oid and pg_has_role(p.proowner, 'MEMBER')
              and not exists (select from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
            union all
            select format('drop %s if exists %I.%I cascade', case t.typtype when 'd' then 'domain' else 'type' end,
                          s.nspname, t.typname)
            from pg_type t
            where t.typnamespace = s.oid and pg_has_role(t.typowner, 'MEMBER')
              and (t.typtype in ('e', 'r', 'd') or (t.typtype = 'c' and (select relkind from pg_class where oid = t.typrelid) = 'c'))
              and not exists (select from pg_depend d where d.classid = 'pg_type'::regclass and d.objid = t.oid and d.deptype = 'e')
        ) drops;
        foreach statement in array coalesce(statements, '{}') loop
            execute statement;
        end loop;
    end loop;
    if not exists (select from pg_namespace where nspname = 'public') then
        if current_setting('server_version_num')::int >= 150000 then
            create schema public authorization pg_database_owner;
            grant usage on schema public to public;
        else
            create schema public;
            grant all on schema public to public;
        end if;
    end if;
end
$coffre$;
)sql");
}

Status InPlaceRestore::run(const Request& request, JobControl& control)
{
    Result<PgTool> psql = psqlBeside(request.pgRestore);
    if (!psql)
        return psql.error();
    const QString prologue = QDir(request.workDir).filePath(QStringLiteral("drop-everything.sql"));
    const QString script = QDir(request.workDir).filePath(QStringLiteral("restore.sql"));
    if (Status written = AtomicFile::write(prologue, dropEverythingSql().toUtf8()); !written)
        return written;
    // The dump as SQL, without a connection: pg_restore cannot run a prologue in its own
    // transaction, psql can (--single-transaction spans every -f).
    // --single-transaction here too: without it pg_restore wraps large objects in a BEGIN/COMMIT of
    // their own, and that COMMIT would end psql's transaction halfway (drop step and all). With it
    // the script is one BEGIN…COMMIT whose COMMIT is its last line: still all or nothing.
    QStringList toSql{QStringLiteral("--file=") + script, QStringLiteral("--single-transaction")};
    if (!request.superuser)
        toSql << QStringLiteral("--no-owner");
    toSql << request.dump;
    const auto ignore = [](const QByteArray&) { return Status(); };
    const auto stop = [&control] { return control.isCanceled(); };
    if (Status generated = ChildProcess::run(request.pgRestore.path, toSql, request.environment, ignore, control, stop);
        !generated)
        return generated;
    const QStringList arguments{QStringLiteral("--no-psqlrc"),          QStringLiteral("--quiet"),
                                QStringLiteral("--no-password"),        QStringLiteral("--set=ON_ERROR_STOP=1"),
                                QStringLiteral("--single-transaction"), QStringLiteral("--dbname=") + request.conninfo,
                                QStringLiteral("--file=") + prologue,   QStringLiteral("--file=") + script};
    // On any error psql stops without COMMIT: the server rolls the whole transaction back.
    Status restored = ChildProcess::run(psql->path, arguments, request.environment, ignore, control, stop);
    QFile::remove(script);
    return restored;
}

} // namespace coffre
