#include "TestBundles.h"
#include "catalog/Catalog.h"
#include "profile/ProfileStore.h"
#include "schedule/Schedule.h"
#include "schedule/ScheduleInstaller.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <ctime>

using namespace coffre;

// Schedules: the next run as systemd computes it, and `coffre-cli schedule` installing real unit
// files (checked by systemd-analyze verify) or a crontab line, with stand-ins for systemctl and
// crontab so that no real timer is ever enabled.
class TestSchedule : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;
    QString m_config;  // XDG_CONFIG_HOME of the coffre-cli runs: a space and a % on purpose
    QString m_runtime; // XDG_RUNTIME_DIR for systemd-analyze --user
    QString m_fakes;   // the stand-ins and what they record
    QString m_repository;

    QString fake(const QString& name) const { return QDir(m_fakes).filePath(name); }

    static void writeScript(const QString& path, const QByteArray& body)
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("#!/bin/sh\n" + body);
        file.close();
        QVERIFY(file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
    }

    static QString read(const QString& path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
    }

    test::CliRun cli(const QStringList& arguments, bool systemdAnswers) const
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_config);
        env.insert(QStringLiteral("COFFRE_SYSTEMCTL"), fake(systemdAnswers ? QStringLiteral("systemctl") : QStringLiteral("systemctl-down")));
        env.insert(QStringLiteral("COFFRE_CRONTAB"), fake(QStringLiteral("crontab")));
        env.insert(QStringLiteral("COFFRE_LOGINCTL"), fake(QStringLiteral("loginctl")));
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(COFFRE_CLI), QStringList{QStringLiteral("--profile"), QStringLiteral("shop")} + arguments);
        if (!process.waitForFinished(60000))
            qFatal("coffre-cli did not finish");
        return {process.exitCode(), process.readAllStandardOutput(), QString::fromUtf8(process.readAllStandardError())};
    }

    QString unit(const QString& suffix) const
    {
        return m_config + QStringLiteral("/systemd/user/coffre-shop.") + suffix;
    }

    void verifyUnits()
    {
        QProcess analyze;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_config);
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_runtime);
        analyze.setProcessEnvironment(env);
        analyze.setProcessChannelMode(QProcess::MergedChannels);
        analyze.start(QStringLiteral("systemd-analyze"), {QStringLiteral("--user"), QStringLiteral("verify"), unit(QStringLiteral("timer")),
                                                          unit(QStringLiteral("service"))});
        QVERIFY(analyze.waitForFinished(60000));
        const QByteArray said = analyze.readAll();
        QVERIFY2(analyze.exitCode() == 0 && said.trimmed().isEmpty(), said.constData());
    }

    // The first `count` runs after `base` as `systemd-analyze calendar` says, in UTC.
    static QList<QDateTime> systemdRuns(const QString& spec, const QString& base, int count)
    {
        QProcess analyze;
        analyze.start(QStringLiteral("systemd-analyze"), {QStringLiteral("calendar"), QStringLiteral("--iterations=%1").arg(count),
                                                          QStringLiteral("--base-time=") + base, spec});
        analyze.waitForFinished(30000);
        QList<QDateTime> runs;
        // "(in UTC): …" under another zone; in UTC itself, the lines themselves.
        static const QRegularExpression utc(QStringLiteral("(?:\\(in UTC\\)|Next elapse|Iter\\. #\\d+): \\w+ (\\S+ \\S+) UTC\n"));
        for (auto it = utc.globalMatch(QString::fromUtf8(analyze.readAllStandardOutput())); it.hasNext();) {
            QDateTime time = QDateTime::fromString(it.next().captured(1), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
            time.setTimeSpec(Qt::UTC);
            runs << time;
        }
        return runs;
    }

private slots:
    void initTestCase()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("systemd-analyze")).isEmpty())
            QSKIP("systemd-analyze is missing: scripts/deps installs the systemd package");
        m_config = m_home.filePath(QStringLiteral("conf 100%"));
        m_runtime = m_home.filePath(QStringLiteral("run"));
        m_fakes = m_home.filePath(QStringLiteral("fakes"));
        m_repository = m_home.filePath(QStringLiteral("backups"));
        QVERIFY(QDir().mkpath(m_runtime) && QDir().mkpath(m_fakes));
        QFile::setPermissions(m_runtime, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        const QByteArray calls = QFile::encodeName(fake(QStringLiteral("calls")));
        const QByteArray table = QFile::encodeName(fake(QStringLiteral("crontab.txt")));
        // systemctl whose user manager answers; one whose does not (an ssh session without lingering).
        writeScript(fake(QStringLiteral("systemctl")), "echo \"systemctl $*\" >> '" + calls + "'\nexit 0\n");
        writeScript(fake(QStringLiteral("systemctl-down")),
                    "echo \"systemctl-down $*\" >> '" + calls + "'\necho 'Failed to connect to bus' >&2\nexit 1\n");
        writeScript(fake(QStringLiteral("loginctl")), "echo no\n");
        // crontab as cron's: -l prints the table (or says there is none), - replaces it.
        writeScript(fake(QStringLiteral("crontab")),
                    "case \"$1\" in\n"
                    "  -l) [ -f '" + table + "' ] || { echo \"no crontab for $(id -un)\" >&2; exit 1; }; cat '" + table + "' ;;\n"
                    "  -) cat > '" + table + "' ;;\n"
                    "  *) exit 2 ;;\n"
                    "esac\n");

        const QString source = m_home.filePath(QStringLiteral("app"));
        test::writeSampleTree(source);
        Profile shop;
        shop.name = QStringLiteral("shop");
        shop.sources = {{QStringLiteral("app"), source}};
        shop.repository = m_repository;
        QVERIFY(ProfileStore(m_config + QStringLiteral("/coffre/profiles")).save(shop));
    }

    void nextRunIsSystemds_data()
    {
        QTest::addColumn<QString>("zone");
        QTest::addColumn<QString>("base");
        QTest::addColumn<QString>("every");
        QTest::addColumn<QString>("day");
        QTest::addColumn<QString>("at");
        QTest::newRow("daily") << "Europe/Paris" << "2026-05-12 14:00:00" << "daily" << "" << "02:30";
        QTest::newRow("daily, later today") << "Europe/Paris" << "2026-05-12 01:00:00" << "daily" << "" << "02:30";
        QTest::newRow("daily over the spring gap") << "Europe/Paris" << "2026-03-28 12:00:00" << "daily" << "" << "02:30";
        QTest::newRow("daily over the autumn change") << "Europe/Paris" << "2026-10-24 12:00:00" << "daily" << "" << "03:30";
        QTest::newRow("weekly") << "America/New_York" << "2026-05-12 14:00:00" << "weekly" << "mon" << "03:00";
        QTest::newRow("weekly, that day later") << "Asia/Tokyo" << "2026-05-11 01:00:00" << "weekly" << "mon" << "23:59";
        QTest::newRow("hourly over the spring gap") << "Europe/Paris" << "2026-03-29 00:30:00" << "hourly" << "" << "";
        QTest::newRow("hourly") << "UTC" << "2026-05-12 23:59:59" << "hourly" << "" << "";
    }

    void nextRunIsSystemds()
    {
        QFETCH(QString, zone);
        QFETCH(QString, base);
        QFETCH(QString, every);
        QFETCH(QString, day);
        QFETCH(QString, at);
        qputenv("TZ", zone.toUtf8());
        ::tzset();
        QJsonObject json{{QStringLiteral("every"), every}};
        if (!at.isEmpty())
            json.insert(QStringLiteral("at"), at);
        if (!day.isEmpty())
            json.insert(QStringLiteral("day"), day);
        const Result<Schedule> schedule = Schedule::fromJson(json);
        QVERIFY(schedule);
        QCOMPARE(schedule->toJson(), json);
        const QList<QDateTime> expected = systemdRuns(schedule->onCalendar(), base, 4);
        QCOMPARE(expected.size(), 4);
        QDateTime now = QDateTime::fromString(base, QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        for (const QDateTime& run : expected) {
            now = schedule->nextAfter(now);
            QCOMPARE(now.toUTC(), run);
        }
        qunsetenv("TZ");
        ::tzset();
    }

    void cronFieldsAndWords()
    {
        Schedule weekly;
        weekly.every = Schedule::Every::Weekly;
        weekly.weekday = Qt::Sunday;
        weekly.at = QTime(4, 5);
        QCOMPARE(weekly.cronFields(), QStringLiteral("5 4 * * 0"));
        QCOMPARE(weekly.describe(), QStringLiteral("weekly on Sunday at 04:05"));
        QCOMPARE(*Schedule::parseWeekday(QStringLiteral("Thursday")), int(Qt::Thursday));
        QVERIFY(!Schedule::parseWeekday(QStringLiteral("t")));
        QVERIFY(!Schedule::parseTime(QStringLiteral("24:00")));
        QCOMPARE(*Schedule::parseTime(QStringLiteral("7:05")), QTime(7, 5));
        const QDateTime now(QDate(2026, 5, 12), QTime(10, 0));
        QCOMPARE(ScheduleText::when(QDateTime(QDate(2026, 5, 13), QTime(2, 30)), now), QStringLiteral("tomorrow 02:30"));
        QCOMPARE(ScheduleText::when(QDateTime(QDate(2026, 5, 12), QTime(2, 30)), now), QStringLiteral("today 02:30"));
    }

    // systemd answers: units written, checked, enabled; the profile keeps the schedule.
    void setInstallsATimerThatSystemdAccepts()
    {
        const test::CliRun set = cli({QStringLiteral("schedule"), QStringLiteral("set"), QStringLiteral("--daily"), QStringLiteral("02:30")}, true);
        QVERIFY2(set.status == 0, qPrintable(set.err));
        QVERIFY2(set.out.contains("daily at 02:30") && set.out.contains("enabled") && set.out.contains("next run"), set.out.constData());
        QVERIFY2(set.err.contains(QStringLiteral("loginctl enable-linger")), qPrintable(set.err)); // a server needs it
        verifyUnits();
        const QString timer = read(unit(QStringLiteral("timer")));
        QVERIFY(timer.contains(QStringLiteral("OnCalendar=*-*-* 02:30:00\n")));
        QVERIFY(timer.contains(QStringLiteral("Persistent=true\n")));
        const QString service = read(unit(QStringLiteral("service")));
        QVERIFY2(service.contains(QStringLiteral("ExecStart=%1 --profile shop create --scheduled\n").arg(QStringLiteral(COFFRE_CLI))), qPrintable(service));
        QVERIFY(service.contains(QStringLiteral("ExecStart=%1 --profile shop prune\n").arg(QStringLiteral(COFFRE_CLI))));
        // The scheduled run finds the profile where this one did: % doubled for systemd, quoted for the space.
        QVERIFY2(service.contains(QStringLiteral("Environment=\"XDG_CONFIG_HOME=%1\"").arg(QString(m_config).replace(u'%', QStringLiteral("%%")))),
                 qPrintable(service));
        const QString calls = read(fake(QStringLiteral("calls")));
        QVERIFY(calls.contains(QStringLiteral("systemctl --user daemon-reload\n")));
        QVERIFY(calls.contains(QStringLiteral("systemctl --user enable --now coffre-shop.timer\n")));
        const Result<Profile> saved = ProfileStore(m_config + QStringLiteral("/coffre/profiles")).load(QStringLiteral("shop"));
        QCOMPARE(saved->schedule.describe(), QStringLiteral("daily at 02:30"));

        const test::CliRun weekly = cli({QStringLiteral("schedule"), QStringLiteral("set"), QStringLiteral("--weekly"), QStringLiteral("fri"),
                                         QStringLiteral("23:45"), QStringLiteral("--json")}, true);
        QCOMPARE(weekly.status, 0);
        const QJsonObject answer = QJsonDocument::fromJson(weekly.out).object();
        QCOMPARE(answer[QStringLiteral("installed")][QStringLiteral("method")].toString(), QStringLiteral("systemd"));
        QVERIFY(answer[QStringLiteral("installed")][QStringLiteral("active")].toBool());
        const QDateTime next = QDateTime::fromString(answer[QStringLiteral("next_run")].toString(), Qt::ISODate);
        QCOMPARE(next.toLocalTime().date().dayOfWeek(), int(Qt::Friday));
        QCOMPARE(next.toLocalTime().time(), QTime(23, 45));
        QVERIFY(read(unit(QStringLiteral("timer"))).contains(QStringLiteral("OnCalendar=Fri *-*-* 23:45:00\n")));
        verifyUnits();

        const test::CliRun shown = cli({QStringLiteral("schedule"), QStringLiteral("show")}, true);
        QCOMPARE(shown.status, 0);
        QVERIFY2(shown.out.contains("weekly on Friday at 23:45") && shown.out.contains("Next run:"), shown.out.constData());

        // Restore drills after the scheduled run: a third ExecStart=, which systemd accepts too.
        const test::CliRun drills = cli({QStringLiteral("schedule"), QStringLiteral("set"), QStringLiteral("--daily"), QStringLiteral("02:30"),
                                         QStringLiteral("--drill-every"), QStringLiteral("7")}, true);
        QVERIFY2(drills.status == 0, qPrintable(drills.err));
        QVERIFY2(drills.out.contains("a restore drill every 7 days"), drills.out.constData());
        QVERIFY2(read(unit(QStringLiteral("service"))).contains(QStringLiteral("ExecStart=%1 --profile shop drill --latest --due\n").arg(QStringLiteral(COFFRE_CLI))),
                 qPrintable(read(unit(QStringLiteral("service")))));
        verifyUnits();
        QCOMPARE(ProfileStore(m_config + QStringLiteral("/coffre/profiles")).load(QStringLiteral("shop"))->schedule.drillDays, 7);
        QCOMPARE(cli({QStringLiteral("schedule"), QStringLiteral("set"), QStringLiteral("--daily"), QStringLiteral("02:30"),
                      QStringLiteral("--drill-every"), QStringLiteral("often")}, true).status, 2);
    }

    void badSchedulesAreUsageErrors()
    {
        for (const QStringList& words : {QStringList{QStringLiteral("--daily"), QStringLiteral("25:00")},
                                         QStringList{QStringLiteral("--weekly"), QStringLiteral("someday"), QStringLiteral("10:00")},
                                         QStringList{QStringLiteral("--weekly"), QStringLiteral("mon")},
                                         QStringList{QStringLiteral("--hourly"), QStringLiteral("--daily"), QStringLiteral("01:00")},
                                         QStringList()}) {
            const test::CliRun run = cli(QStringList{QStringLiteral("schedule"), QStringLiteral("set")} + words, true);
            QVERIFY2(run.status == 2, qPrintable(words.join(u' ')));
        }
        QCOMPARE(cli({QStringLiteral("schedule"), QStringLiteral("sometimes")}, true).status, 2);
    }

    // No systemd user manager: a crontab line instead, idempotent, beside the user's own lines;
    // the units go, so that the profile is never scheduled twice.
    void withoutSystemdACronLine()
    {
        QFile table(fake(QStringLiteral("crontab.txt")));
        QVERIFY(table.open(QIODevice::WriteOnly));
        table.write("MAILTO=ops@example.org\n5 4 * * * /usr/local/bin/other-job # coffre schedule: shop2\n");
        table.close();
        for (int i = 0; i < 2; ++i) {
            const test::CliRun set = cli({QStringLiteral("schedule"), QStringLiteral("set"), QStringLiteral("--hourly")}, false);
            QVERIFY2(set.status == 0, qPrintable(set.err));
            QVERIFY(set.out.contains("crontab"));
        }
        QVERIFY(!QFileInfo::exists(unit(QStringLiteral("timer"))));
        QVERIFY(!QFileInfo::exists(unit(QStringLiteral("service"))));
        const QStringList lines = read(fake(QStringLiteral("crontab.txt"))).trimmed().split(u'\n');
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0], QStringLiteral("MAILTO=ops@example.org"));
        QVERIFY(lines[1].endsWith(QStringLiteral("# coffre schedule: shop2")));
        const QString line = lines[2];
        QVERIFY2(line.startsWith(QStringLiteral("0 * * * * ")) && line.endsWith(QStringLiteral("# coffre schedule: shop")), qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("100\\%")), qPrintable(line)); // a bare % would be a line break for cron

        // The line runs as cron would run it (cron turns \% back into %): a scheduled backup is made.
        QString command = line.mid(QStringLiteral("0 * * * * ").size());
        command.replace(QStringLiteral("\\%"), QStringLiteral("%"));
        QProcess shell;
        QProcessEnvironment clean;
        clean.insert(QStringLiteral("PATH"), QStringLiteral("/usr/bin:/bin"));
        clean.insert(QStringLiteral("HOME"), m_home.path());
        shell.setProcessEnvironment(clean);
        shell.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), command});
        QVERIFY(shell.waitForFinished(60000));
        const Result<RepositoryScan> scan = Catalog::scan(m_repository);
        QCOMPARE(scan->backups.size(), 1);
        QCOMPARE(scan->backups.first().kind(), BackupKind::Scheduled);

        const test::CliRun shown = cli({QStringLiteral("schedule"), QStringLiteral("show"), QStringLiteral("--json")}, false);
        const QJsonObject state = QJsonDocument::fromJson(shown.out).object();
        QCOMPARE(state[QStringLiteral("installed")][QStringLiteral("method")].toString(), QStringLiteral("cron"));
        QCOMPARE(state[QStringLiteral("last_run")][QStringLiteral("outcome")].toString(), QStringLiteral("ok"));

        const test::CliRun removed = cli({QStringLiteral("schedule"), QStringLiteral("remove")}, false);
        QCOMPARE(removed.status, 0);
        QCOMPARE(read(fake(QStringLiteral("crontab.txt"))).trimmed().split(u'\n').size(), 2);
        QVERIFY(!ProfileStore(m_config + QStringLiteral("/coffre/profiles")).load(QStringLiteral("shop"))->schedule.isSet());
    }

    // Neither a systemd user manager nor cron: the units are written and the command to enable them is said.
    void nothingToEnableItSaysWhatToRun()
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_config);
        env.insert(QStringLiteral("COFFRE_SYSTEMCTL"), fake(QStringLiteral("systemctl-down")));
        env.insert(QStringLiteral("COFFRE_CRONTAB"), m_home.filePath(QStringLiteral("no-such-crontab")));
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(COFFRE_CLI), {QStringLiteral("--profile"), QStringLiteral("shop"), QStringLiteral("schedule"),
                                                    QStringLiteral("set"), QStringLiteral("--daily"), QStringLiteral("01:15")});
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), 0);
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QVERIFY2(err.contains(QStringLiteral("systemctl --user daemon-reload && systemctl --user enable --now coffre-shop.timer")), qPrintable(err));
        QVERIFY(QFileInfo::exists(unit(QStringLiteral("timer"))));
        verifyUnits();
    }
};

QTEST_GUILESS_MAIN(TestSchedule)
#include "tst_schedule.moc"
