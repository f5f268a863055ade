#pragma once

#include "Result.h"
#include "postgres/PgTools.h"

#include <QCoreApplication>
#include <QProcessEnvironment>

namespace coffre {

class JobControl;

// Restores a dump over the live database, for a role that may not create databases (no swap
// is possible): all or nothing, in ONE transaction of one psql session. pg_restore --clean
// cannot do it: it drops objects one by one in dump order and stops at the first dependency it
// did not foresee ("cannot drop inherited constraint ... of relation payment_p2026_07" on any
// partitioned table). Instead the transaction first drops every schema of the database with
// CASCADE (the server resolves the dependencies), recreates `public` as a new database has it,
// then runs the SQL pg_restore writes from the dump. Any error rolls everything back.
class InPlaceRestore
{
    Q_DECLARE_TR_FUNCTIONS(InPlaceRestore)

public:
    struct Request
    {
        QString dump;           // custom-format dump file
        QString workDir;        // private folder for the generated SQL (about the dump's size)
        QString conninfo;       // the live database, without password
        bool superuser = false; // else --no-owner: objects belong to the restoring role
        PgTool pgRestore;
        QProcessEnvironment environment; // PGPASSFILE, when a password was given
    };

    static Status run(const Request& request, JobControl& control);

    // The statements that empty the database at the start of the transaction; public for the tests.
    static QString dropEverythingSql();
};

} // namespace coffre
