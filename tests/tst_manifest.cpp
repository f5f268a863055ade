#include "TestBundles.h"
#include "catalog/BundleNames.h"
#include "catalog/ManifestParser.h"
#include "catalog/ManifestWriter.h"
#include "objects/ObjectKeys.h"
#include "postgres/DatabaseSettings.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace coffre;

class TestManifest : public QObject
{
    Q_OBJECT

private:
    // A valid manifest as a JSON object, for the malformed cases to break one field at a time.
    static QJsonObject validJson()
    {
        test::BundleSpec spec;
        spec.name = QStringLiteral("backup_20261122_101500");
        spec.note = QStringLiteral("before the v2 migration");
        return QJsonDocument::fromJson(ManifestWriter::toJson(test::manifestFor(spec))).object();
    }

    static QJsonObject withFirstFile(QJsonObject root, const std::function<void(QJsonObject&)>& change)
    {
        QJsonArray files = root[QStringLiteral("files")].toArray();
        QJsonObject first = files[0].toObject();
        change(first);
        files[0] = first;
        root[QStringLiteral("files")] = files;
        return root;
    }

private slots:
    void roundTrip()
    {
        test::BundleSpec spec;
        spec.name = QStringLiteral("backup_20261122_101500");
        spec.note = QStringLiteral("avant la migration « v2 »");
        spec.kind = BackupKind::Safety;
        const Manifest original = test::manifestFor(spec);
        const Result<Manifest> parsed = ManifestParser::parse(ManifestWriter::toJson(original));
        QVERIFY2(parsed.ok(), qPrintable(parsed.error().toLogString()));
        QCOMPARE(*parsed, original);
        QCOMPARE(parsed->components(),
                 QStringList({QStringLiteral("database"), QStringLiteral("source:backend"), QStringLiteral("source:frontend")}));
    }

    // A bucket snapshot with keys a file system would not take as they are.
    static Manifest withObjects()
    {
        test::BundleSpec spec;
        spec.name = QStringLiteral("with_objects");
        Manifest m = test::manifestFor(spec);
        ObjectsPart part;
        part.label = QStringLiteral("documents");
        part.bucket = QStringLiteral("shop-uploads");
        part.prefix = QStringLiteral("prod");
        part.endpoint = QStringLiteral("http://127.0.0.1:9000");
        part.archive = QStringLiteral("objects/documents.tar.zst");
        const QString sha(64, u'a');
        part.objects = {{QStringLiteral("prod/a b/l'été \"q\".pdf"), 10, QStringLiteral("0123456789abcdef0123456789abcdef"), sha,
                         QDateTime(QDate(2026, 11, 20), QTime(8, 1, 2), Qt::UTC), {}},
                        {QStringLiteral("prod/../x"), 0, QStringLiteral("d41d8cd98f00b204e9800998ecf8427e-2"), sha, {},
                         QStringLiteral("other-keys/1")}};
        part.objectCount = 2;
        part.bytes = 10;
        part.vanished = {QStringLiteral("prod/gone.pdf")};
        m.objects = {part};
        m.files.append({part.archive, 4242, sha});
        return m;
    }

    void objectsRoundTrip()
    {
        const Manifest original = withObjects();
        const Result<Manifest> parsed = ManifestParser::parse(ManifestWriter::toJson(original));
        QVERIFY2(parsed.ok(), qPrintable(parsed.error().toLogString()));
        QCOMPARE(*parsed, original);
        QCOMPARE(parsed->components().last(), QStringLiteral("bucket:documents"));
        const ObjectsPart& part = parsed->objects.first();
        QCOMPARE(part.entryOf(part.objects[0]), QStringLiteral("objects/a b/l'été \"q\".pdf"));
        QCOMPARE(part.entryOf(part.objects[1]), QStringLiteral("other-keys/1"));
    }

