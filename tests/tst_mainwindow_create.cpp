#include "CleanupDialog.h"
#include "CreateDialog.h"
#include "JobsPanel.h"
#include "MainWindow.h"
#include "BackupTableModel.h"
#include "PgFixture.h"
#include "ProfileDialog.h"
#include "RestoreDialog.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>
#include <QThreadPool>
#include <QTimer>

using namespace coffre;

// Create, driven through the real window: the action, the dialog, the jobs panel, the list.
class TestMainWindowCreate : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;

    ProfileStore store() const { return ProfileStore(m_home.filePath(QStringLiteral("profiles"))); }

    Profile makeProfile(const QString& name, int portOffset = 0)
    {
        Profile profile;
        profile.name = name;
        profile.database = test::fixtureDatabase(QStringLiteral("window_src"));
        profile.database.port += portOffset;
        const QString source = m_home.filePath(QStringLiteral("app/backend"));
        QDir().mkpath(source + QStringLiteral("/node_modules"));
        QFile file(source + QStringLiteral("/package.json"));
        file.open(QIODevice::WriteOnly);
        file.write("{}\n");
        profile.sources = {{QStringLiteral("backend"), source}};
        profile.repository = m_home.filePath(QStringLiteral("backups-") + name);
        return profile;
    }

    // Answers the Create dialog once it is open: a note, then Create.
    static void acceptCreateDialog(const QString& note)
    {
        QTimer::singleShot(0, [note] {
            auto* dialog = qobject_cast<CreateDialog*>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            dialog->findChild<QLineEdit*>(QStringLiteral("noteEdit"))->setText(note);
            dialog->accept();
        });
    }

