// "Clean up old backups…" in the real MainWindow on a repository of 60 daily backups: the
// preview says what goes and what stays before anything is deleted, then exactly that goes.
#include "BackupTableModel.h"
#include "MainWindow.h"
#include "RetentionDialog.h"
#include "TestBundles.h"
#include "catalog/Catalog.h"
#include "profile/ProfileStore.h"
#include "retention/Pins.h"

#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTimeZone>

using namespace coffre;

class TestMainWindowRetention : public QObject
{
    Q_OBJECT

private slots:
    void previewThenRemoveExactlyWhatItShowed()
    {
        QTemporaryDir home;
        Profile profile;
        profile.name = QStringLiteral("shop");
        profile.repository = home.filePath(QStringLiteral("backups"));
        profile.sources = {{QStringLiteral("app"), home.filePath(QStringLiteral("app"))}};
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (int i = 0; i < 60; ++i) {
            const QDateTime created = now.addDays(-i);
            test::writeCompleteBundle(profile.repository, {QStringLiteral("backup_") + created.toString(QStringLiteral("yyyyMMdd")) + QStringLiteral("_020000"),
                                                           created, 100});
        }
        const QString pinned = QStringLiteral("backup_") + now.addDays(-40).toString(QStringLiteral("yyyyMMdd")) + QStringLiteral("_020000");
        QVERIFY(Pins::set(profile.repository, pinned, true).ok());
        const ProfileStore profiles(home.filePath(QStringLiteral("profiles")));
        QVERIFY(profiles.save(profile));

        MainWindow window(profiles);
        QSignalSpy shown(&window, &MainWindow::catalogShown);
        QSignalSpy finished(&window, &MainWindow::jobFinished);
        window.selectProfile(QStringLiteral("shop"));
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty() && window.backupModel()->rowCount() == 60, 20000);

        QStringList previewed;
        QString summary;
        QTimer::singleShot(0, [&] {
            auto* dialog = qobject_cast<RetentionDialog*>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            // No rule yet: nothing would go.
            QVERIFY(dialog->findChild<QLabel*>(QStringLiteral("retentionSummary"))->text().contains(QLatin1String("every backup stays")));
            dialog->findChild<QSpinBox*>(QStringLiteral("dailySpin"))->setValue(7);
            dialog->findChild<QSpinBox*>(QStringLiteral("weeklySpin"))->setValue(4);
            summary = dialog->findChild<QLabel*>(QStringLiteral("retentionSummary"))->text();
            QCOMPARE(dialog->findChild<QTableWidget*>(QStringLiteral("retentionTable"))->rowCount(), 60);
            previewed = dialog->toRemove();
            dialog->findChild<QPushButton*>(QStringLiteral("retentionRemoveButton"))->click();
        });
        window.findChild<QAction*>(QStringLiteral("actionRetention"))->trigger();
        QVERIFY(!previewed.isEmpty());
        QVERIFY2(summary.startsWith(QStringLiteral("%1 backup").arg(previewed.size())) && summary.contains(QLatin1String(" go; ")) &&
                     summary.contains(QStringLiteral("%1 backup(s) stay.").arg(60 - previewed.size())),
                 qPrintable(summary));
        QVERIFY(!previewed.contains(pinned));

        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
        const auto scan = Catalog::scan(profile.repository);
        QCOMPARE(scan->backups.size(), 60 - previewed.size());
        for (const Backup& backup : scan->backups)
            QVERIFY(!previewed.contains(backup.name));
        // The rules were kept with the profile, for the scheduled runs.
        QCOMPARE(profiles.load(QStringLiteral("shop"))->retention.daily, 7);
    }
};

QTEST_MAIN(TestMainWindowRetention)
#include "tst_mainwindow_retention.moc"
