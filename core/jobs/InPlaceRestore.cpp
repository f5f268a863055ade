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
    // Every schema but the system ones, whoever owns it: one the role may not drop stops the
    // restore (rolled back) rather than leaving a mix. `public` comes back as a new database
    // has it, since dumps never create it (they expect it): owned by pg_database_owner with
    // USAGE for all from PostgreSQL 15, owned by the role with ALL for all before.
    return QStringLiteral("do $coffre$\n"
                          "declare\n"
                          "    s text;\n"
                          "begin\n"
                          "    for s in select nspname from pg_namespace where nspname !~ '^pg_' and nspname <> "
                          "'information_schema' loop\n"
                          "        execute format('drop schema %I cascade', s);\n"
                          "    end loop;\n"
                          "    if current_setting('server_version_num')::int >= 150000 then\n"
                          "        create schema public authorization pg_database_owner;\n"
                          "        grant usage on schema public to public;\n"
                          "    else\n"
                          "        create schema public;\n"
                          "        grant all on schema public to public;\n"
                          "    end if;\n"
                          "end\n"
                          "$coffre$;\n");
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
    QStringList toSql{QStringLiteral("--file=") + script};
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
