#include "ManifestParser.h"

#include "BundleNames.h"
#include "objects/ObjectKeys.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

namespace coffre {
namespace {

constexpr qint64 MaxManifestBytes = 64 * 1024 * 1024;

// Reads typed fields out of one JSON object and remembers the first problem, named by the
// field's full path ("database.tables[2].rows"), so the message says exactly what is wrong.
class Fields
{
public:
    Fields(const QJsonObject& object, QString path, std::optional<Error>& firstError)
        : m_object(object), m_path(std::move(path)), m_error(firstError)
    {
    }

    QString string(const char* key, bool required = true)
    {
        const QJsonValue value = m_object.value(QLatin1String(key));
        if (value.isUndefined() || value.isNull())
            return required ? fail(key, ManifestParser::tr("is missing")), QString() : QString();
        if (!value.isString())
            return fail(key, ManifestParser::tr("must be a text")), QString();
        return value.toString();
    }

    QString name(const char* key)
    {
        const QString value = string(key);
        if (!m_error && !BundleNames::isValidName(value))
            fail(key, ManifestParser::tr("must use only letters, digits, '-', '_' and '.' (found “%1”)").arg(value));
        return value;
    }

    QString bundlePath(const char* key, bool required = true)
    {
        const QString value = string(key, required);
        if (!m_error && !value.isEmpty() && !BundleNames::isValidBundlePath(value))
            fail(key, ManifestParser::tr("is not a valid path inside a backup (found “%1”)").arg(value));
        return value;
    }

    qint64 count(const char* key)
    {
        const QJsonValue value = m_object.value(QLatin1String(key));
        if (value.isUndefined())
            return fail(key, ManifestParser::tr("is missing")), 0;
        const double number = value.toDouble(-1);
        if (!value.isDouble() || number < 0 || number != static_cast<double>(static_cast<qint64>(number)))
            return fail(key, ManifestParser::tr("must be a whole number, zero or more")), 0;
        return static_cast<qint64>(number);
    }

    QDateTime time(const char* key)
    {
        const QString text = string(key);
        if (m_error)
            return {};
        const QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
        if (!time.isValid() || time.timeSpec() == Qt::LocalTime)
            return fail(key, ManifestParser::tr("must be a date and time in ISO 8601 with a time zone")), QDateTime();
        return time.toUTC();
    }

    QStringList strings(const char* key)
    {
        QStringList result;
        for (const QJsonValue& value : array(key, false)) {
            if (!value.isString())
                return fail(key, ManifestParser::tr("must be a list of texts")), QStringList();
            result << value.toString();
        }
        return result;
    }

    // A list of texts that may be absent (then nullopt, not an empty list).
    std::optional<QStringList> optionalStrings(const char* key)
    {
        if (m_object.value(QLatin1String(key)).isUndefined())
            return std::nullopt;
        const QStringList list = strings(key);
        return failed() ? std::nullopt : std::optional<QStringList>(list);
    }

    QJsonArray array(const char* key, bool required = true)
    {
        const QJsonValue value = m_object.value(QLatin1String(key));
        if (value.isUndefined() && !required)
            return {};
        if (!value.isArray())
            return fail(key, ManifestParser::tr("must be a list")), QJsonArray();
        return value.toArray();
    }

    // The objects of an array field, each with its own Fields reader named "key[i]".
    template<typename Fn>
    void forEachObject(const char* key, Fn&& read, bool required = true)
    {
        const QJsonArray items = array(key, required);
        for (qsizetype i = 0; i < items.size() && !m_error; ++i) {
            const QString itemPath = child(key) + u'[' + QString::number(i) + u']';
            if (!items[i].isObject()) {
                m_error = Error{ManifestParser::tr("The manifest field “%1” must be an object.").arg(itemPath), {}};
                return;
            }
            Fields item(items[i].toObject(), itemPath, m_error);
            read(item);
        }
    }

    void fail(const char* key, const QString& problem)
    {
        if (!m_error)
            m_error = Error{ManifestParser::tr("The manifest field “%1” %2.").arg(child(key), problem), {}};
    }