    // A source root in packs: format 2, each pack listed in "files"; older manifests stay format 1.
    void packsRoundTripAsFormat2()
    {
        test::BundleSpec spec;
        spec.name = QStringLiteral("packed");
        Manifest m = test::manifestFor(spec);
        QCOMPARE(QJsonDocument::fromJson(ManifestWriter::toJson(m)).object()[QStringLiteral("format")].toInt(), 1);
        SourcePart& backend = m.sources.first();
        m.files.removeIf([&backend](const BundleFile& f) { return f.path == backend.archive; });
        backend.archive.clear();
        for (int i = 1; i <= 3; ++i) {
            const QString file = QStringLiteral("sources/backend/%1.tar.zst").arg(i, 6, 10, QChar(u'0'));
            backend.packs.append({file, QString(64, QChar(u'0' + i)), 10 * i, 1000 * i});
            m.files.append({file, 100 + i, QString(64, u'c')});
        }
        // Prisma's migrations: a list on each side, empty being not the same as absent.
        m.database->prismaMigrations = QStringList{QStringLiteral("20250101_init")};
        backend.prismaMigrations = QStringList{};
        const QByteArray json = ManifestWriter::toJson(m);
        QCOMPARE(QJsonDocument::fromJson(json).object()[QStringLiteral("format")].toInt(), 2);
        const Result<Manifest> parsed = ManifestParser::parse(json);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error().toLogString()));
        QCOMPARE(*parsed, m);
        QCOMPARE(parsed->sources.first().archiveFiles(),
                 QStringList({QStringLiteral("sources/backend/000001.tar.zst"), QStringLiteral("sources/backend/000002.tar.zst"),
                              QStringLiteral("sources/backend/000003.tar.zst")}));

        // A pack the files list does not hold, a fingerprint that is not one, both archive and packs.
        Manifest missing = m;
        missing.files.removeIf([](const BundleFile& f) { return f.path.endsWith(QLatin1String("000002.tar.zst")); });
        const Result<Manifest> unlisted = ManifestParser::parse(ManifestWriter::toJson(missing));
        QVERIFY(!unlisted);
        QVERIFY2(unlisted.error().message.contains(QStringLiteral("000002.tar.zst")), qPrintable(unlisted.error().message));
        Manifest badPrint = m;
        badPrint.sources.first().packs[1].fingerprint = QStringLiteral("x");
        QVERIFY(!ManifestParser::parse(ManifestWriter::toJson(badPrint)));
        QJsonObject both = QJsonDocument::fromJson(json).object();
        QJsonArray sources = both[QStringLiteral("sources")].toArray();
        QJsonObject first = sources[0].toObject();
        first[QStringLiteral("archive")] = QStringLiteral("sources/backend.tar.zst");
        sources[0] = first;
        both[QStringLiteral("sources")] = sources;
        const Result<Manifest> twice = ManifestParser::parse(QJsonDocument(both).toJson());
        QVERIFY(!twice);
        QVERIFY2(twice.error().message.contains(QStringLiteral("packs")), qPrintable(twice.error().message));
    }

    void objectsAreCheckedStrictly_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<int>("item");
        QTest::addColumn<QString>("expected");
        QTest::newRow("key outside the prefix") << "key" << QJsonValue(QStringLiteral("other/x")) << 0 << "objects[0].objects[0].key";
        QTest::newRow("key without entry, not plain") << "key" << QJsonValue(QStringLiteral("prod/a//b")) << 0 << "objects[0].objects[0].entry";
        QTest::newRow("dot-dot key without entry") << "entry" << QJsonValue() << 1 << "objects[0].objects[1].entry";
        QTest::newRow("entry climbing out") << "entry" << QJsonValue(QStringLiteral("other-keys/../../x")) << 1 << "objects[0].objects[1].entry";
        QTest::newRow("entry in objects/") << "entry" << QJsonValue(QStringLiteral("objects/x")) << 1 << "objects[0].objects[1].entry";
        QTest::newRow("bad sha256") << "sha256" << QJsonValue(QStringLiteral("abc")) << 0 << "objects[0].objects[0].sha256";
        QTest::newRow("negative size") << "size" << QJsonValue(-1) << 0 << "objects[0].objects[0].size";
        QTest::newRow("no etag") << "etag" << QJsonValue() << 0 << "objects[0].objects[0].etag";
        QTest::newRow("local time") << "modified" << QJsonValue(QStringLiteral("2026-11-20T08:01:02")) << 0 << "objects[0].objects[0].modified";
    }

    void objectsAreCheckedStrictly()
    {
        QFETCH(QString, field);
        QFETCH(QJsonValue, value);
        QFETCH(int, item);
        QFETCH(QString, expected);
        QJsonObject root = QJsonDocument::fromJson(ManifestWriter::toJson(withObjects())).object();
        QJsonArray parts = root[QStringLiteral("objects")].toArray();
        QJsonObject part = parts[0].toObject();
        QJsonArray objects = part[QStringLiteral("objects")].toArray();
        QJsonObject object = objects[item].toObject();
        if (value.isNull())
            object.remove(field);
        else
            object[field] = value;
        objects[item] = object;
        part[QStringLiteral("objects")] = objects;
        parts[0] = part;
        root[QStringLiteral("objects")] = parts;
        const Result<Manifest> parsed = ManifestParser::parse(QJsonDocument(root).toJson());
        QVERIFY(!parsed.ok());
        QVERIFY2(parsed.error().message.contains(expected), qPrintable(parsed.error().message));
    }

    void objectsCountsDuplicatesAndLabels()
    {
        auto refused = [](const std::function<void(Manifest&)>& change, const QString& expected) {
            Manifest m = withObjects();
            change(m);
            const Result<Manifest> parsed = ManifestParser::parse(ManifestWriter::toJson(m));
            return !parsed.ok() && parsed.error().message.contains(expected) ? QString() : (parsed.ok() ? QStringLiteral("accepted") : parsed.error().message);
        };
        QCOMPARE(refused([](Manifest& m) { m.objects[0].objectCount = 3; }, QStringLiteral("object_count")), QString());
        QCOMPARE(refused([](Manifest& m) { m.objects[0].bytes = 11; }, QStringLiteral("bytes")), QString());
        QCOMPARE(refused([](Manifest& m) { m.objects[0].objects[1].key = m.objects[0].objects[0].key; }, QStringLiteral("twice")), QString());
        QCOMPARE(refused([](Manifest& m) { m.objects[0].objects[0].entry = QStringLiteral("other-keys/1"); }, QStringLiteral("twice")), QString());
        QCOMPARE(refused([](Manifest& m) { m.objects.append(m.objects[0]); }, QStringLiteral("two buckets")), QString());
        QCOMPARE(refused([](Manifest& m) { m.objects[0].archive = QStringLiteral("sources/documents.tar.zst"); }, QStringLiteral("objects/")), QString());
        QCOMPARE(refused([](Manifest& m) { m.objects[0].prefix = QStringLiteral("prod/"); }, QStringLiteral("prefix")), QString());
        QCOMPARE(refused([](Manifest& m) { m.files.removeLast(); }, QStringLiteral("does not list it")), QString());
    }

    void objectKeysNameSafeEntries()
    {
        QVERIFY(ObjectKeys::isPlain(QStringLiteral("a b/l'été \"q\".pdf")));
        QVERIFY(ObjectKeys::isPlain(QStringLiteral("emoji 🎉/100% + plus?#&=.txt")));
        for (const QString& key : {QStringLiteral("../x"), QStringLiteral("a/../../x"), QStringLiteral("/abs"), QStringLiteral("a//b"),
                                   QStringLiteral("folder/"), QStringLiteral("./x"), QStringLiteral("."), QString(),
                                   QStringLiteral("tab\there"), QStringLiteral("back\\slash"), QString(256, u'n')})
            QVERIFY2(!ObjectKeys::isPlain(key), qPrintable(key));
        // "a" beside "a/b" cannot both be extracted: "a" goes to other-keys/, by its position.
        QCOMPARE(ObjectKeys::entryNames({QStringLiteral("a"), QStringLiteral("a/b"), QStringLiteral("../x"), QStringLiteral("c")}),
                 (QStringList{QStringLiteral("other-keys/0"), QString(), QStringLiteral("other-keys/2"), QString()}));
        QVERIFY(ObjectKeys::isOtherKeyEntry(QStringLiteral("other-keys/12")));
        QVERIFY(!ObjectKeys::isOtherKeyEntry(QStringLiteral("other-keys/../x")));
        QVERIFY(!ObjectKeys::isOtherKeyEntry(QStringLiteral("other-keys/")));
    }

    void databaseSettingsRoundTripAndStayOptional()
    {
        test::BundleSpec spec;
        spec.name = QStringLiteral("b1");
        Manifest original = test::manifestFor(spec);
        const QByteArray old = ManifestWriter::toJson(original);
        QVERIFY(!old.contains("\"settings\""));
        const Result<Manifest> parsedOld =
            ManifestParser::parse(old); // a manifest from before: no settings, still valid
        QVERIFY2(parsedOld.ok(), qPrintable(parsedOld.error().toLogString()));
        QVERIFY(!parsedOld->database->settings);

        DatabaseSettingsPart settings;
        settings.config = {{QString(), QStringLiteral("search_path=public, extra")},
                           {QStringLiteral("app"), QStringLiteral("work_mem=8MB")}};
        settings.connectionLimit = 17;
        settings.owner = QStringLiteral("shop_owner");
        settings.acl = {{QString(), QStringLiteral("CONNECT"), false},
                        {QStringLiteral("shop_owner"), QStringLiteral("CREATE"), true}};
        settings.comment = QStringLiteral("la boutique « v2 »");
        original.database->settings = settings;
        const QByteArray json = ManifestWriter::toJson(original);
        const Result<Manifest> parsed = ManifestParser::parse(json);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error().toLogString()));
        QCOMPARE(*parsed, original);

        QJsonObject root = QJsonDocument::fromJson(json).object();
        QJsonObject db = root[QStringLiteral("database")].toObject();
        QJsonObject bad = db[QStringLiteral("settings")].toObject();
        bad[QStringLiteral("config")] =
            QJsonArray{QJsonObject{{QStringLiteral("setting"), QStringLiteral("no equals sign")}}};
        db[QStringLiteral("settings")] = bad;
        root[QStringLiteral("database")] = db;
        const Result<Manifest> refused = ManifestParser::parse(QJsonDocument(root).toJson());
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.contains(QStringLiteral("“database.settings.config[0].setting”")),
                 qPrintable(refused.error().message));
    }

    // A stored setting ("search_path=...") comes back as the server wrote it: list elements
    // split on commas outside double quotes, "" inside quotes is one quote.
    void listSettingsSplitAsTheServerDoes()
    {
        QCOMPARE(DatabaseSettings::splitList(QStringLiteral("public, extra")),
                 QStringList({QStringLiteral("public"), QStringLiteral("extra")}));
        QCOMPARE(DatabaseSettings::splitList(QStringLiteral("\"$user\", public")),
                 QStringList({QStringLiteral("$user"), QStringLiteral("public")}));
        QCOMPARE(DatabaseSettings::splitList(QStringLiteral("\"odd, name\",\"say \"\"hi\"\"\"")),
                 QStringList({QStringLiteral("odd, name"), QStringLiteral("say \"hi\"")}));
        QCOMPARE(DatabaseSettings::splitList(QString()), QStringList());
        QVERIFY(DatabaseSettings::isListQuoted(QStringLiteral("search_path")));
        QVERIFY(DatabaseSettings::isListQuoted(QStringLiteral("Temp_Tablespaces")));
        QVERIFY(
            !DatabaseSettings::isListQuoted(QStringLiteral("DateStyle"))); // a list the server parses from one string
        QVERIFY(!DatabaseSettings::isListQuoted(QStringLiteral("work_mem")));
    }

    void roundTripThroughDisk()
    {
        QTemporaryDir dir;
        test::BundleSpec spec;
        spec.name = QStringLiteral("b1");
        const QString bundle = test::writeCompleteBundle(dir.path(), spec);
        const QFileInfo info(bundle + QStringLiteral("/manifest.json"));
        QVERIFY(info.exists());
        QCOMPARE(info.permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteOther), QFile::Permissions());
        QVERIFY(!QFile::exists(bundle + QStringLiteral("/manifest.json.tmp")));
        const Result<Manifest> read = ManifestParser::readFile(info.filePath());
        QVERIFY(read.ok());
        QCOMPARE(*read, test::manifestFor(spec));
    }

    void writtenTimesAreUtcIso8601()
    {
        const QJsonObject root = validJson();
        QVERIFY(root[QStringLiteral("created")].toString().endsWith(u'Z'));
        QCOMPARE(root[QStringLiteral("format")].toInt(), 1);
    }

    void rejectsMalformed_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected"); // a part of the message that names the problem

        auto row = [](const char* name, const QJsonObject& root, const char* expected) {
            QTest::newRow(name) << QJsonDocument(root).toJson() << QString::fromUtf8(expected);
        };
        auto without = [](const char* key) {
            QJsonObject root = validJson();
            root.remove(QLatin1String(key));
            return root;
        };
        auto with = [](const char* key, const QJsonValue& value) {
            QJsonObject root = validJson();
            root[QLatin1String(key)] = value;
            return root;
        };

        QTest::newRow("not json") << QByteArray("this is not json") << QStringLiteral("not valid JSON");
        QTest::newRow("truncated") << QJsonDocument(validJson()).toJson().left(200) << QStringLiteral("not valid JSON");
        QTest::newRow("array") << QByteArray("[1, 2]") << QStringLiteral("not a JSON object");
        QTest::newRow("empty file") << QByteArray() << QStringLiteral("not valid JSON");
        row("no format", without("format"), "no format version");
        row("format 3", with("format", 3), "format 3");
        row("format 0", with("format", 0), "format 0");
        row("format as text", with("format", QStringLiteral("1")), "no format version");
        row("missing name", without("name"), "“name” is missing");
        row("name as number", with("name", 12), "“name” must be a text");
        row("name with slash", with("name", QStringLiteral("a/b")), "“name” must use only");
        row("name dot dot", with("name", QStringLiteral("..")), "“name” must use only");
        row("unknown kind", with("kind", QStringLiteral("weekly")), "“kind” must be");
        row("bad created", with("created", QStringLiteral("yesterday")), "“created” must be a date");
        row("created without zone", with("created", QStringLiteral("2026-11-22T10:15:00")), "“created” must be a date");
        row("negative duration", with("duration_ms", -5), "“duration_ms” must be a whole number");
        row("fractional duration", with("duration_ms", 1.5), "“duration_ms” must be a whole number");
        row("missing files", without("files"), "“files” must be a list");
        row("sources not list", with("sources", QJsonObject()), "“sources” must be a list");
        row("database as text", with("database", QStringLiteral("shop")), "“database” must be an object");

        QJsonObject badRows = validJson();
        QJsonObject db = badRows[QStringLiteral("database")].toObject();
        QJsonArray tables = db[QStringLiteral("tables")].toArray();
        QJsonObject table = tables[1].toObject();
        table[QStringLiteral("rows")] = QStringLiteral("many");
        tables[1] = table;
        db[QStringLiteral("tables")] = tables;
        badRows[QStringLiteral("database")] = db;
        row("row count as text", badRows, "“database.tables[1].rows” must be a whole number");

        row("file with dot dot",
            withFirstFile(validJson(), [](QJsonObject& f) { f[QStringLiteral("path")] = QStringLiteral("../etc/passwd"); }),
            "“files[0].path” is not a valid path");
        row("file absolute",
            withFirstFile(validJson(), [](QJsonObject& f) { f[QStringLiteral("path")] = QStringLiteral("/etc/passwd"); }),
            "“files[0].path” is not a valid path");
        row("file nested too deep",
            withFirstFile(validJson(), [](QJsonObject& f) { f[QStringLiteral("path")] = QStringLiteral("sources/a/b.tar"); }),
            "“files[0].path” is not a valid path");
        row("pack in objects",
            withFirstFile(validJson(), [](QJsonObject& f) { f[QStringLiteral("path")] = QStringLiteral("objects/a/000001.tar.zst"); }),
            "“files[0].path” is not a valid path");
        row("pack under dot dot",
            withFirstFile(validJson(), [](QJsonObject& f) { f[QStringLiteral("path")] = QStringLiteral("sources/../000001.tar.zst"); }),
            "“files[0].path” is not a valid path");
        row("file in unknown folder",
            withFirstFile(validJson(), [](QJsonObject& f) { f[QStringLiteral("path")] = QStringLiteral("etc/x"); }),
            "“files[0].path” is not a valid path");
        row("file with backslash",
            withFirstFile(validJson(), [](QJsonObject& f) { f[QStringLiteral("path")] = QStringLiteral("..\\x"); }),
            "“files[0].path” is not a valid path");
        row("bad checksum",
            withFirstFile(validJson(), [](QJsonObject& f) { f[QStringLiteral("sha256")] = QStringLiteral("abc"); }),
            "no valid SHA-256");
        row("negative size", withFirstFile(validJson(), [](QJsonObject& f) { f[QStringLiteral("size")] = -1; }),
            "“files[0].size” must be a whole number");

        QJsonObject labelSlash = validJson();
        QJsonArray sources = labelSlash[QStringLiteral("sources")].toArray();
        QJsonObject source = sources[0].toObject();
        source[QStringLiteral("label")] = QStringLiteral("back/end");
        sources[0] = source;
        labelSlash[QStringLiteral("sources")] = sources;
        row("label with separator", labelSlash, "“sources[0].label” must use only");

        QJsonObject unlisted = validJson();
        QJsonArray files = unlisted[QStringLiteral("files")].toArray();
        files.removeAt(0); // database.dump is named by "database.file" but no longer listed
        unlisted[QStringLiteral("files")] = files;
        row("part file not listed", unlisted, "does not list it");

        QJsonObject twice = validJson();
        QJsonArray doubled = twice[QStringLiteral("files")].toArray();
        doubled.append(doubled[0]);
        twice[QStringLiteral("files")] = doubled;
        row("file listed twice", twice, "twice");
    }

    void rejectsMalformed()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        const Result<Manifest> parsed = ManifestParser::parse(json);
        QVERIFY(!parsed.ok());
        QVERIFY2(parsed.error().message.contains(expected), qPrintable(parsed.error().message));
    }

    // Mutated manifests (bytes changed, cut short, values swapped for other types): each is either
    // refused with a message or read as a manifest whose names and paths are still safe.
    void mutatedManifestsAreRefusedOrSafe()
    {
        const QByteArray valid = QJsonDocument(validJson()).toJson(QJsonDocument::Compact);
        const QList<QByteArray> replacements{"null", "-1", "1e308", "\"../../etc\"", "[]", "{}", "\"\"", "true", "99999999999999999999"};
        QRandomGenerator random(1122);
        int refused = 0, read = 0;
        for (int round = 0; round < 3000; ++round) {
            QByteArray json = valid;
            for (int e = 1 + random.bounded(3); e > 0 && !json.isEmpty(); --e) {
                const qsizetype at = random.bounded(json.size());
                switch (random.bounded(3)) {
                case 0: json[at] = char(random.bounded(256)); break;
                case 1: json.truncate(at); break;
                default: { // a value of another type after a ':'
                    const qsizetype colon = json.indexOf(':', at);
                    if (colon >= 0)
                        json.insert(colon + 1, replacements[random.bounded(replacements.size())] + ',');
                }
                }
            }
            const Result<Manifest> parsed = ManifestParser::parse(json);
            if (!parsed) {
                QVERIFY(!parsed.error().message.isEmpty());
                ++refused;
                continue;
            }
            ++read;
            QVERIFY2(BundleNames::isValidName(parsed->name), qPrintable(parsed->name));
            for (const BundleFile& file : parsed->files)
                QVERIFY2(!file.path.contains(QStringLiteral("..")) && !file.path.startsWith(u'/'), qPrintable(file.path));
        }
        qInfo("3000 mutated manifests: %d refused, %d read, all safe", refused, read);
        QVERIFY(refused > 0);
    }

    void unreadableFileSaysSo()
    {
        const Result<Manifest> parsed = ManifestParser::readFile(QStringLiteral("/nonexistent/manifest.json"));
        QVERIFY(!parsed.ok());
        QVERIFY(parsed.error().message.contains(QStringLiteral("cannot be read")));
    }
};

QTEST_GUILESS_MAIN(TestManifest)
#include "tst_manifest.moc"
