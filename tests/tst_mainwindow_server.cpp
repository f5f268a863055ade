#include "PgFixture.h"
#include "TestBundles.h"
#include "JobsPanel.h"
#include "BackupTransfers.h"
#include "MainWindow.h"
#include "BackupTableModel.h"
#include "BrowseDialog.h"
#include "RestoreDialog.h"
#include "HistoryDialog.h"
#include "ScheduleDialog.h"
#include "ScheduleStatus.h"
#include "profile/ProfileStore.h"

#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QRadioButton>
#include <QTimeEdit>
#include <QTreeWidget>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace coffre;

// The real window on a server profile: the application's database and folders are on the
// other side of a real OpenSSH server (tests/ssh-fixture), whose coffre-cli is this build's.
class TestMainWindowServer : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;
    QString m_sshBase = qEnvironmentVariable("COFFRE_TEST_SSH_BASE");
    QString m_serverTree, m_serverRepository;

    ProfileStore desktopProfiles() const { return ProfileStore(m_home.filePath(QStringLiteral("desktop-profiles"))); }

    static void answerNextBox(QMessageBox::ButtonRole role, QString* text = nullptr)
    {
        QTimer::singleShot(0, [role, text] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            QVERIFY(box);
            if (text)
                *text = box->text();
            for (QAbstractButton* candidate : box->buttons())
                if (box->buttonRole(candidate) == role) {
                    candidate->click();
                    return;
                }
        });
    }

    // Waits for the "what is left to do" box of a schedule, keeps its text, closes it.
    static void answerWhenShown(QString* text)
    {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (!box || box->objectName() != u"scheduleTodo") {
            QTimer::singleShot(50, [text] { answerWhenShown(text); });
            return;
        }
        *text = box->text();
        box->accept();
    }

