#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace coffre {

enum class BackupKind { Manual, Scheduled, Safety };

QString kindToString(BackupKind kind);               // "manual", "scheduled", "safety" (the format's words)
std::optional<BackupKind> kindFromString(const QString& text);
QString kindDisplayName(BackupKind kind);            // the same, translated, for people

struct TableRowCount
{
    QString schema;
    QString table;
    qint64 rows = 0;
    bool operator==(const TableRowCount&) const = default;
};

// One line of pg_db_role_setting for the database, as the server stores it ("search_path=public, extra").
struct DatabaseSetting
{
    QString role;           // empty: ALTER DATABASE ... SET; else ALTER ROLE role IN DATABASE ... SET
    QString setting;        // "name=value"
    bool operator==(const DatabaseSetting&) const = default;
};

// One privilege of aclexplode(datacl), the default ACL when datacl is null.
struct DatabaseGrant
{
    QString grantee;        // empty: PUBLIC
    QString privilege;      // "CONNECT", "CREATE", "TEMPORARY"
    bool grantable = false;
    bool operator==(const DatabaseGrant&) const = default;
};

// The database's own settings at backup time: what pg_dump leaves out (it dumps objects inside
// the database, not the database itself).
struct DatabaseSettingsPart
{
    QList<DatabaseSetting> config;
    int connectionLimit = -1; // -1: no limit
    QString owner;
    QList<DatabaseGrant> acl;
    QString comment;          // empty: none
    bool operator==(const DatabaseSettingsPart&) const = default;
};

struct DatabasePart
{
    QString name;           // database name on the server
    QString serverVersion;  // e.g. "15.18"
    QString pgDumpVersion;
    qint64 sizeBytes = 0;   // pg_database_size at dump time
    QString file;           // bundle path of the custom-format dump, e.g. "database.dump.zst"
    QString plainSqlFile;   // optional plain SQL copy, empty when not made
    qint64 durationMs = 0;
    QList<TableRowCount> tables;
    std::optional<DatabaseSettingsPart> settings; // absent in manifests written before they were recorded
    // The Prisma migrations applied (_prisma_migrations), sorted; absent when the database has none.
    std::optional<QStringList> prismaMigrations;
    bool operator==(const DatabasePart&) const = default;
};

// One pack of a source root's archive (format 2): a complete tar.zst of a run of the tree's
// entries, in tree order. A later backup whose same run of entries is unchanged hard-links the
// file instead of writing it again (docs/DECISIONS.md 66).
struct SourcePack
{
    QString file;           // bundle path, e.g. "sources/backend/0007.tar.zst"
    QString fingerprint;    // SHA-256 (hex) of the entries' paths and stat data as archived
    qint64 entries = 0;
    qint64 bytes = 0;       // uncompressed bytes of its files
    bool operator==(const SourcePack&) const = default;
};

struct SourcePart
{
    QString label;          // "backend"
    QString path;           // absolute path of the root on the machine that made the backup
    QString archive;        // bundle path, e.g. "sources/backend.tar.zst"; empty when in packs
    QList<SourcePack> packs; // the archive in packs, read one after the other as one tar
    qint64 fileCount = 0;
    qint64 bytes = 0;       // uncompressed bytes of the archived files
    QStringList exclusions;
    qint64 durationMs = 0;
    QStringList vanished;   // files deleted between the scan and their turn in the archive
    // The Prisma migrations of the tree (prisma/migrations/<name>/), sorted; absent when it has none.
    std::optional<QStringList> prismaMigrations;

    // The bundle files that hold the tree, in reading order: the packs, or the one archive.
    QStringList archiveFiles() const;
    // Absolute paths of the same, inside the bundle folder `bundle`.
    QStringList archivePaths(const QString& bundle) const;
    bool operator==(const SourcePart&) const = default;
};

// One object of a bucket as the snapshot found and archived it.
struct StoredObject
{
    QString key;            // the object's whole key, prefix included, any UTF-8
    qint64 size = 0;
    QString etag;           // as the storage gave it, without quotes ("…-N" after a multipart upload)
    QString sha256;         // of the bytes archived
    QDateTime modified;     // the storage's Last-Modified (UTC); invalid when unknown
    // Its name in the archive when that is not "objects/<key without prefix>" (a key that is not a
    // plain relative path: "../x", "a//b", "folder/"): "other-keys/<n>".
    QString entry;
    bool operator==(const StoredObject&) const = default;
};

// A snapshot of the objects under s3://bucket/prefix (the application's uploaded documents).
struct ObjectsPart
{
    QString label;          // "documents": names the archive and the restore component "bucket:<label>"
    QString bucket;
    QString prefix;         // "" or "uploads/shop": the objects listed were those under "<prefix>/"
    QString endpoint;       // "" = AWS or the environment's
    QString archive;        // bundle path, e.g. "objects/documents.tar.zst"
    qint64 objectCount = 0;
    qint64 bytes = 0;
    qint64 durationMs = 0;
    QList<StoredObject> objects; // in archive order
    QStringList vanished;   // listed, then deleted before their turn: not in the archive

    // The key without the prefix and its slash: what follows "objects/" in the archive.
    QString relativeKey(const QString& key) const;
    // The archive entry of one object: its `entry`, else "objects/<relative key>".
    QString entryOf(const StoredObject& object) const;
    bool operator==(const ObjectsPart&) const = default;
};

struct BundleFile
{
    QString path;           // relative to the bundle folder, '/' separated
    qint64 size = 0;
    QString sha256;         // 64 lowercase hex digits
    bool operator==(const BundleFile&) const = default;
};

// The content of manifest.json, format 1 (docs/FORMAT.md). Plain data; parsing and
// validation live in ManifestParser, writing in ManifestWriter.
struct Manifest
{
    // 2 when a source root is archived in packs; 1 otherwise (what older versions of Coffre read).
    static constexpr int FormatVersion = 2;
    static constexpr int OldestFormatVersion = 1;
    static constexpr auto FileName = "manifest.json";

    QString name;
    BackupKind kind = BackupKind::Manual;
    QDateTime created;      // UTC
    QDateTime finished;     // UTC
    qint64 durationMs = 0;
    QString coffreVersion;
    QString host;
    QString profile;
    QString note;
    std::optional<DatabasePart> database;
    QList<SourcePart> sources;
    QList<ObjectsPart> objects;
    QList<BundleFile> files;

    // "database", "source:<label>", "bucket:<label>": what a restore could bring back.
    QStringList components() const;
    qint64 filesTotalBytes() const;
    const BundleFile* findFile(const QString& path) const;
    const ObjectsPart* findObjects(const QString& label) const;
    // The lowest format that can say all this: older Coffre versions keep reading what they can.
    int formatVersion() const;

    bool operator==(const Manifest&) const = default;
};

} // namespace coffre
