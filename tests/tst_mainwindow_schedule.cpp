#include "BackupFilterProxy.h"
#include "BackupTableModel.h"
#include "HistoryDialog.h"
#include "MainWindow.h"
#include "ScheduleDialog.h"
#include "ScheduleStatus.h"
#include "TestBundles.h"
#include "audit/AuditLog.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QSpinBox>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QRadioButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimeEdit>
#include <QStandardPaths>
#include <QTimer>
#include <QTest>

using namespace coffre;

namespace {

// A notification server on the test's private session bus (dbus-run-session): the window's
// Notify calls arrive here through the real bus.
class FakeNotifications : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")

public:
    struct Call
    {
        QString summary, body;
        int urgency = -1;
    };
    QList<Call> calls;

public slots:
    uint Notify(const QString&, uint, const QString&, const QString& summary, const QString& body, const QStringList&,
                const QVariantMap& hints, int)
    {
        calls.append({summary, body, hints.value(QStringLiteral("urgency")).toInt()});
        return uint(calls.size());
    }
};

} // namespace

// The schedule's line in the status bar, History…, Profile › Schedule…, the list's warning
// flags and the desktop notifications, on the real window offscreen.
class TestMainWindowSchedule : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;
    QString m_repository;
    FakeNotifications m_notifications;

    ProfileStore store() const { return ProfileStore(m_home.filePath(QStringLiteral("profiles"))); }

    static AuditEntry scheduledRun(const QDateTime& time, const QString& outcome, const QString& message = {})
    {
        AuditEntry run;
        run.time = time;
        run.profile = QStringLiteral("shop");
        run.action = AuditAction::Create;
        run.kind = QStringLiteral("scheduled");
        run.outcome = outcome;
        run.message = message;
        run.backup = outcome == u"ok" ? QStringLiteral("backup_20261103_020000") : QString();
        return run;
    }

    static ScheduleStatus* label(MainWindow& window) { return window.findChild<ScheduleStatus*>(QStringLiteral("scheduleStatus")); }

    // The next catalogShown after a rescan.
    static void rescan(MainWindow& window)
    {
        QSignalSpy shown(&window, &MainWindow::catalogShown);
        window.catalog()->refresh();
        QVERIFY(shown.wait(10000));
    }

