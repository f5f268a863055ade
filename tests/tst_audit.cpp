#include "TestBundles.h"
#include "audit/AuditLog.h"
#include "catalog/Catalog.h"
#include "catalog/ScanJson.h"
#include "jobs/DeleteJob.h"
#include "profile/ProfileStore.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <sys/wait.h>
#include <unistd.h>

using namespace coffre;

// The audit log as a file: lines that survive concurrent writers, never a secret, read back
// from its end, and the jobs that write it.
class TestAudit : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;

    static AuditEntry entry(const QString& action, const QString& outcome = QStringLiteral("ok"))
    {
        AuditEntry e;
        e.time = QDateTime::currentDateTime();
        e.user = QStringLiteral("ops");
        e.host = QStringLiteral("web1");
        e.profile = QStringLiteral("shop");
        e.action = action;
        e.outcome = outcome;
        return e;
    }

private slots:
    void aLineGoesBesideTheBackupsAndTheCatalogIgnoresIt()
    {
        const QString repository = m_home.filePath(QStringLiteral("repo"));
        test::writeCompleteBundle(repository, {QStringLiteral("backup_20260101_020000")});
        AuditEntry e = entry(AuditAction::Create);
        e.backup = QStringLiteral("backup_20260101_020000");
        e.bytes = 1234;
        e.durationMs = 56;
        e.kind = QStringLiteral("scheduled");
        QVERIFY(AuditLog::append(repository, e));
        QVERIFY(QFileInfo(AuditLog::pathFor(repository)).fileName().startsWith(u'.'));
        QFile file(AuditLog::pathFor(repository));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray line = file.readAll();
        QVERIFY(line.endsWith('\n'));
        QCOMPARE(line.count('\n'), 1);
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        for (const char* key : {"time", "user", "host", "profile", "action", "backup", "outcome", "message", "duration_ms", "bytes"})
            QVERIFY2(o.contains(QLatin1String(key)), key);
        QVERIFY2(o[QStringLiteral("time")].toString().contains(QRegularExpression(QStringLiteral("([+-]\\d\\d:\\d\\d|Z)$"))),
                 "the time says its offset");
        QCOMPARE(o[QStringLiteral("bytes")].toInteger(), 1234);

        const Result<RepositoryScan> scan = Catalog::scan(repository);
        QCOMPARE(scan->backups.size(), 1); // the hidden log is not a backup
        QVERIFY(scan->lastScheduledRun.has_value());
        QCOMPARE(scan->lastScheduledRun->backup, QStringLiteral("backup_20260101_020000"));
        // And it reaches a desktop with a server's scan.
        const RepositoryScan back = ScanJson::fromJson(ScanJson::toJson(*scan));
        QVERIFY(back.lastScheduledRun.has_value());
        QCOMPARE(back.lastScheduledRun->bytes, 1234);
    }

    void secretsAreMasked()
    {
        const QString masked = AuditLog::maskSecrets(
            QStringLiteral("could not connect: host=db password=hunter2 dbname=shop; postgres://app:s3cret@db/shop; "
                           "AWS_SECRET_ACCESS_KEY=abc/def PGPASSWORD='x y'"));
        for (const char* secret : {"hunter2", "s3cret", "abc/def", "x y"})
            QVERIFY2(!masked.contains(QLatin1String(secret)), qPrintable(masked));
        QVERIFY(masked.contains(QStringLiteral("dbname=shop")));
        QVERIFY(masked.contains(QStringLiteral("postgres://app:***@db/shop")));

        const QString repository = m_home.filePath(QStringLiteral("repo-secret"));
        QVERIFY(QDir().mkpath(repository));
        AuditEntry e = entry(AuditAction::Create, QStringLiteral("failed"));
        e.message = QStringLiteral("password=hunter2 refused");
        QVERIFY(AuditLog::append(repository, e));
        QFile file(AuditLog::pathFor(repository));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains("hunter2"));
    }

    // Eight processes appending at once: every line whole, none lost.
    void concurrentWritersNeverInterleave()
    {
        const QString repository = m_home.filePath(QStringLiteral("repo-race"));
        QVERIFY(QDir().mkpath(repository));
        constexpr int Writers = 8, Lines = 300;
        AuditEntry e = entry(AuditAction::Delete);
        e.message = QString(400, u'x'); // long lines make a torn write likelier
        QList<pid_t> children;
        for (int w = 0; w < Writers; ++w) {
            const pid_t pid = ::fork();
            QVERIFY(pid >= 0);
            if (pid == 0) {
                AuditEntry mine = e;
                for (int i = 0; i < Lines; ++i) {
                    mine.backup = QStringLiteral("w%1_%2").arg(w).arg(i);
                    if (!AuditLog::append(repository, mine))
                        ::_exit(1);
                }
                ::_exit(0);
            }
            children << pid;
        }
        for (const pid_t pid : children) {
            int status = 0;
            QCOMPARE(::waitpid(pid, &status, 0), pid);
            QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        }
        QFile file(AuditLog::pathFor(repository));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), Writers * Lines);
        QSet<QString> seen;
        for (const QByteArray& line : lines) {
            const QJsonDocument document = QJsonDocument::fromJson(line);
            QVERIFY2(document.isObject(), line.left(80).constData());
            seen.insert(document[QStringLiteral("backup")].toString());
        }
        QCOMPARE(seen.size(), Writers * Lines);
    }

    // A long log is read from its end; a torn last line (a full disk) and a foreign line are skipped.
    void theLastMatchingLineComesFromTheEnd()
    {
        const QString repository = m_home.filePath(QStringLiteral("repo-long"));
        QVERIFY(QDir().mkpath(repository));
        AuditEntry scheduled = entry(AuditAction::Create);
        scheduled.kind = QStringLiteral("scheduled");
        scheduled.backup = QStringLiteral("the_one");
        QVERIFY(AuditLog::append(repository, scheduled));
        AuditEntry other = entry(AuditAction::Export);
        other.message = QString(300, u'y');
        for (int i = 0; i < 2000; ++i) // ~1 MB after it: found by reading further back
            QVERIFY(AuditLog::append(repository, other));
        QFile file(AuditLog::pathFor(repository));
        QVERIFY(file.open(QIODevice::Append));
        file.write("not json\n{\"time\":\"2026-01-01T00:00:00Z\",\"act");
        file.close();
        const auto last = AuditLog::lastMatching(repository, [](const AuditEntry& e) { return e.kind == u"scheduled"; });
        QVERIFY(last.has_value());
        QCOMPARE(last->backup, QStringLiteral("the_one"));
        QCOMPARE(AuditLog::read(repository)->size(), 2001);
        QVERIFY(!AuditLog::lastMatching(repository, [](const AuditEntry& e) { return e.action == u"prune"; }));
        QVERIFY(!AuditLog::lastMatching(m_home.filePath(QStringLiteral("none")), [](const AuditEntry&) { return true; }));
    }

    // The jobs write it, with the stored profile whose repository it is.
    void aDeleteIsOneLinePerBackupWithItsSize()
    {
        const QString repository = m_home.filePath(QStringLiteral("repo-delete"));
        test::writeCompleteBundle(repository, {QStringLiteral("backup_a"), QDateTime::currentDateTimeUtc(), 50000});
        test::writeCompleteBundle(repository, {QStringLiteral("backup_b")});
        Profile shop;
        shop.name = QStringLiteral("shop");
        shop.repository = repository;
        shop.sources = {{QStringLiteral("app"), m_home.filePath(QStringLiteral("app"))}};
        QVERIFY(ProfileStore().save(shop));
        const qint64 sizeA = Catalog::inspect(repository, QStringLiteral("backup_a")).sizeBytes;
        JobControl control;
        QVERIFY(DeleteJob::run(repository, {QStringLiteral("backup_a"), QStringLiteral("backup_b")}, control));
        QVERIFY(!DeleteJob::run(repository, {QStringLiteral("not_there")}, control));
        const QList<AuditEntry> lines = *AuditLog::read(repository);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0].backup, QStringLiteral("backup_a"));
        QCOMPARE(lines[0].bytes, sizeA);
        QCOMPARE(lines[0].profile, QStringLiteral("shop"));
        QCOMPARE(lines[0].action, QStringLiteral("delete"));
        QCOMPARE(lines[1].outcome, QStringLiteral("ok"));
        QCOMPARE(lines[2].backup, QStringLiteral("not_there"));
        QCOMPARE(lines[2].outcome, QStringLiteral("failed"));
        QVERIFY(!lines[2].message.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAudit)
#include "tst_audit.moc"
