// Retention on generated repositories: the rules keep exactly the expected backups, pins and
// the minimum hold, a dry run deletes nothing, a real prune deletes exactly what it said.
#include "TestBundles.h"
#include "catalog/Catalog.h"
#include "retention/Pins.h"
#include "retention/PruneJob.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace coffre;

namespace {

const QTimeZone Utc = QTimeZone::utc();

// One complete backup a day at 02:00 UTC for two years, up to 2026-12-01 (in memory).
QList<Backup> dailyForTwoYears()
{
    QList<Backup> backups;
    const QDate last(2026, 12, 1);
    for (QDate day = last.addDays(-729); day <= last; day = day.addDays(1)) {
        Backup backup;
        backup.name = QStringLiteral("backup_") + day.toString(QStringLiteral("yyyyMMdd")) + QStringLiteral("_020000");
        backup.created = QDateTime(day, QTime(2, 0), Utc);
        backup.status = BackupStatus::Complete;
        backup.sizeBytes = 1000;
        auto manifest = std::make_shared<Manifest>();
        manifest->kind = BackupKind::Scheduled;
        backup.manifest = manifest;
        backups.append(backup);
    }
    return backups;
}

QStringList kept(const QList<RetentionDecision>& decisions)
{
    QStringList names;
    for (const RetentionDecision& decision : decisions)
        if (decision.keep)
            names << decision.backup.name.mid(7, 8);
    return names;
}

} // namespace

class TestRetention : public QObject
{
    Q_OBJECT

private slots:
    void gfsKeepsTheNewestOfEachPeriod()
    {
        RetentionRules rules;
        rules.daily = 7;
        rules.weekly = 4;
        rules.monthly = 12;
        rules.yearly = 2;
        const auto decisions = RetentionPolicy::decide(dailyForTwoYears(), rules, {}, Utc);
        // Worked out by hand: the last 7 days; the newest of ISO weeks 48, 47, 46 not already
        // kept (Sun 29 Nov is a daily one: 22 and 15 Nov); the last day of each of the 12 months
        // (30 Nov is daily); the newest of 2025.
        const QStringList expected{
            QStringLiteral("20261201"), QStringLiteral("20261130"), QStringLiteral("20261129"), QStringLiteral("20261128"),
            QStringLiteral("20261127"), QStringLiteral("20261126"), QStringLiteral("20261125"), QStringLiteral("20261122"),
            QStringLiteral("20261115"), QStringLiteral("20261031"), QStringLiteral("20260930"), QStringLiteral("20260831"),
            QStringLiteral("20260731"), QStringLiteral("20260630"), QStringLiteral("20260531"), QStringLiteral("20260430"),
            QStringLiteral("20260331"), QStringLiteral("20260228"), QStringLiteral("20260131"), QStringLiteral("20251231")};
        QCOMPARE(kept(decisions), expected);
        QCOMPARE(RetentionPolicy::pruned(decisions).size(), 730 - 20);
        QCOMPARE(RetentionPolicy::bytesFreed(decisions), qint64(710) * 1000);
        // Why each stays is said.
        QVERIFY(decisions.first().reasons.contains(QStringLiteral("daily")));
        QVERIFY(decisions.first().reasons.contains(QStringLiteral("yearly")));
    }

    void keepLastPinsMinimumAndSafetyCopies()
    {
        QList<Backup> backups = dailyForTwoYears().mid(700); // 30 days
        // Two safety copies among them, and a damaged backup: neither counts for the rules.
        auto safety = std::make_shared<Manifest>();
        safety->kind = BackupKind::Safety;
        for (int i : {3, 10, 20})
            backups[i].manifest = safety;
        backups[5].status = BackupStatus::Damaged;
        backups[5].manifest.reset();

        RetentionRules rules;
        rules.keepLast = 4;
        rules.keepSafety = 2;
        const auto decisions = RetentionPolicy::decide(backups, rules, {QStringLiteral("backup_20261102_020000")}, Utc);
        auto decisionFor = [&](const QString& day) {
            for (const RetentionDecision& decision : decisions)
                if (decision.backup.name.contains(day))
                    return decision;
            return RetentionDecision{};
        };
        QCOMPARE(kept(decisions).size(), 4 + 1 + 2 + 1); // last 4, the pinned, 2 newest safety copies, the damaged one
        QVERIFY(decisionFor(QStringLiteral("20261102")).keep); // pinned, old
        QVERIFY(decisionFor(QStringLiteral("20261102")).reasons.contains(QStringLiteral("pinned")));
        QVERIFY(decisionFor(QStringLiteral("20261107")).keep); // damaged: left alone
        QVERIFY(decisionFor(QStringLiteral("20261122")).keep);  // safety, newest
        QVERIFY(decisionFor(QStringLiteral("20261112")).keep);  // safety, second
        QVERIFY(!decisionFor(QStringLiteral("20261105")).keep); // safety, third: its own rule lets it go

        // The minimum wins over rules that would keep too few.
        rules = RetentionRules();
        rules.keepLast = 1;
        rules.minimum = 5;
        const auto minimum = RetentionPolicy::decide(dailyForTwoYears().mid(720), rules, {}, Utc);
        QCOMPARE(kept(minimum).size(), 5);
        QCOMPARE(kept(minimum).first(), QStringLiteral("20261201"));

        // No rule at all: nothing is ever pruned.
        QVERIFY(RetentionPolicy::pruned(RetentionPolicy::decide(dailyForTwoYears(), RetentionRules(), {}, Utc)).isEmpty());
    }

    void dryRunDeletesNothingAndPruneExactlyWhatItSaid()
    {
        QTemporaryDir dir;
        const QString repository = dir.filePath(QStringLiteral("repo"));
        // 60 daily backups on disk, as the generated workspace of the issue has them.
        for (int i = 0; i < 60; ++i) {
            const QDateTime created(QDate(2026, 12, 1).addDays(-i), QTime(2, 0), Utc);
            test::writeCompleteBundle(repository, {QStringLiteral("backup_") + created.toString(QStringLiteral("yyyyMMdd")) + QStringLiteral("_020000"),
                                                   created, 100});
        }
        QVERIFY(Pins::set(repository, QStringLiteral("backup_20261010_020000"), true).ok());
        QVERIFY(Pins::read(repository).contains(QStringLiteral("backup_20261010_020000")));
        QVERIFY(Catalog::scan(repository)->backups.size() == 60); // the pins file is no backup

        RetentionRules rules;
        rules.daily = 7;
        rules.weekly = 4;
        JobControl control;
        const auto dry = PruneJob::run(repository, rules, true, control);
        QVERIFY(dry.ok());
        const QStringList planned = dry->removed();
        QVERIFY(!planned.isEmpty());
        QVERIFY(!planned.contains(QStringLiteral("backup_20261010_020000")));
        QCOMPARE(Catalog::scan(repository)->backups.size(), 60);

        const auto real = PruneJob::run(repository, rules, false, control);
        QVERIFY2(real.ok(), qPrintable(real.error().toLogString()));
        QCOMPARE(real->removed(), planned);
        QStringList left;
        const auto after = Catalog::scan(repository);
        for (const Backup& backup : after->backups)
            left << backup.name;
        QCOMPARE(left.size(), 60 - planned.size());
        for (const QString& name : planned)
            QVERIFY(!left.contains(name));
        QVERIFY(left.contains(QStringLiteral("backup_20261010_020000")));
    }
};

QTEST_GUILESS_MAIN(TestRetention)
#include "tst_retention.moc"
