#pragma once

#include "Result.h"
#include "catalog/Backup.h"
#include "jobs/JobControl.h"

#include <QCoreApplication>
#include <QList>

namespace coffre {

// One object of a database dump, as `pg_restore --list` names it.
struct DumpObject
{
    QString type;    // "TABLE", "INDEX", "FK CONSTRAINT", "TABLE DATA", ...
    QString schema;  // empty for objects outside a schema
    QString name;    // "orders", or "orders orders_pkey" for a table's constraint
    QString owner;
    qint64 rows = -1; // tables: the row count the manifest recorded in the dump's snapshot
};

// The objects in a backup's database dump, without restoring it: the dump (decompressed as it
// streams) is piped into `pg_restore --list`, which reads only its table of contents.
class DumpContents
{
    Q_DECLARE_TR_FUNCTIONS(DumpContents)

public:
    static Result<QList<DumpObject>> list(const Backup& backup, JobControl& control);
    // The lines of `pg_restore --list` ("215; 1259 16386 TABLE public customers postgres").
    static QList<DumpObject> parse(const QByteArray& listing);
};

} // namespace coffre