private slots:
    void initTestCase()
    {
        if (!test::hasFixture())
            QSKIP("PGHOST is not set: run through ctest, which starts the PostgreSQL fixture");
        QVERIFY(test::recreateDatabase(QStringLiteral("window_src")));
        QVERIFY(test::execSql(QStringLiteral("window_src"),
                              {QStringLiteral("create table t (id int)"),
                               QStringLiteral("insert into t select generate_series(1, 1000)")}));
        QVERIFY(store().save(makeProfile(QStringLiteral("shop"))).ok());
        QVERIFY(store().save(makeProfile(QStringLiteral("down"), 1)).ok());
    }

    void createFromTheWindowAppearsInTheList()
    {
        MainWindow window(store());
        window.selectProfile(QStringLiteral("shop"));
        QSignalSpy shown(&window, &MainWindow::catalogShown);
        QSignalSpy finished(&window, &MainWindow::jobFinished);
        window.show();
        QTRY_VERIFY(!shown.isEmpty());
        QCOMPARE(window.backupModel()->rowCount(), 0);

        QAction* create = window.findChild<QAction*>(QStringLiteral("actionCreate"));
        QVERIFY(create->isEnabled());
        acceptCreateDialog(QStringLiteral("from the window"));
        create->trigger();
        QVERIFY(!create->isEnabled()); // one backup at a time
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QTRY_COMPARE_WITH_TIMEOUT(window.backupModel()->rowCount(), 1, 5000);
        const Backup& backup = window.backupModel()->backupAt(0);
        QCOMPARE(backup.status, BackupStatus::Complete);
        QCOMPARE(backup.manifest->note, QStringLiteral("from the window"));
        QVERIFY(create->isEnabled());
        const auto* status = window.jobsPanel()->findChild<QLabel*>(QStringLiteral("jobStatus"));
        QVERIFY2(status->text().contains(backup.name), qPrintable(status->text()));
    }

    void failureShowsTheReasonAndTheLog()
    {
        MainWindow window(store());
        window.selectProfile(QStringLiteral("down"));
        QSignalSpy finished(&window, &MainWindow::jobFinished);
        window.show();
        acceptCreateDialog(QString());
        window.findChild<QAction*>(QStringLiteral("actionCreate"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        QVERIFY(!finished.first().at(0).toBool());
        const auto* status = window.jobsPanel()->findChild<QLabel*>(QStringLiteral("jobStatus"));
        QVERIFY2(status->text().startsWith(QStringLiteral("No PostgreSQL server answers")), qPrintable(status->text()));
        QVERIFY(window.jobsPanel()->findChild<QPushButton*>(QStringLiteral("jobLog"))->isVisible());
        QCOMPARE(QDir(m_home.filePath(QStringLiteral("backups-down"))).entryList(QDir::Dirs | QDir::NoDotAndDotDot), QStringList());
    }

    void profileDialogTestsTheConnection()
    {
        Profile profile = makeProfile(QStringLiteral("dialog"));
        profile.database = test::fixtureDatabase(QStringLiteral("window_src"), QStringLiteral("coffre_pw"));
        ProfileDialog dialog(profile, false);
        dialog.show();
        QSignalSpy tested(&dialog, &ProfileDialog::connectionTested);
        auto* password = dialog.findChild<QLineEdit*>(QStringLiteral("passwordEdit"));
        auto* button = dialog.findChild<QPushButton*>(QStringLiteral("testConnectionButton"));
        auto* result = dialog.findChild<QLabel*>(QStringLiteral("testResultLabel"));

        QTest::keyClicks(password, QStringLiteral("wrong"));
        QTest::mouseClick(button, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(tested.size(), 1, 15000);
        QVERIFY(!tested.last().at(0).toBool());
        QVERIFY2(result->text().startsWith(QStringLiteral("Wrong password for user “coffre_pw”")), qPrintable(result->text()));

        password->clear();
        QTest::keyClicks(password, QStringLiteral("right-secret"));
        QTest::mouseClick(button, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(tested.size(), 2, 15000);
        QVERIFY2(tested.last().at(0).toBool(), qPrintable(result->text()));
        QVERIFY2(result->text().startsWith(QStringLiteral("Connected: PostgreSQL 15.")), qPrintable(result->text()));
        // The password stays out of the profile.
        QVERIFY(!ProfileStore::toJson(dialog.profile()).contains(QStringLiteral("password")));
        QCOMPARE(dialog.password(), QStringLiteral("right-secret"));
    }

    void restoreDialogWaitsForOui()
    {
        MainWindow window(store());
        window.selectProfile(QStringLiteral("shop"));
        QSignalSpy shown(&window, &MainWindow::catalogShown);
        window.show();
        QTRY_VERIFY(!shown.isEmpty());
        QTRY_VERIFY(window.backupModel()->rowCount() > 0); // from createFromTheWindowAppearsInTheList
        const Backup backup = window.backupModel()->backupAt(0);

        // A setting made since the backup: the summary says it goes.
        QVERIFY(test::execSql(QStringLiteral("window_src"),
                              {QStringLiteral("alter database window_src set work_mem = '3MB'")}));
        const auto reset = qScopeGuard([] {
            test::execSql(QStringLiteral("window_src"), {QStringLiteral("alter database window_src reset work_mem")});
        });
        const Profile shop = makeProfile(QStringLiteral("shop"));
        RestoreDialog dialog(BackupSite::forProfile(shop), shop, backup, QString());
        dialog.show();
        auto* confirm = dialog.findChild<QLineEdit*>(QStringLiteral("confirmEdit"));
        auto* restore = dialog.findChild<QPushButton*>(QStringLiteral("restoreButton"));
        QVERIFY(!restore->isEnabled());
        for (const QString& wrong : {QStringLiteral("oui"), QStringLiteral("Oui"), QStringLiteral("OUI "), QStringLiteral("yes")}) {
            confirm->clear();
            QTest::keyClicks(confirm, wrong);
            QVERIFY2(!restore->isEnabled(), qPrintable(wrong));
            QTest::keyClick(confirm, Qt::Key_Return); // neither restores nor silently cancels
            QVERIFY2(dialog.isVisible() && dialog.result() == 0, qPrintable(wrong));
        }
        confirm->clear();
        QTest::keyClicks(confirm, QStringLiteral("OUI"));
        QVERIFY(restore->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(dialog.isSummaryLoaded(), 60000);
        // The dialog grew to show the whole summary, which came after it was sized (clipped in French).
        auto* summary = dialog.findChild<QLabel*>(QStringLiteral("summaryLabel"));
        // (Qt grows a window to at most 2/3 of the screen: the small offscreen one can be the limit.)
        const int cap = dialog.screen()->availableGeometry().height() * 2 / 3;
        QTRY_VERIFY2(summary->height() >= summary->heightForWidth(summary->width()) || dialog.height() >= cap - 1,
                     qPrintable(QStringLiteral("%1 < %2, dialog %3 of %4")
                                    .arg(summary->height())
                                    .arg(summary->heightForWidth(summary->width()))
                                    .arg(dialog.height())
                                    .arg(cap)));
        QVERIFY2(dialog.findChild<QLabel*>(QStringLiteral("summaryLabel"))->text().contains(QStringLiteral("window_src")),
                 qPrintable(dialog.findChild<QLabel*>(QStringLiteral("summaryLabel"))->text()));
        QVERIFY2(dialog.findChild<QLabel*>(QStringLiteral("summaryLabel"))
                     ->text()
                     .contains(QStringLiteral("Kept from the current folder (not in backups): node_modules, .next, dist, *.log, .env.local")),
                 qPrintable(dialog.findChild<QLabel*>(QStringLiteral("summaryLabel"))->text()));
        QVERIFY2(
            dialog.findChild<QLabel*>(QStringLiteral("summaryLabel"))
                ->text()
                .contains(QStringLiteral("Database settings that will change: work_mem (now: 3MB → backup: (none))")),
            qPrintable(dialog.findChild<QLabel*>(QStringLiteral("summaryLabel"))->text()));

        // Nothing chosen: OUI wakes nothing, and the summary, measured again, no longer names the database.
        dialog.findChild<QCheckBox*>(QStringLiteral("databaseCheck"))->setChecked(false);
        dialog.findChild<QCheckBox*>(QStringLiteral("sourceCheck_backend"))->setChecked(false);
        QVERIFY(!restore->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.findChild<QLabel*>(QStringLiteral("summaryLabel"))->text().contains(QStringLiteral("window_src")), 60000);
        QTest::keyClick(confirm, Qt::Key_Return);
        QVERIFY(dialog.isVisible());

        // Something chosen and OUI typed: Enter restores, as the button does.
        dialog.findChild<QCheckBox*>(QStringLiteral("databaseCheck"))->setChecked(true);
        QVERIFY(restore->isEnabled());
        QTest::keyClick(confirm, Qt::Key_Return);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QVERIFY(!dialog.isVisible());
    }

    void restoreFromTheWindowThenUndo()
    {
        MainWindow window(store());
        window.selectProfile(QStringLiteral("shop"));
        QSignalSpy shown(&window, &MainWindow::catalogShown);
        QSignalSpy finished(&window, &MainWindow::jobFinished);
        window.show();
        QTRY_VERIFY(window.backupModel()->rowCount() > 0);
        QVERIFY(test::execSql(QStringLiteral("window_src"), {QStringLiteral("delete from t where id > 10")}));
        QAction* restore = window.findChild<QAction*>(QStringLiteral("actionRestore"));
        QVERIFY(!restore->isEnabled()); // nothing selected
        window.backupTable()->selectRow(0);
        QVERIFY(restore->isEnabled());

        QTimer::singleShot(0, [] {
            auto* dialog = qobject_cast<RestoreDialog*>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            // A wrong word first: the dialog cannot be accepted with it.
            QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("confirmEdit")), QStringLiteral("OUI"));
            QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("restoreButton")), Qt::LeftButton);
        });
        restore->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QCOMPARE(test::sqlScalar(QStringLiteral("window_src"), QStringLiteral("select count(*) from t")), QStringLiteral("1000"));

        QAction* undo = window.findChild<QAction*>(QStringLiteral("actionUndoRestore"));
        QTRY_VERIFY_WITH_TIMEOUT(undo->isEnabled(), 5000);
        // The restore's row offers Undo, and the confirmation names what it undoes.
        auto* undoInRow = window.jobsPanel()->findChild<QPushButton*>(QStringLiteral("jobFollowUp"));
        QVERIFY(undoInRow);
        QString asked;
        QTimer::singleShot(0, [&asked] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            QVERIFY(box);
            asked = box->text();
            for (QAbstractButton* button : box->buttons()) {
                if (box->buttonRole(button) == QMessageBox::AcceptRole)
                    button->click();
            }
        });
        QTest::mouseClick(undoInRow, Qt::LeftButton);
        QVERIFY2(asked.contains(QStringLiteral("Undo the restore of ")) && asked.contains(QStringLiteral("the database window_src")),
                 qPrintable(asked));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 30000);
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
        QCOMPARE(test::sqlScalar(QStringLiteral("window_src"), QStringLiteral("select count(*) from t")), QStringLiteral("10"));
        QTRY_VERIFY_WITH_TIMEOUT(!undo->isEnabled(), 5000);
        // Undone: the restore's row no longer offers it.
        QTRY_VERIFY(window.jobsPanel()->findChildren<QPushButton*>(QStringLiteral("jobFollowUp")).isEmpty());
    }

    // The copies a restore kept, listed with their sizes, then removed by a job of the panel.
    void cleanupRemovesTheCopiesOfTheLastRestore()
    {
        MainWindow window(store());
        window.selectProfile(QStringLiteral("shop"));
        QSignalSpy finished(&window, &MainWindow::jobFinished);
        window.resize(1100, 600);
        window.show();
        QTRY_VERIFY(window.backupModel()->rowCount() > 0);
        const Profile profile = store().load(QStringLiteral("shop")).value();
        RestoreRequest request;
        request.profile = profile;
        request.backup = window.backupModel()->backupAt(0);
        request.sources = {QStringLiteral("backend")};
        window.startRestore(request);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        // For a look at the finished restore's row and its Undo button.
        window.jobsPanel()->grab().save(QDir::temp().filePath(QStringLiteral("coffre-jobs-restore.png")));

        const QFileInfo source(profile.sources.first().path);
        const QStringList kept =
            QDir(source.path()).entryList({source.fileName() + QStringLiteral(".before_restore_*")}, QDir::Dirs);
        QCOMPARE(kept.size(), 1);
        const QString keptFolder = source.path() + u'/' + kept.first();
        const QString keptDatabase = QStringLiteral("window_src_before_restore_") + kept.first().section(QStringLiteral("before_restore_"), 1);
        const QString countKept = QStringLiteral("select count(*) from pg_database where datname = '%1'").arg(keptDatabase);
        QCOMPARE(test::sqlScalar(QStringLiteral("window_src"), countKept), QStringLiteral("1"));

        QAction* cleanup = window.findChild<QAction*>(QStringLiteral("actionCleanupRestore"));
        QTRY_VERIFY(cleanup->isEnabled());
        QStringList listed;
        for (const bool confirm : {false, true}) { // Cancel first: nothing goes
            QTimer::singleShot(0, [&listed, confirm] {
                auto* dialog = qobject_cast<CleanupDialog*>(QApplication::activeModalWidget());
                QVERIFY(dialog);
                QTRY_VERIFY_WITH_TIMEOUT(dialog->isLoaded(), 15000);
                listed.clear();
                auto* list = dialog->findChild<QTreeWidget*>(QStringLiteral("cleanupList"));
                for (int i = 0; i < list->topLevelItemCount(); ++i)
                    listed << list->topLevelItem(i)->text(0) + QStringLiteral(" | ") + list->topLevelItem(i)->text(2);
                if (confirm)
                    QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("cleanupRemoveButton")), Qt::LeftButton);
                else
                    dialog->reject();
            });
            cleanup->trigger();
            if (!confirm)
                QVERIFY(QFileInfo::exists(keptFolder));
        }
        QCOMPARE(listed.size(), 2);
        QVERIFY2(listed.filter(keptFolder + QStringLiteral(" | ")).size() == 1, qPrintable(listed.join(u'\n')));
        QVERIFY2(listed.filter(keptDatabase + QStringLiteral(" | ")).size() == 1, qPrintable(listed.join(u'\n')));
        QVERIFY2(listed.filter(QStringLiteral("unknown")).isEmpty(), qPrintable(listed.join(u'\n'))); // every size measured

        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 30000);
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
        QVERIFY(!QFileInfo::exists(keptFolder));
        QCOMPARE(test::sqlScalar(QStringLiteral("window_src"), countKept), QStringLiteral("0"));
        QVERIFY(QFileInfo(source.filePath()).isDir()); // the live folder stays
        QCOMPARE(test::sqlScalar(QStringLiteral("window_src"), QStringLiteral("select count(*) from t")), QStringLiteral("1000"));
        QTRY_VERIFY_WITH_TIMEOUT(!window.findChild<QAction*>(QStringLiteral("actionUndoRestore"))->isEnabled(), 5000);
        // Two finished rows: "Clear finished" shows.
        // The restore's row no longer offers an Undo that has nothing left to put back.
        QTRY_VERIFY(!window.jobsPanel()->findChild<QPushButton*>(QStringLiteral("jobFollowUp")));
        auto* clear = window.jobsPanel()->findChild<QPushButton*>(QStringLiteral("jobsClearFinished"));
        QVERIFY(clear->isVisible());
        window.jobsPanel()->grab().save(QDir::temp().filePath(QStringLiteral("coffre-jobs-cleanup.png")));
    }

    void cancelFromThePanel()
    {
        QVERIFY(test::recreateDatabase(QStringLiteral("window_big")));
        QVERIFY(test::execSql(QStringLiteral("window_big"),
                              {QStringLiteral("create table blobs (body text)"),
                               QStringLiteral("insert into blobs select repeat(md5(i::text), 40) from generate_series(1, 150000) i")}));
        Profile big = makeProfile(QStringLiteral("big"));
        big.database.dbname = QStringLiteral("window_big");
        QVERIFY(store().save(big).ok());
        MainWindow window(store());
        window.selectProfile(QStringLiteral("big"));
        QSignalSpy finished(&window, &MainWindow::jobFinished);
        window.show();
        BackupRequest request;
        request.profile = big;
        request.plainSql = true;
        window.startBackup(request);
        auto* row = window.jobsPanel()->findChild<JobRow*>();
        QVERIFY(row);
        QTRY_VERIFY_WITH_TIMEOUT(row->control()->bytesDone() > 0 || !finished.isEmpty(), 20000);
        QVERIFY2(finished.isEmpty(), "finished before it could be canceled");
        // Qt's raster paint engine waits on the global pool: a job there froze every repaint.
        QCOMPARE(QThreadPool::globalInstance()->activeThreadCount(), 0);
        QTest::mouseClick(window.jobsPanel()->findChild<QPushButton*>(QStringLiteral("jobCancel")), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
        QCOMPARE(finished.first().at(1).toString(), QStringLiteral("The backup was canceled."));
        QCOMPARE(QDir(big.repository).entryList(QDir::Dirs | QDir::NoDotAndDotDot), QStringList());
    }
};

QTEST_MAIN(TestMainWindowCreate)
#include "tst_mainwindow_create.moc"