    bool failed() const { return m_error.has_value(); }
    // A reader for the object in field `key`, named "path.key".
    Fields nested(const char* key, const QJsonObject& object) { return Fields(object, child(key), m_error); }
    const QJsonObject& object() const { return m_object; }

private:
    QString child(const char* key) const
    {
        return m_path.isEmpty() ? QLatin1String(key) : m_path + u'.' + QLatin1String(key);
    }

    QJsonObject m_object;
    QString m_path;
    std::optional<Error>& m_error;
};

DatabaseSettingsPart readSettings(Fields& f)
{
    DatabaseSettingsPart s;
    f.forEachObject(
        "config",
        [&s](Fields& c) {
            const QString setting = c.string("setting");
            if (!c.failed() && !setting.contains(u'='))
                c.fail("setting", ManifestParser::tr("must be “name=value”"));
            s.config.append({c.string("role", false), setting});
        },
        false);
    const QJsonValue limit = f.object().value(QLatin1String("connection_limit"));
    if (!limit.isUndefined() &&
        (!limit.isDouble() || limit.toDouble() < -1 || limit.toDouble() != double(limit.toInt())))
        f.fail("connection_limit", ManifestParser::tr("must be a whole number, -1 or more"));
    s.connectionLimit = limit.isUndefined() ? -1 : limit.toInt();
    s.owner = f.string("owner", false);
    f.forEachObject(
        "acl",
        [&s](Fields& g) {
            const QJsonValue grantable = g.object().value(QLatin1String("grantable"));
            if (!grantable.isUndefined() && !grantable.isBool())
                g.fail("grantable", ManifestParser::tr("must be true or false"));
            s.acl.append({g.string("grantee", false), g.string("privilege"), grantable.toBool()});
        },
        false);
    s.comment = f.string("comment", false);
    return s;
}

DatabasePart readDatabase(Fields& f)
{
    DatabasePart db;
    db.name = f.string("name");
    db.serverVersion = f.string("server_version");
    db.pgDumpVersion = f.string("pg_dump_version");
    db.sizeBytes = f.count("size_bytes");
    db.file = f.bundlePath("file");
    db.plainSqlFile = f.bundlePath("plain_sql_file", false);
    db.durationMs = f.count("duration_ms");
    db.prismaMigrations = f.optionalStrings("prisma_migrations");
    f.forEachObject("tables", [&db](Fields& t) {
        db.tables.append({t.string("schema"), t.string("table"), t.count("rows")});
    });
    const QJsonValue settings = f.object().value(QLatin1String("settings"));
    if (settings.isObject()) {
        Fields settingsFields = f.nested("settings", settings.toObject());
        db.settings = readSettings(settingsFields);
    } else if (!settings.isUndefined() && !settings.isNull()) {
        f.fail("settings", ManifestParser::tr("must be an object or null"));
    }
    return db;
}

SourcePart readSource(Fields& f)
{
    SourcePart s;
    s.label = f.name("label");
    s.path = f.string("path");
    static const QRegularExpression sha256Hex(QStringLiteral("^[0-9a-f]{64}$"));
    f.forEachObject(
        "packs",
        [&s](Fields& p) {
            SourcePack pack;
            pack.file = p.bundlePath("file");
            pack.fingerprint = p.string("fingerprint");
            if (!p.failed() && !sha256Hex.match(pack.fingerprint).hasMatch())
                p.fail("fingerprint", ManifestParser::tr("must be 64 lowercase hexadecimal digits"));
            pack.entries = p.count("entries");
            pack.bytes = p.count("bytes");
            s.packs.append(pack);
        },
        false);
    s.archive = f.bundlePath("archive", s.packs.isEmpty());
    if (!s.packs.isEmpty() && !s.archive.isEmpty())
        f.fail("archive", ManifestParser::tr("must not be given with “packs”"));
    s.fileCount = f.count("file_count");
    s.bytes = f.count("bytes");
    s.exclusions = f.strings("exclusions");
    s.durationMs = f.count("duration_ms");
    s.vanished = f.strings("vanished");
    s.prismaMigrations = f.optionalStrings("prisma_migrations");
    return s;
}

StoredObject readStoredObject(Fields& f, const QString& prefix)
{
    static const QRegularExpression sha256Hex(QStringLiteral("^[0-9a-f]{64}$"));
    StoredObject o;
    o.key = f.string("key");
    if (!f.failed() && (o.key.isEmpty() || (!prefix.isEmpty() && !o.key.startsWith(prefix + u'/'))))
        f.fail("key", ManifestParser::tr("must be a key under the prefix “%1” (found “%2”)").arg(prefix, o.key));
    o.size = f.count("size");
    o.etag = f.string("etag");
    o.sha256 = f.string("sha256");
    if (!f.failed() && !sha256Hex.match(o.sha256).hasMatch())
        f.fail("sha256", ManifestParser::tr("must be 64 lowercase hexadecimal digits"));
    const QString modified = f.string("modified", false);
    if (!modified.isEmpty()) {
        o.modified = QDateTime::fromString(modified, Qt::ISODateWithMs);
        if (!o.modified.isValid() || o.modified.timeSpec() == Qt::LocalTime)
            f.fail("modified", ManifestParser::tr("must be a date and time in ISO 8601 with a time zone"));
        o.modified = o.modified.toUTC();
    }
    o.entry = f.string("entry", false);
    const QString relative = prefix.isEmpty() ? o.key : o.key.mid(prefix.size() + 1);
    if (!f.failed() && !o.entry.isEmpty() && !ObjectKeys::isOtherKeyEntry(o.entry))
        f.fail("entry", ManifestParser::tr("must be “other-keys/<number>” (found “%1”)").arg(o.entry));
    if (!f.failed() && o.entry.isEmpty() && !ObjectKeys::isPlain(relative))
        f.fail("entry", ManifestParser::tr("is missing: the key “%1” is not a plain path").arg(o.key));
    return o;
}

ObjectsPart readObjects(Fields& f)
{
    ObjectsPart o;
    o.label = f.name("label");
    o.bucket = f.name("bucket");
    o.prefix = f.string("prefix", false);
    if (!f.failed() && (o.prefix.startsWith(u'/') || o.prefix.endsWith(u'/') || o.prefix.contains(QLatin1String("//"))))
        f.fail("prefix", ManifestParser::tr("must have no leading, trailing or double slash (found “%1”)").arg(o.prefix));
    o.endpoint = f.string("endpoint", false);
    o.archive = f.bundlePath("archive");
    if (!f.failed() && !o.archive.startsWith(QLatin1String("objects/")))
        f.fail("archive", ManifestParser::tr("must be in “objects/” (found “%1”)").arg(o.archive));
    o.objectCount = f.count("object_count");
    o.bytes = f.count("bytes");
    o.durationMs = f.count("duration_ms");
    f.forEachObject("objects", [&o](Fields& item) { o.objects.append(readStoredObject(item, o.prefix)); });
    o.vanished = f.strings("vanished");
    if (f.failed())
        return o;
    qint64 bytes = 0;
    QSet<QString> keys, entries;
    for (const StoredObject& object : o.objects) {
        bytes += object.size;
        if (keys.contains(object.key))
            return f.fail("objects", ManifestParser::tr("lists the key “%1” twice").arg(object.key)), o;
        if (entries.contains(o.entryOf(object)))
            return f.fail("objects", ManifestParser::tr("names the archive entry “%1” twice").arg(o.entryOf(object))), o;
        keys.insert(object.key);
        entries.insert(o.entryOf(object));
    }
    if (o.objectCount != o.objects.size())
        f.fail("object_count", ManifestParser::tr("must be the number of objects listed (%1)").arg(o.objects.size()));
    else if (o.bytes != bytes)
        f.fail("bytes", ManifestParser::tr("must be the sum of the objects' sizes (%1)").arg(bytes));
    return o;
}

// Cross-checks that need the whole manifest: unique files and labels, and every part's file listed.
std::optional<Error> checkConsistency(const Manifest& m)
{
    static const QRegularExpression sha256Hex(QStringLiteral("^[0-9a-f]{64}$"));
    QSet<QString> seen;
    for (const BundleFile& file : m.files) {
        if (seen.contains(file.path))
            return Error{ManifestParser::tr("The manifest lists the file “%1” twice.").arg(file.path), {}};
        seen.insert(file.path);
        if (!sha256Hex.match(file.sha256).hasMatch())
            return Error{ManifestParser::tr("The manifest gives no valid SHA-256 checksum for “%1”.").arg(file.path), {}};
    }
    auto missing = [&m](const QString& path) -> std::optional<Error> {
        if (!path.isEmpty() && !m.findFile(path))
            return Error{ManifestParser::tr("The manifest names “%1” but does not list it in “files”.").arg(path), {}};
        return std::nullopt;
    };
    QStringList referenced;
    if (m.database)
        referenced << m.database->file << m.database->plainSqlFile;
    QSet<QString> labels;
    for (const SourcePart& s : m.sources) {
        if (labels.contains(s.label))
            return Error{ManifestParser::tr("The manifest has two source roots labelled “%1”.").arg(s.label), {}};
        labels.insert(s.label);
        referenced << s.archiveFiles();
    }
    QSet<QString> buckets;
    for (const ObjectsPart& o : m.objects) {
        if (buckets.contains(o.label))
            return Error{ManifestParser::tr("The manifest has two buckets labelled “%1”.").arg(o.label), {}};
        buckets.insert(o.label);
        referenced << o.archive;
    }
    for (const QString& path : referenced) {
        if (auto error = missing(path))
            return error;
    }
    return std::nullopt;
}

} // namespace

Result<Manifest> ManifestParser::parse(const QByteArray& json)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return Error{tr("The manifest is not valid JSON."),
                     parseError.errorString() + QStringLiteral(" at offset ") + QString::number(parseError.offset)};
    if (!doc.isObject())
        return Error{tr("The manifest is not a JSON object."), {}};

