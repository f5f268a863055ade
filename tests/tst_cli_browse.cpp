// What a newcomer does from the command line with a backup: look inside it, read a file, take
// files out, compare with the folder now, save it as one file, import it elsewhere.
#include "TestBundles.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace coffre;

class TestCliBrowse : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_app, m_repository;

    QString path(const QString& relative) const { return QDir(m_dir.path()).filePath(relative); }
    test::CliRun cli(QStringList arguments, const QString& repository = {})
    {
        arguments << QStringLiteral("--repository") << (repository.isEmpty() ? m_repository : repository);
        return test::runCli(QStringLiteral(COFFRE_CLI), arguments, path(QStringLiteral("config")));
    }
    static QByteArray read(const QString& file)
    {
        QFile f(file);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_app = path(QStringLiteral("app"));
        m_repository = path(QStringLiteral("repo"));
        test::writeSampleTree(m_app);
        QDir().mkpath(m_repository);
        const test::CliRun created = cli({QStringLiteral("create"), QStringLiteral("--source"), QStringLiteral("backend=") + m_app,
                                          QStringLiteral("--name"), QStringLiteral("b1")});
        QVERIFY2(created.status == 0, qPrintable(created.err));
    }

    void browseListsFoldersAndPrintsFiles()
    {
        test::CliRun top = cli({QStringLiteral("browse"), QStringLiteral("b1")});
        QCOMPARE(top.status, 0);
        QVERIFY(top.out.contains("backend/"));

        test::CliRun src = cli({QStringLiteral("browse"), QStringLiteral("b1"), QStringLiteral("--path"), QStringLiteral("backend/src")});
        QCOMPARE(src.status, 0);
        QVERIFY(src.out.contains("app.js"));
        QVERIFY(src.out.contains("lib/"));
        QVERIFY(!src.out.contains("schema.prisma"));

        test::CliRun env = cli({QStringLiteral("browse"), QStringLiteral("b1"), QStringLiteral("--path"), QStringLiteral("backend/.env")});
        QCOMPARE(env.status, 0);
        QCOMPARE(env.out, read(m_app + QStringLiteral("/.env")));

        test::CliRun logo = cli({QStringLiteral("browse"), QStringLiteral("b1"), QStringLiteral("--path"), QStringLiteral("backend/public/logo.png")});
        QCOMPARE(logo.status, 0);
        QVERIFY(logo.out.isEmpty()); // no bytes on the terminal
        QVERIFY(logo.err.contains(QStringLiteral("binary")));

        QCOMPARE(cli({QStringLiteral("browse"), QStringLiteral("b1"), QStringLiteral("--path"), QStringLiteral("backend/nothing")}).status, 1);
        QCOMPARE(cli({QStringLiteral("browse"), QStringLiteral("nope")}).status, 1);
        QCOMPARE(cli({QStringLiteral("browse")}).status, 2);
    }

    void extractTakesFilesOut()
    {
        const QString out = path(QStringLiteral("out"));
        QDir().mkpath(out);
        test::CliRun run = cli({QStringLiteral("extract"), QStringLiteral("b1"), QStringLiteral("backend/src/app.js"),
                                QStringLiteral("backend/prisma"), QStringLiteral("--to"), out});
        QVERIFY2(run.status == 0, qPrintable(run.err));
        QCOMPARE(read(out + QStringLiteral("/app.js")), read(m_app + QStringLiteral("/src/app.js")));
        QCOMPARE(test::treeContents(out + QStringLiteral("/prisma")), test::treeContents(m_app + QStringLiteral("/prisma")));

        test::CliRun again = cli({QStringLiteral("extract"), QStringLiteral("b1"), QStringLiteral("backend/src/app.js"), QStringLiteral("--to"), out});
        QCOMPARE(again.status, 1);
        QVERIFY(again.err.contains(QStringLiteral("already exists")));
        QCOMPARE(cli({QStringLiteral("extract"), QStringLiteral("b1"), QStringLiteral("backend/src/app.js")}).status, 2);
    }

    // "caf\xe9.jpg" shows as "caf\uFFFD.jpg" in Browse (no QString holds it); chosen by that
    // name, it comes out with its own bytes.
    void aNameThatIsNotUtf8ComesOutByteExact()
    {
        const QByteArray tree = QFile::encodeName(path(QStringLiteral("latin1")));
        QVERIFY(::mkdir(tree.constData(), 0700) == 0 && ::mkdir((tree + "/up").constData(), 0700) == 0);
        const QByteArray raw = "caf\xe9.jpg";
        const int fd = ::open((tree + "/up/" + raw).constData(), O_WRONLY | O_CREAT, 0600);
        QVERIFY(fd >= 0 && ::write(fd, "jpeg", 4) == 4);
        ::close(fd);
        QVERIFY(cli({QStringLiteral("create"), QStringLiteral("--source"), QStringLiteral("app=") + QFile::decodeName(tree),
                     QStringLiteral("--name"), QStringLiteral("latin1")})
                    .status == 0);
        const QString shown = QStringLiteral("app/up/caf\uFFFD.jpg");
        QVERIFY(cli({QStringLiteral("browse"), QStringLiteral("latin1"), QStringLiteral("--path"), QStringLiteral("app/up")})
                    .out.contains(QString(shown).section(u'/', -1).toUtf8()));
        const QString out = path(QStringLiteral("latin1-out"));
        QDir().mkpath(out);
        const test::CliRun run = cli({QStringLiteral("extract"), QStringLiteral("latin1"), shown, QStringLiteral("--to"), out});
        QVERIFY2(run.status == 0, qPrintable(run.err));
        struct stat st;
        QVERIFY(::stat((QFile::encodeName(out) + '/' + raw).constData(), &st) == 0);
        QCOMPARE(qint64(st.st_size), qint64(4));
    }

    void diffNamesTheChanges()
    {
        QFile added(m_app + QStringLiteral("/src/added.js"));
        QVERIFY(added.open(QIODevice::WriteOnly));
        added.write("new\n");
        added.close();
        QVERIFY(QFile::remove(m_app + QStringLiteral("/package.json")));
        test::CliRun run = cli({QStringLiteral("diff"), QStringLiteral("b1"), QStringLiteral("--json")});
        QVERIFY2(run.status == 0, qPrintable(run.err));
        const QJsonObject changes = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(changes[QStringLiteral("added")].toArray(), QJsonArray{QStringLiteral("backend/src/added.js")});
        QCOMPARE(changes[QStringLiteral("removed")].toArray(), QJsonArray{QStringLiteral("backend/package.json")});
        QCOMPARE(changes[QStringLiteral("changed")].toArray(), QJsonArray{});

        test::CliRun text = cli({QStringLiteral("diff"), QStringLiteral("b1")});
        QCOMPARE(text.status, 0);
        QVERIFY(text.out.contains("+ backend/src/added.js"));
        QVERIFY(text.out.contains("- backend/package.json"));
    }

    void exportThenImportElsewhere()
    {
        const QString zip = path(QStringLiteral("b1.zip"));
        test::CliRun saved = cli({QStringLiteral("export"), QStringLiteral("b1"), QStringLiteral("--to"), zip});
        QVERIFY2(saved.status == 0, qPrintable(saved.err));
        QCOMPARE(QProcess::execute(QStringLiteral("unzip"), {QStringLiteral("-tq"), zip}), 0);
        QCOMPARE(cli({QStringLiteral("export"), QStringLiteral("b1"), QStringLiteral("--to"), zip}).status, 1); // exists
        QCOMPARE(cli({QStringLiteral("export"), QStringLiteral("b1"), QStringLiteral("--to"), zip, QStringLiteral("--force")}).status, 0);
        QCOMPARE(cli({QStringLiteral("export"), QStringLiteral("b1"), QStringLiteral("--to"), path(QStringLiteral("b1.rar"))}).status, 2);

        const QString other = path(QStringLiteral("other"));
        QDir().mkpath(other);
        test::CliRun imported = cli({QStringLiteral("import"), zip}, other);
        QVERIFY2(imported.status == 0, qPrintable(imported.err));
        QCOMPARE(cli({QStringLiteral("verify"), QStringLiteral("b1")}, other).status, 0);
        QCOMPARE(read(other + QStringLiteral("/b1/manifest.json")), read(m_repository + QStringLiteral("/b1/manifest.json")));
        test::CliRun twice = cli({QStringLiteral("import"), zip}, other);
        QCOMPARE(twice.status, 1);
        QVERIFY(twice.err.contains(QStringLiteral("already")));
        QCOMPARE(cli({QStringLiteral("import"), path(QStringLiteral("missing.zip"))}, other).status, 1);
    }
};

QTEST_GUILESS_MAIN(TestCliBrowse)
#include "tst_cli_browse.moc"