private slots:
    void initTestCase()
    {
        m_repository = m_home.filePath(QStringLiteral("backups"));
        const QDateTime t0(QDate(2026, 11, 1), QTime(2, 0), Qt::UTC);
        // The newest dump is 1 % of the one before: an emptied table.
        const QList<std::pair<const char*, qint64>> bundles{{"backup_20261101_020000", 300000}, {"backup_20261102_020000", 300000},
                                                            {"backup_20261103_020000", 3000}};
        for (int i = 0; i < bundles.size(); ++i) {
            test::BundleSpec spec;
            spec.name = QLatin1String(bundles[i].first);
            spec.dumpBytes = bundles[i].second;
            spec.created = t0.addDays(i);
            spec.kind = BackupKind::Scheduled;
            test::writeCompleteBundle(m_repository, spec);
        }
        Profile profile;
        profile.name = QStringLiteral("shop");
        profile.sources = {{QStringLiteral("backend"), QStringLiteral("/srv/backend")}};
        profile.repository = m_repository;
        profile.schedule.every = Schedule::Every::Daily;
        profile.schedule.at = QTime(2, 30);
        QVERIFY(store().save(profile));
        const QDateTime yesterday(QDate::currentDate().addDays(-1), QTime(2, 30));
        QVERIFY(AuditLog::append(m_repository, scheduledRun(yesterday, QStringLiteral("ok"))));
        AuditEntry deleted = scheduledRun(yesterday.addSecs(60), QStringLiteral("ok"));
        deleted.action = AuditAction::Delete;
        deleted.kind.clear();
        deleted.backup = QStringLiteral("backup_20261001_020000");
        QVERIFY(AuditLog::append(m_repository, deleted));

        // The notification server, on a connection of its own.
        QDBusConnection bus = QDBusConnection::connectToBus(QDBusConnection::SessionBus, QStringLiteral("fake-notifications"));
        if (!bus.isConnected())
            QSKIP("No session bus: this test runs under dbus-run-session (ctest does it)");
        QVERIFY(bus.registerObject(QStringLiteral("/org/freedesktop/Notifications"), &m_notifications, QDBusConnection::ExportAllSlots));
        QVERIFY(bus.registerService(QStringLiteral("org.freedesktop.Notifications")));
    }

    void theStatusBarSaysLastAndNextRun()
    {
        MainWindow window(store());
        QSignalSpy shown(&window, &MainWindow::catalogShown);
        window.show();
        QVERIFY(shown.wait(10000));
        ScheduleStatus* status = label(window);
        QVERIFY(status && status->isVisible());
        const QString next = QTime::currentTime() < QTime(2, 30) ? QStringLiteral("today 02:30") : QStringLiteral("tomorrow 02:30");
        QCOMPARE(status->text(), QStringLiteral("Scheduled daily at 02:30 · last: OK yesterday 02:30 · next: ") + next);
        QVERIFY(m_notifications.calls.isEmpty()); // opening the window replays no old news
    }

    void aFailedScheduledRunNotifiesTheDesktop()
    {
        MainWindow window(store());
        QSignalSpy shown(&window, &MainWindow::catalogShown);
        window.show();
        QVERIFY(shown.wait(10000));
        // A timer's run fails while the window is open.
        QVERIFY(AuditLog::append(m_repository, scheduledRun(QDateTime::currentDateTime(), QStringLiteral("failed"),
                                                            QStringLiteral("No PostgreSQL server answers at db:5432."))));
        rescan(window);
        QVERIFY2(label(window)->text().contains(QStringLiteral("last: FAILED today")), qPrintable(label(window)->text()));
        QTRY_COMPARE(m_notifications.calls.size(), 1);
        QCOMPARE(m_notifications.calls[0].summary, QStringLiteral("Scheduled backup of shop failed"));
        QCOMPARE(m_notifications.calls[0].body, QStringLiteral("No PostgreSQL server answers at db:5432."));
        QCOMPARE(m_notifications.calls[0].urgency, 2); // critical
        rescan(window);
        QTest::qWait(200);
        QCOMPARE(m_notifications.calls.size(), 1); // once
    }

    void aBackupThatShrankIsFlaggedInTheList()
    {
        MainWindow window(store());
        QSignalSpy shown(&window, &MainWindow::catalogShown);
        window.show();
        QVERIFY(shown.wait(10000));
        BackupTableModel* model = window.backupModel();
        for (int row = 0; row < model->rowCount(); ++row) {
            const QModelIndex status = model->index(row, BackupTableModel::StatusColumn);
            const bool shrunk = model->backupAt(row).name == u"backup_20261103_020000";
            QCOMPARE(status.data().toString(), QStringLiteral("Complete"));
            QCOMPARE(!status.data(Qt::DecorationRole).isNull(), shrunk);
            if (shrunk)
                QVERIFY2(status.data(Qt::ToolTipRole).toString().contains(QStringLiteral("The database dump is 99 % smaller than in "
                                                                                       "backup_20261102_020000")),
                         qPrintable(status.data(Qt::ToolTipRole).toString()));
        }
        window.findChild<QLineEdit*>(QStringLiteral("filterEdit"))->setText(QStringLiteral("warning"));
        QCOMPARE(window.backupProxy()->rowCount(), 1);

        // A new one that shrank too, made by cron while the window is open: said once.
        test::BundleSpec spec;
        spec.name = QStringLiteral("backup_20261104_020000");
        spec.created = QDateTime(QDate(2026, 11, 4), QTime(2, 0), Qt::UTC);
        spec.dumpBytes = 300000;
        test::writeCompleteBundle(m_repository, spec);
        spec.name = QStringLiteral("backup_20261105_020000");
        spec.created = spec.created.addDays(1);
        spec.dumpBytes = 2000;
        test::writeCompleteBundle(m_repository, spec);
        const qsizetype before = m_notifications.calls.size();
        rescan(window);
        QTRY_COMPARE(m_notifications.calls.size(), before + 1);
        QCOMPARE(m_notifications.calls.last().summary, QStringLiteral("Backup backup_20261105_020000 of shop looks wrong"));
        QCOMPARE(window.backupProxy()->rowCount(), 2);
    }

    void historyListsAndFiltersTheAuditLog()
    {
        MainWindow window(store());
        QSignalSpy shown(&window, &MainWindow::catalogShown);
        window.show();
        QVERIFY(shown.wait(10000));
        QAction* history = window.findChild<QAction*>(QStringLiteral("actionHistory"));
        QVERIFY(history && history->isEnabled());
        history->trigger();
        auto* dialog = window.findChild<HistoryDialog*>();
        QVERIFY(dialog);
        QSignalSpy loaded(dialog, &HistoryDialog::loaded);
        QVERIFY(loaded.wait(10000));
        QTableView* table = dialog->table();
        QCOMPARE(table->model()->rowCount(), 3);
        // Newest first.
        QCOMPARE(table->model()->index(0, HistoryDialog::OutcomeColumn).data().toString(), QStringLiteral("Failed"));
        QCOMPARE(table->model()->index(0, HistoryDialog::ActionColumn).data().toString(), QStringLiteral("create (scheduled)"));
        dialog->outcomeBox()->setCurrentIndex(dialog->outcomeBox()->findData(QStringLiteral("ok")));
        QCOMPARE(table->model()->rowCount(), 2);
        dialog->actionBox()->setCurrentIndex(dialog->actionBox()->findData(QStringLiteral("delete")));
        QCOMPARE(table->model()->rowCount(), 1);
        QCOMPARE(table->model()->index(0, HistoryDialog::BackupColumn).data().toString(), QStringLiteral("backup_20261001_020000"));
        dialog->actionBox()->setCurrentIndex(0);
        dialog->outcomeBox()->setCurrentIndex(0);
        dialog->filterEdit()->setText(QStringLiteral("postgresql 5432"));
        QCOMPARE(table->model()->rowCount(), 1);
        dialog->close();
    }

    // Profile › Schedule…: installed through the site (a stand-in systemctl), kept in the
    // profile, and shown at once.
    void aScheduleSetInTheWindowShowsItsNextRun()
    {
        const QString fakes = m_home.filePath(QStringLiteral("fakes"));
        QVERIFY(QDir().mkpath(fakes));
        QFile systemctl(fakes + QStringLiteral("/systemctl"));
        QVERIFY(systemctl.open(QIODevice::WriteOnly));
        systemctl.write("#!/bin/sh\necho \"$*\" >> '" + QFile::encodeName(fakes) + "/calls'\n");
        systemctl.close();
        systemctl.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        qputenv("COFFRE_SYSTEMCTL", QFile::encodeName(systemctl.fileName()));
        qputenv("COFFRE_LOGINCTL", "/nonexistent");

        MainWindow window(store());
        QSignalSpy shown(&window, &MainWindow::catalogShown);
        window.show();
        QVERIFY(shown.wait(10000));
        QTimer::singleShot(0, [] {
            auto* dialog = qobject_cast<ScheduleDialog*>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            dialog->findChild<QRadioButton*>(QStringLiteral("schedule_weekly"))->setChecked(true);
            auto* day = dialog->findChild<QComboBox*>(QStringLiteral("weeklyDay"));
            day->setCurrentIndex(day->findData(int(Qt::Sunday)));
            dialog->findChild<QTimeEdit*>(QStringLiteral("weeklyAt"))->setTime(QTime(4, 15));
            dialog->findChild<QCheckBox*>(QStringLiteral("scheduleDrill"))->setChecked(true);
            dialog->findChild<QSpinBox*>(QStringLiteral("scheduleDrillDays"))->setValue(14);
            dialog->accept();
        });
        QSignalSpy rescanned(&window, &MainWindow::catalogShown);
        window.findChild<QAction*>(QStringLiteral("actionSchedule"))->trigger();
        QVERIFY(rescanned.wait(10000));
        QVERIFY2(label(window)->text().startsWith(QStringLiteral("Scheduled weekly on Sunday at 04:15 · ")),
                 qPrintable(label(window)->text()));
        QVERIFY(label(window)->text().contains(QStringLiteral("· next: ")));
        QCOMPARE(store().load(QStringLiteral("shop"))->schedule.describe(), QStringLiteral("weekly on Sunday at 04:15"));
        const QString units = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) + QStringLiteral("/systemd/user/");
        QVERIFY(QFile(units + QStringLiteral("coffre-shop.timer")).exists());
        QCOMPARE(store().load(QStringLiteral("shop"))->schedule.drillDays, 14);
        QFile service(units + QStringLiteral("coffre-shop.service"));
        QVERIFY(service.open(QIODevice::ReadOnly));
        QVERIFY(service.readAll().contains("drill --latest --due"));
        QFile calls(fakes + QStringLiteral("/calls"));
        QVERIFY(calls.open(QIODevice::ReadOnly));
        QVERIFY(calls.readAll().contains("--user enable --now coffre-shop.timer"));
    }
};

QTEST_MAIN(TestMainWindowSchedule)
#include "tst_mainwindow_schedule.moc"