    const QJsonObject root = doc.object();
    const QJsonValue format = root.value(QLatin1String("format"));
    if (!format.isDouble())
        return Error{tr("The manifest has no format version; it was not written by Coffre."), {}};
    if (format.toDouble() < Manifest::OldestFormatVersion || format.toDouble() > Manifest::FormatVersion)
        return Error{tr("This backup uses manifest format %1, which this version of Coffre cannot read (it reads "
                        "formats %2 to %3). Use a newer Coffre.")
                         .arg(format.toDouble())
                         .arg(Manifest::OldestFormatVersion)
                         .arg(Manifest::FormatVersion),
                     {}};

    std::optional<Error> error;
    Fields f(root, QString(), error);
    Manifest m;
    m.name = f.name("name");
    const QString kindText = f.string("kind");
    if (const auto kind = kindFromString(kindText))
        m.kind = *kind;
    else
        f.fail("kind", tr("must be “manual”, “scheduled” or “safety” (found “%1”)").arg(kindText));
    m.created = f.time("created");
    m.finished = f.time("finished");
    m.durationMs = f.count("duration_ms");
    m.coffreVersion = f.string("coffre_version");
    m.host = f.string("host", false);
    m.profile = f.string("profile", false);
    m.note = f.string("note", false);

    const QJsonValue database = root.value(QLatin1String("database"));
    if (database.isObject()) {
        Fields dbFields(database.toObject(), QStringLiteral("database"), error);
        m.database = readDatabase(dbFields);
    } else if (!database.isUndefined() && !database.isNull()) {
        f.fail("database", tr("must be an object or null"));
    }
    f.forEachObject("sources", [&m](Fields& s) { m.sources.append(readSource(s)); });
    f.forEachObject("objects", [&m](Fields& o) { m.objects.append(readObjects(o)); }, false);
    f.forEachObject("files", [&m](Fields& file) {
        m.files.append({file.bundlePath("path"), file.count("size"), file.string("sha256")});
    });
    if (error)
        return *error;
    if (auto inconsistency = checkConsistency(m))
        return *inconsistency;
    return m;
}

Result<Manifest> ManifestParser::readFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{tr("The manifest cannot be read."), path + QStringLiteral(": ") + file.errorString()};
    if (file.size() > MaxManifestBytes)
        return Error{tr("The manifest is too large to be genuine (%1 bytes).").arg(file.size()), path};
    return parse(file.readAll());
}

} // namespace coffre
