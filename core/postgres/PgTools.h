#pragma once

#include "Result.h"

#include <QCoreApplication>

namespace coffre {

struct PgTool
{
    QString path;
    QString version; // "15.18"
    int major = 0;
};

// Finds pg_dump, pg_restore or psql of a major version at least that of the server, preferring
// the exact match that Debian installs in /usr/lib/postgresql/<N>/bin. COFFRE_PG_BINDIR, when
// set, is looked at first.
class PgTools
{
    Q_DECLARE_TR_FUNCTIONS(PgTools)

public:
    static Result<PgTool> find(const QString& tool, int serverMajor);
    static Result<PgTool> probe(const QString& path); // runs `path --version`
};

} // namespace coffre
