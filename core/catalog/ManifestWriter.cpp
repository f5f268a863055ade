#include "ManifestWriter.h"

#include "util/AtomicFile.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace coffre {
namespace {

QString isoUtc(const QDateTime& time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

QJsonObject settingsToJson(const DatabaseSettingsPart& s)
{
    QJsonArray config, acl;
    for (const DatabaseSetting& c : s.config)
        config.append(QJsonObject{{QStringLiteral("role"), c.role}, {QStringLiteral("setting"), c.setting}});
    for (const DatabaseGrant& g : s.acl)
        acl.append(QJsonObject{{QStringLiteral("grantee"), g.grantee},
                               {QStringLiteral("privilege"), g.privilege},
                               {QStringLiteral("grantable"), g.grantable}});
    return {{QStringLiteral("config"), config},
            {QStringLiteral("connection_limit"), s.connectionLimit},
            {QStringLiteral("owner"), s.owner},
            {QStringLiteral("acl"), acl},
            {QStringLiteral("comment"), s.comment}};
}

QJsonObject databaseToJson(const DatabasePart& db)
{
    QJsonArray tables;
    for (const TableRowCount& t : db.tables)
        tables.append(QJsonObject{{QStringLiteral("schema"), t.schema},
                                  {QStringLiteral("table"), t.table},
                                  {QStringLiteral("rows"), t.rows}});
    QJsonObject o{{QStringLiteral("name"), db.name},
                  {QStringLiteral("server_version"), db.serverVersion},
                  {QStringLiteral("pg_dump_version"), db.pgDumpVersion},
                  {QStringLiteral("size_bytes"), db.sizeBytes},
                  {QStringLiteral("file"), db.file},
                  {QStringLiteral("duration_ms"), db.durationMs},
                  {QStringLiteral("tables"), tables}};
    if (!db.plainSqlFile.isEmpty())
        o.insert(QStringLiteral("plain_sql_file"), db.plainSqlFile);
    if (db.settings)
        o.insert(QStringLiteral("settings"), settingsToJson(*db.settings));
    if (db.prismaMigrations)
        o.insert(QStringLiteral("prisma_migrations"), QJsonArray::fromStringList(*db.prismaMigrations));
    return o;
}

QJsonObject sourceToJson(const SourcePart& s)
{
    QJsonObject json{{QStringLiteral("label"), s.label},
            {QStringLiteral("path"), s.path},
            {QStringLiteral("file_count"), s.fileCount},
            {QStringLiteral("bytes"), s.bytes},
            {QStringLiteral("exclusions"), QJsonArray::fromStringList(s.exclusions)},
            {QStringLiteral("duration_ms"), s.durationMs}};
    if (!s.vanished.isEmpty())
        json.insert(QStringLiteral("vanished"), QJsonArray::fromStringList(s.vanished));
    if (s.prismaMigrations)
        json.insert(QStringLiteral("prisma_migrations"), QJsonArray::fromStringList(*s.prismaMigrations));
    if (s.packs.isEmpty()) {
        json.insert(QStringLiteral("archive"), s.archive);
    } else {
        QJsonArray packs;
        for (const SourcePack& pack : s.packs)
            packs.append(QJsonObject{{QStringLiteral("file"), pack.file},
                                     {QStringLiteral("fingerprint"), pack.fingerprint},
                                     {QStringLiteral("entries"), pack.entries},
                                     {QStringLiteral("bytes"), pack.bytes}});
        json.insert(QStringLiteral("packs"), packs);
    }
    return json;
}

QJsonObject objectsToJson(const ObjectsPart& o)
{
    QJsonArray objects;
    for (const StoredObject& object : o.objects) {
        QJsonObject json{{QStringLiteral("key"), object.key},
                         {QStringLiteral("size"), object.size},
                         {QStringLiteral("etag"), object.etag},
                         {QStringLiteral("sha256"), object.sha256}};
        if (object.modified.isValid())
            json.insert(QStringLiteral("modified"), isoUtc(object.modified));
        if (!object.entry.isEmpty())
            json.insert(QStringLiteral("entry"), object.entry);
        objects.append(json);
    }
    QJsonObject json{{QStringLiteral("label"), o.label},
                     {QStringLiteral("bucket"), o.bucket},
                     {QStringLiteral("prefix"), o.prefix},
                     {QStringLiteral("endpoint"), o.endpoint},
                     {QStringLiteral("archive"), o.archive},
                     {QStringLiteral("object_count"), o.objectCount},
                     {QStringLiteral("bytes"), o.bytes},
                     {QStringLiteral("duration_ms"), o.durationMs},
                     {QStringLiteral("objects"), objects}};
    if (!o.vanished.isEmpty())
        json.insert(QStringLiteral("vanished"), QJsonArray::fromStringList(o.vanished));
    return json;
}

} // namespace

QByteArray ManifestWriter::toJson(const Manifest& m)
{
    QJsonArray sources, objects, files;
    for (const SourcePart& s : m.sources)
        sources.append(sourceToJson(s));
    for (const ObjectsPart& o : m.objects)
        objects.append(objectsToJson(o));
    for (const BundleFile& f : m.files)
        files.append(QJsonObject{{QStringLiteral("path"), f.path},
                                 {QStringLiteral("size"), f.size},
                                 {QStringLiteral("sha256"), f.sha256}});
    QJsonObject root{{QStringLiteral("format"), m.formatVersion()},
                     {QStringLiteral("name"), m.name},
                     {QStringLiteral("kind"), kindToString(m.kind)},
                     {QStringLiteral("created"), isoUtc(m.created)},
                     {QStringLiteral("finished"), isoUtc(m.finished)},
                     {QStringLiteral("duration_ms"), m.durationMs},
                     {QStringLiteral("coffre_version"), m.coffreVersion},
                     {QStringLiteral("host"), m.host},
                     {QStringLiteral("profile"), m.profile},
                     {QStringLiteral("note"), m.note},
                     {QStringLiteral("database"), m.database ? QJsonValue(databaseToJson(*m.database)) : QJsonValue()},
                     {QStringLiteral("sources"), sources},
                     {QStringLiteral("objects"), objects},
                     {QStringLiteral("files"), files}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

Status ManifestWriter::writeToBundle(const Manifest& manifest, const QString& bundleDir)
{
    return AtomicFile::write(QDir(bundleDir).filePath(QLatin1String(Manifest::FileName)), toJson(manifest));
}

} // namespace coffre