private slots:
    void initTestCase()
    {
        if (!test::hasFixture() || m_sshBase.isEmpty())
            QSKIP("PGHOST or COFFRE_TEST_SSH_BASE is not set: run through ctest, which starts the fixtures");
        QVERIFY(test::recreateDatabase(QStringLiteral("win_srv")));
        QVERIFY(test::execSql(QStringLiteral("win_srv"), {QStringLiteral("create table t as select generate_series(1, 5000) id")}));
        m_serverTree = m_home.filePath(QStringLiteral("server/app"));
        m_serverRepository = m_home.filePath(QStringLiteral("server/backups"));
        QVERIFY(QDir().mkpath(m_serverTree));
        QVERIFY(QDir().mkpath(m_serverRepository));
        QFile index(m_serverTree + QStringLiteral("/index.js"));
        QVERIFY(index.open(QIODevice::WriteOnly));
        index.write("v1\n");
        index.close();

        Profile web; // the server's own profile
        web.name = QStringLiteral("winweb");
        web.database = test::fixtureDatabase(QStringLiteral("win_srv"));
        web.sources = {{QStringLiteral("app"), m_serverTree}};
        web.repository = m_serverRepository;
        QVERIFY(ProfileStore(m_sshBase + QStringLiteral("/server/config/coffre/profiles")).save(web));

        Profile prod; // the desktop's: only where the server is
        prod.name = QStringLiteral("prod");
        prod.server.host = QStringLiteral("coffre-test");
        prod.server.configFile = m_sshBase + QStringLiteral("/ssh_config");
        prod.server.remoteCli = QStringLiteral(COFFRE_CLI);
        prod.server.remoteProfile = QStringLiteral("winweb");
        QVERIFY(desktopProfiles().save(prod));
    }

    void createRestoreUndoDownloadDeleteOnTheServer()
    {
        MainWindow window(desktopProfiles());
        QSignalSpy shown(&window, &MainWindow::catalogShown);
        QSignalSpy finished(&window, &MainWindow::jobFinished);
        window.selectProfile(QStringLiteral("prod"));
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), 20000);
        QCOMPARE(window.backupModel()->rowCount(), 0);
        QVERIFY(window.findChild<QAction*>(QStringLiteral("actionImport"))->isEnabled()); // Import… uploads

        // Create: the server's coffre-cli makes it, the list shows it.
        BackupRequest request;
        request.profile = *desktopProfiles().load(QStringLiteral("prod"));
        request.name = QStringLiteral("from_window");
        window.startBackup(request);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
        QVERIFY(QFileInfo::exists(m_serverRepository + QStringLiteral("/from_window/manifest.json")));
        QTRY_COMPARE_WITH_TIMEOUT(window.backupModel()->rowCount(), 1, 20000);
        QCOMPARE(window.backupModel()->backupAt(0).name, QStringLiteral("from_window"));
        QVERIFY(window.backupModel()->backupAt(0).manifest); // the manifest came with the list

        // Browse: files, a preview, the database's objects and a comparison, all read on the server.
        {
            QFile changed(m_serverTree + QStringLiteral("/index.js"));
            QVERIFY(changed.open(QIODevice::WriteOnly));
            changed.write("v2, changed since the backup\n");
        }
        window.backupTable()->selectRow(0);
        BrowseDialog* browse = window.showBrowseDialog();
        QVERIFY(browse);
        QSignalSpy files(browse, &BrowseDialog::filesLoaded);
        QSignalSpy database(browse, &BrowseDialog::databaseLoaded);
        QSignalSpy previewed(browse, &BrowseDialog::previewShown);
        QSignalSpy compared(browse, &BrowseDialog::compareFinished);
        QTRY_COMPARE_WITH_TIMEOUT(files.size(), 1, 20000);
        QVERIFY(files.first().first().toBool());
        browse->selectFirstFile();
        QTRY_COMPARE_WITH_TIMEOUT(previewed.size(), 1, 20000);
        QCOMPARE(previewed.first().first().toString(), QStringLiteral("app/index.js"));
        QCOMPARE(browse->findChild<QPlainTextEdit*>(QStringLiteral("previewText"))->toPlainText(), QStringLiteral("v1\n"));
        QTRY_COMPARE_WITH_TIMEOUT(database.size(), 1, 20000);
        QVERIFY(database.first().first().toBool());
        QVERIFY(!browse->findChild<QPushButton*>(QStringLiteral("extractButton"))->isEnabled()); // Download instead
        browse->compareWithCurrent();
        QTRY_COMPARE_WITH_TIMEOUT(compared.size(), 1, 20000);
        QVERIFY(compared.first().first().toBool());
        QTreeWidget* changes = browse->findChild<QTreeWidget*>(QStringLiteral("changesTree"));
        QVERIFY(!changes->findItems(QStringLiteral("app/index.js"), Qt::MatchRecursive | Qt::MatchContains, 0).isEmpty());
        browse->close();

        // Restore: the dialog says what will be replaced on the server; OUI goes with the request.
        QVERIFY(test::execSql(QStringLiteral("win_srv"), {QStringLiteral("delete from t where id > 10")}));
        window.backupTable()->selectRow(0);
        QString summary;
        QTimer::singleShot(0, [&summary] {
            auto* dialog = qobject_cast<RestoreDialog*>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            QSignalSpy loaded(dialog, &RestoreDialog::summaryLoaded);
            QVERIFY(dialog->isSummaryLoaded() || loaded.wait(20000));
            summary = dialog->findChild<QLabel*>(QStringLiteral("summaryLabel"))->text();
            QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("confirmEdit")), QStringLiteral("OUI"));
            QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("restoreButton")), Qt::LeftButton);
        });
        window.findChild<QAction*>(QStringLiteral("actionRestore"))->trigger();
        QVERIFY2(summary.contains(m_serverTree), qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("win_srv")), qPrintable(summary));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 60000);
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
        QCOMPARE(test::sqlScalar(QStringLiteral("win_srv"), QStringLiteral("select count(*) from t")), QStringLiteral("5000"));

        // Undo, from the server's last-restore journal that the list brought back.
        QAction* undo = window.findChild<QAction*>(QStringLiteral("actionUndoRestore"));
        QTRY_VERIFY_WITH_TIMEOUT(undo->isEnabled(), 20000);
        answerNextBox(QMessageBox::AcceptRole);
        undo->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, 60000);
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
        QCOMPARE(test::sqlScalar(QStringLiteral("win_srv"), QStringLiteral("select count(*) from t")), QStringLiteral("10"));

        // Download to this computer: every byte equal.
        const QString desktopFolder = m_home.filePath(QStringLiteral("desktop copies"));
        QVERIFY(QDir().mkpath(desktopFolder));
        window.transfers()->startCopyToDesktop(QStringLiteral("from_window"), desktopFolder);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 4, 60000);
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
        QCOMPARE(test::treeContents(desktopFolder + QStringLiteral("/from_window")), test::treeContents(m_serverRepository + QStringLiteral("/from_window")));

        // Upload it back under the same name: refused while the server has it; after a delete there, every byte.
        window.transfers()->startUpload(desktopFolder + QStringLiteral("/from_window"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 5, 60000);
        QVERIFY(!finished.last().at(0).toBool());
        QVERIFY2(finished.last().at(1).toString().contains(QStringLiteral("already")), qPrintable(finished.last().at(1).toString()));
        const QMap<QString, QByteArray> original = test::treeContents(m_serverRepository + QStringLiteral("/from_window"));

        // Delete on the server.
        QTRY_COMPARE_WITH_TIMEOUT(window.backupModel()->rowCount(), 1, 20000);
        window.backupTable()->selectRow(0);
        answerNextBox(QMessageBox::DestructiveRole);
        window.findChild<QAction*>(QStringLiteral("actionDelete"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 6, 60000);
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
        QVERIFY(!QFileInfo::exists(m_serverRepository + QStringLiteral("/from_window")));
        QTRY_COMPARE_WITH_TIMEOUT(window.backupModel()->rowCount(), 0, 20000);

        window.transfers()->startUpload(desktopFolder + QStringLiteral("/from_window"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 7, 60000);
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
        QCOMPARE(test::treeContents(m_serverRepository + QStringLiteral("/from_window")), original);
        QTRY_COMPARE_WITH_TIMEOUT(window.backupModel()->rowCount(), 1, 20000);
    }

    // Cancel in the window reaches the server: its coffre-cli and pg_dump end, nothing is left there.
    // History… reads the server's audit log over ssh; Profile › Schedule… installs the server's
    // timer (its fixture has no systemd user manager: the command to finish is shown) and the
    // status bar then says the server's schedule.
    void historyAndScheduleOfAServer()
    {
        MainWindow window(desktopProfiles());
        QSignalSpy shown(&window, &MainWindow::catalogShown);
        window.selectProfile(QStringLiteral("prod"));
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), 20000);
        window.findChild<QAction*>(QStringLiteral("actionHistory"))->trigger();
        auto* history = window.findChild<HistoryDialog*>();
        QVERIFY(history);
        QSignalSpy loaded(history, &HistoryDialog::loaded);
        QVERIFY(loaded.wait(20000));
        QStringList actions;
        for (int row = 0; row < history->table()->model()->rowCount(); ++row)
            actions << history->table()->model()->index(row, HistoryDialog::ActionColumn).data(Qt::UserRole).toString();
        for (const char* action : {"create", "restore", "undo", "delete"})
            QVERIFY2(actions.contains(QLatin1String(action)), qPrintable(actions.join(u' ')));
        history->close();

        QString todo;
        QTimer::singleShot(0, [&todo] {
            auto* dialog = qobject_cast<ScheduleDialog*>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            dialog->findChild<QRadioButton*>(QStringLiteral("schedule_daily"))->setChecked(true);
            dialog->findChild<QTimeEdit*>(QStringLiteral("dailyAt"))->setTime(QTime(5, 45));
            dialog->accept();
            // Then the server's answer: what is left to run there.
            QTimer::singleShot(0, [&todo] { answerWhenShown(&todo); });
        });
        shown.clear();
        window.findChild<QAction*>(QStringLiteral("actionSchedule"))->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), 30000);
        QVERIFY2(todo.contains(QStringLiteral("systemctl --user enable --now coffre-winweb.timer")), qPrintable(todo));
        QVERIFY(QFileInfo::exists(m_sshBase + QStringLiteral("/server/config/systemd/user/coffre-winweb.timer")));
        const auto* status = window.findChild<ScheduleStatus*>(QStringLiteral("scheduleStatus"));
        QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(QStringLiteral("Scheduled daily at 05:45")), 20000);
        QVERIFY(!desktopProfiles().load(QStringLiteral("prod"))->schedule.isSet()); // the server keeps it, not this desktop
    }

    void cancelStopsTheServersJob()
    {
        QVERIFY(test::recreateDatabase(QStringLiteral("win_big")));
        QVERIFY(test::execSql(QStringLiteral("win_big"),
                              {QStringLiteral("create table blobs as select repeat(md5(i::text), 60) body from generate_series(1, 600000) i")}));
        Profile big;
        big.name = QStringLiteral("winbig");
        big.database = test::fixtureDatabase(QStringLiteral("win_big"));
        big.repository = m_serverRepository;
        QVERIFY(ProfileStore(m_sshBase + QStringLiteral("/server/config/coffre/profiles")).save(big));
        Profile desktop = *desktopProfiles().load(QStringLiteral("prod"));
        desktop.name = QStringLiteral("prodbig");
        desktop.server.remoteProfile = QStringLiteral("winbig");
        QVERIFY(desktopProfiles().save(desktop));

        MainWindow window(desktopProfiles());
        QSignalSpy shown(&window, &MainWindow::catalogShown);
        QSignalSpy finished(&window, &MainWindow::jobFinished);
        window.selectProfile(QStringLiteral("prodbig"));
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), 20000);
        const int before = window.backupModel()->rowCount();
        BackupRequest request;
        request.profile = desktop;
        request.name = QStringLiteral("canceled_in_window");
        request.includeSources = false;
        window.startBackup(request);
        QTRY_VERIFY_WITH_TIMEOUT(test::processRunning(QStringLiteral("pg_dump.*win_big")), 20000);
        auto* cancel = window.jobsPanel()->findChild<QPushButton*>(QStringLiteral("jobCancel"));
        QVERIFY(cancel && cancel->isEnabled());
        cancel->click();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        QVERIFY(!finished.first().at(0).toBool());
        QTRY_VERIFY_WITH_TIMEOUT(!test::processRunning(QStringLiteral("coffre-cli.*canceled_in_window")), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!test::processRunning(QStringLiteral("pg_dump.*win_big")), 10000);
        const QStringList left = QDir(m_serverRepository).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
        QVERIFY2(std::none_of(left.begin(), left.end(), [](const QString& e) { return e.contains(QStringLiteral("canceled_in_window")); }),
                 qPrintable(left.join(u' ')));
        QCOMPARE(window.backupModel()->rowCount(), before);
    }

    void anUnreachableServerIsSaidInTheList()
    {
        Profile away = *desktopProfiles().load(QStringLiteral("prod"));
        away.name = QStringLiteral("away");
        away.server.port = 1; // nothing listens there
        away.server.configFile.clear();
        away.server.host = QStringLiteral("root@127.0.0.1");
        QVERIFY(desktopProfiles().save(away));
        MainWindow window(desktopProfiles());
        QSignalSpy shown(&window, &MainWindow::catalogShown);
        window.selectProfile(QStringLiteral("away"));
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), 30000);
        auto* empty = window.findChild<QLabel*>(QStringLiteral("emptyStateLabel"));
        QVERIFY2(empty->text().contains(QStringLiteral("Cannot reach")), qPrintable(empty->text()));
    }
};

QTEST_MAIN(TestMainWindowServer)
#include "tst_mainwindow_server.moc"
