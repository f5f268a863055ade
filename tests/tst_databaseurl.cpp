#include "profile/DatabaseUrl.h"

#include <QTest>

using namespace coffre;

// DATABASE_URL as pasted into the profile dialog.
class TestDatabaseUrl : public QObject
{
    Q_OBJECT

private slots:
    void everyPart()
    {
        const Result<DatabaseUrl> url =
            DatabaseUrl::parse(QStringLiteral("  postgresql://shop_ops:s3cr%40t%3Ax@db.example.com:6543/shop%20prod?sslmode=require&connect_timeout=5 "));
        QVERIFY2(url.ok(), qPrintable(url.error().message));
        QCOMPARE(url->user, QStringLiteral("shop_ops"));
        QCOMPARE(url->password, QStringLiteral("s3cr@t:x"));
        QCOMPARE(url->host, QStringLiteral("db.example.com"));
        QCOMPARE(url->port, 6543);
        QCOMPARE(url->dbname, QStringLiteral("shop prod"));
        QCOMPARE(url->sslmode, QStringLiteral("require"));
    }

    void postgresSchemeAndMissingParts()
    {
        Result<DatabaseUrl> url = DatabaseUrl::parse(QStringLiteral("postgres://db/app"));
        QVERIFY(url.ok());
        QCOMPARE(url->host, QStringLiteral("db"));
        QCOMPARE(url->port, 0);
        QVERIFY(url->user.isEmpty());
        QVERIFY(url->password.isEmpty());
        QCOMPARE(url->dbname, QStringLiteral("app"));
        QVERIFY(url->sslmode.isEmpty());

        url = DatabaseUrl::parse(QStringLiteral("postgresql://"));
        QVERIFY(url.ok());
        QVERIFY(url->host.isEmpty() && url->dbname.isEmpty() && url->user.isEmpty());

        url = DatabaseUrl::parse(QStringLiteral("postgresql://ops@localhost"));
        QVERIFY(url.ok());
        QCOMPARE(url->user, QStringLiteral("ops"));
        QVERIFY(url->password.isEmpty());
        QVERIFY(url->dbname.isEmpty());

        // A socket folder, as libpq takes it: in the query.
        url = DatabaseUrl::parse(QStringLiteral("postgresql:///shop?host=%2Fvar%2Frun%2Fpostgresql&port=5433"));
        QVERIFY(url.ok());
        QCOMPARE(url->host, QStringLiteral("/var/run/postgresql"));
        QCOMPARE(url->port, 5433);
        QCOMPARE(url->dbname, QStringLiteral("shop"));
    }

    void ipv6()
    {
        Result<DatabaseUrl> url = DatabaseUrl::parse(QStringLiteral("postgresql://u:p@[::1]:5433/db"));
        QVERIFY(url.ok());
        QCOMPARE(url->host, QStringLiteral("::1"));
        QCOMPARE(url->port, 5433);
        url = DatabaseUrl::parse(QStringLiteral("postgresql://[2001:db8::7]/db"));
        QVERIFY(url.ok());
        QCOMPARE(url->host, QStringLiteral("2001:db8::7"));
        QCOMPARE(url->port, 0);
        QVERIFY(!DatabaseUrl::parse(QStringLiteral("postgresql://[::1/db")).ok());
    }

    void refusals()
    {
        for (const char* bad : {"mysql://u@h/db", "db.example.com:5432/db", "postgresql://h:70000/db", "postgresql://h:port/db",
                                "postgresql://h/db?sslmode=sometimes", "postgresql://h1,h2/db"}) {
            const Result<DatabaseUrl> url = DatabaseUrl::parse(QLatin1String(bad));
            QVERIFY2(!url.ok(), bad);
            QVERIFY2(!url.error().message.isEmpty(), bad);
        }
    }
};

QTEST_MAIN(TestDatabaseUrl)
#include "tst_databaseurl.moc"
