#include "profile/ProfileStore.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace coffre;

Q_DECLARE_METATYPE(coffre::Profile)

class TestProfileStore : public QObject
{
    Q_OBJECT

private:
    static Profile sample()
    {
        Profile p;
        p.name = QStringLiteral("shop-prod");
        p.database.host = QStringLiteral("db.internal");
        p.database.port = 5433;
        p.database.dbname = QStringLiteral("shop");
        p.database.user = QStringLiteral("ops");
        p.database.sslmode = QStringLiteral("require");
        p.sources = {{QStringLiteral("backend"), QStringLiteral("/srv/shop/backend")},
                     {QStringLiteral("frontend"), QStringLiteral("/srv/shop/frontend")}};
        p.repository = QStringLiteral("/var/backups/shop");
        p.postRestoreCommands = {QStringLiteral("npm install"), QStringLiteral("npx prisma generate")};
        p.passwordInKeychain = true;
        return p;
    }

private slots:
    void defaultsFollowSeed000()
    {
        QCOMPARE(Profile().exclusions, QStringList({QStringLiteral("node_modules"), QStringLiteral(".next"),
                                                    QStringLiteral("dist"), QStringLiteral("*.log"),
                                                    QStringLiteral(".env.local")}));
    }

    void saveAndLoad()
    {
        QTemporaryDir dir;
        const ProfileStore store(dir.filePath(QStringLiteral("profiles")));
        QVERIFY(store.save(sample()).ok());
        QCOMPARE(store.names(), QStringList{QStringLiteral("shop-prod")});
        const Result<Profile> loaded = store.load(QStringLiteral("shop-prod"));
        QVERIFY2(loaded.ok(), qPrintable(loaded.error().message));
        QCOMPARE(*loaded, sample());

        const QString file = dir.filePath(QStringLiteral("profiles/shop-prod.json"));
        QCOMPARE(QFile(file).permissions() & (QFile::ReadOther | QFile::ReadGroup), QFile::Permissions());
        QFile json(file);
        QVERIFY(json.open(QIODevice::ReadOnly));
        QVERIFY(!json.readAll().contains("password\""));
    }

    void rejectsInvalidProfiles_data()
    {
        QTest::addColumn<Profile>("profile");
        QTest::addColumn<QString>("expected");
        Profile p = sample();
        p.name = QStringLiteral("../evil");
        QTest::newRow("name with path") << p << QStringLiteral("profile name");
        p = sample();
        p.repository.clear();
        QTest::newRow("no repository") << p << QStringLiteral("backups are kept");
        p = sample();
        p.repository = QStringLiteral("relative/dir");
        QTest::newRow("relative repository") << p << QStringLiteral("absolute");
        p = sample();
        p.sources.append({QStringLiteral("backend"), QStringLiteral("/elsewhere")});
        QTest::newRow("duplicate label") << p << QStringLiteral("Two source folders");
        p = sample();
        p.sources[0].label = QStringLiteral("back end");
        QTest::newRow("bad label") << p << QStringLiteral("source label");
        p = sample();
        p.database = DatabaseTarget();
        p.sources.clear();
        QTest::newRow("nothing to back up") << p << QStringLiteral("backs up nothing");
        p = sample();
        p.repository = QStringLiteral("/srv/shop/backend/backups");
        QTest::newRow("backups inside a source") << p << QStringLiteral("inside the source folder");
        p = sample();
        p.repository = QStringLiteral("/srv/shop/frontend");
        QTest::newRow("backups in a source") << p << QStringLiteral("inside the source folder");
        p = sample();
        p.repository = QStringLiteral("/srv/shop/backend-backups"); // a sibling with the same prefix is fine
        QTest::newRow("sibling is fine") << p << QString();
    }

    void rejectsInvalidProfiles()
    {
        QFETCH(Profile, profile);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const ProfileStore store(dir.path());
        const Status saved = store.save(profile);
        if (expected.isEmpty()) {
            QVERIFY2(saved, qPrintable(saved.error().message));
            return;
        }
        QVERIFY(!saved.ok());
        QVERIFY2(saved.error().message.contains(expected), qPrintable(saved.error().message));
        QVERIFY(store.names().isEmpty());
    }

    // Reached through a symlink, the backup folder is still inside the source.
    void backupFolderInsideASourceThroughALink()
    {
        QTemporaryDir dir;
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("app/backups"))));
        QVERIFY(QFile::link(dir.filePath(QStringLiteral("app/backups")), dir.filePath(QStringLiteral("link"))));
        Profile p = sample();
        p.sources = {{QStringLiteral("app"), dir.filePath(QStringLiteral("app"))}};
        p.repository = dir.filePath(QStringLiteral("link"));
        QVERIFY(!ProfileStore::checkRepositoryOutsideSources(p));
        p.repository = dir.filePath(QStringLiteral("elsewhere"));
        QVERIFY(ProfileStore::checkRepositoryOutsideSources(p));
    }

    void unknownAndBrokenProfiles()
    {
        QTemporaryDir dir;
        const ProfileStore store(dir.path());
        QVERIFY(store.load(QStringLiteral("nope")).error().message.contains(QStringLiteral("no profile named")));
        QFile broken(dir.filePath(QStringLiteral("broken.json")));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("{ not json");
        broken.close();
        QVERIFY(store.load(QStringLiteral("broken")).error().message.contains(QStringLiteral("not valid JSON")));
    }

    void libpqParametersNeverHoldAPassword()
    {
        DatabaseTarget target = sample().database;
        target.conninfo = QStringLiteral("postgresql://ops@db.internal/shop");
        const auto params = target.libpqParameters();
        QCOMPARE(params.first().first, QByteArray("dbname"));
        QCOMPARE(params.first().second, QByteArray("postgresql://ops@db.internal/shop"));
        for (const auto& [key, value] : params)
            QVERIFY(key != "password");
        QCOMPARE(sample().database.displayName(), QStringLiteral("ops@db.internal:5433/shop"));
        // A password written into a connection string never shows in messages or logs.
        for (const QString& conninfo : {QStringLiteral("host=db password=s3cret dbname=shop"),
                                        QStringLiteral("host=db password='s3 cret' dbname=shop"),
                                        QStringLiteral("postgresql://ops:s3cret@db/shop"),
                                        QStringLiteral("postgresql://db/shop?user=ops&password=s3cret")}) {
            DatabaseTarget withPassword;
            withPassword.conninfo = conninfo;
            QVERIFY2(!withPassword.displayName().contains(QStringLiteral("s3")), qPrintable(withPassword.displayName()));
            QVERIFY(withPassword.displayName().contains(QStringLiteral("db")));
        }
    }
};

QTEST_GUILESS_MAIN(TestProfileStore)
#include "tst_profilestore.moc"
