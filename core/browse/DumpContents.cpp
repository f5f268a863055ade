#include "DumpContents.h"

#include "archive/Decompressor.h"
#include "postgres/PgTools.h"
#include "util/ChildProcess.h"

#include <QDir>
#include <QHash>
#include <QProcess>

namespace coffre {
namespace {

// pg_restore prints the type between the object ids and the schema; these are the ones of more
// than one word (PostgreSQL 15's pg_dump), longest first so "MATERIALIZED VIEW DATA" wins.
const QStringList MultiWordTypes = {
    QStringLiteral("MATERIALIZED VIEW DATA"), QStringLiteral("TEXT SEARCH CONFIGURATION"),
    QStringLiteral("TEXT SEARCH DICTIONARY"), QStringLiteral("TEXT SEARCH TEMPLATE"), QStringLiteral("TEXT SEARCH PARSER"),
    QStringLiteral("FOREIGN DATA WRAPPER"), QStringLiteral("SEQUENCE OWNED BY"), QStringLiteral("DATABASE PROPERTIES"),
    QStringLiteral("MATERIALIZED VIEW"), QStringLiteral("ROW SECURITY"), QStringLiteral("PUBLICATION TABLE"),
    QStringLiteral("PUBLICATION TABLES IN SCHEMA"), QStringLiteral("EVENT TRIGGER"), QStringLiteral("FOREIGN TABLE"),
    QStringLiteral("FOREIGN SERVER"), QStringLiteral("USER MAPPING"), QStringLiteral("ACCESS METHOD"),
    QStringLiteral("OPERATOR CLASS"), QStringLiteral("OPERATOR FAMILY"), QStringLiteral("FK CONSTRAINT"),
    QStringLiteral("CHECK CONSTRAINT"), QStringLiteral("SEQUENCE SET"), QStringLiteral("TABLE DATA"),
    QStringLiteral("DEFAULT ACL"), QStringLiteral("LARGE OBJECT"), QStringLiteral("BLOB DATA"), QStringLiteral("BLOBS"),
    QStringLiteral("SHELL TYPE"), QStringLiteral("TABLE ATTACH"), QStringLiteral("INDEX ATTACH"),
};

} // namespace

QList<DumpObject> DumpContents::parse(const QByteArray& listing)
{
    QList<DumpObject> objects;
    for (const QByteArray& rawLine : listing.split('\n')) {
        QString line = QString::fromUtf8(rawLine);
        if (line.endsWith(u'\r'))
            line.chop(1);
        // Not trimmed at the end: an object without owner ends with a space ("COMMENT - EXTENSION plpgsql ").
        if (line.trimmed().isEmpty() || line.startsWith(u';'))
            continue;
        // "<dump id>; <table oid> <oid> <type> <schema or -> <name> <owner>"
        const qsizetype semicolon = line.indexOf(QLatin1String("; "));
        if (semicolon < 0)
            continue;
        QString rest = line.mid(semicolon + 2).section(u' ', 2); // drop the two oids
        DumpObject object;
        for (const QString& type : MultiWordTypes) {
            if (rest.startsWith(type + u' ')) {
                object.type = type;
                break;
            }
        }
        if (object.type.isEmpty())
            object.type = rest.section(u' ', 0, 0);
        rest = rest.mid(object.type.size() + 1);
        const QString schema = rest.section(u' ', 0, 0);
        object.schema = schema == u"-" ? QString() : schema;
        rest = rest.section(u' ', 1);
        const qsizetype lastSpace = rest.lastIndexOf(u' ');
        object.name = lastSpace < 0 ? rest : rest.left(lastSpace);
        object.owner = lastSpace < 0 ? QString() : rest.mid(lastSpace + 1);
        objects.append(object);
    }
    return objects;
}

Result<QList<DumpObject>> DumpContents::list(const Backup& backup, JobControl& control)
{
    if (!backup.manifest || !backup.manifest->database)
        return Error{tr("The backup “%1” holds no database.").arg(backup.name), {}};
    const DatabasePart& database = *backup.manifest->database;
    Result<PgTool> tool = PgTools::find(QStringLiteral("pg_restore"), database.pgDumpVersion.section(u'.', 0, 0).toInt());
    if (!tool)
        return tool.error();

    QProcess process;
    ChildProcess::dieWithParent(process);
    process.start(tool->path, {QStringLiteral("--list")});
    if (!process.waitForStarted(10000))
        return Error{tr("Could not start pg_restore."), process.errorString()};
    // pg_restore stops reading once it has the table of contents: stop feeding it then.
    const Status fed = Decompressor::toSink(QDir(backup.path).filePath(database.file), control, [&](const char* data, qint64 size) -> Status {
        if (process.state() == QProcess::NotRunning)
            return Decompressor::stopRequest();
        process.write(data, size);
        while (process.bytesToWrite() > (4 << 20) && process.state() == QProcess::Running)
            process.waitForBytesWritten(100);
        return {};
    });
    process.closeWriteChannel();
    if (!fed) {
        process.kill();
        process.waitForFinished(5000);
        return fed.error();
    }
    // pg_restore exits as soon as it has printed the table of contents, often before we stop
    // feeding it: an exit with status 0 is success, whatever happened to the bytes still on their way.
    // (waitForFinished() answers false for a process that has already ended.)
    if (process.state() != QProcess::NotRunning && !process.waitForFinished(60000)) {
        process.kill();
        process.waitForFinished(5000);
        return Error{tr("pg_restore did not finish listing the dump of “%1”.").arg(backup.name), {}};
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        const QString said = QString::fromUtf8(process.readAllStandardError()).trimmed();
        const QString firstLine = said.section(u'\n', 0, 0);
        return Error{firstLine.isEmpty() ? tr("pg_restore could not read the dump of “%1” (exit status %2).").arg(backup.name).arg(process.exitCode())
                                         : tr("pg_restore could not read the dump of “%1”: %2").arg(backup.name, firstLine),
                     said};
    }
    QList<DumpObject> objects = parse(process.readAllStandardOutput());
    QHash<QString, qint64> rows;
    for (const TableRowCount& table : database.tables)
        rows.insert(table.schema + u'.' + table.table, table.rows);
    for (DumpObject& object : objects) {
        if (object.type == u"TABLE")
            object.rows = rows.value(object.schema + u'.' + object.name, -1);
    }
    return objects;
}

} // namespace coffre
