#include "BackupFilterProxy.h"
#include "BackupTableModel.h"
#include "MainWindow.h"
#include "ProfileDialog.h"
#include "catalog/BackupDescription.h"
#include "RepositoryStatusBar.h"
#include "TestBundles.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QMessageBox>
#include <QTimer>
#include <QComboBox>
#include <QDir>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QJsonDocument>

using namespace coffre;

// The real MainWindow, offscreen, over real repository folders.
class TestMainWindow : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;
    QString m_repository;

    ProfileStore store() const { return ProfileStore(m_home.filePath(QStringLiteral("profiles"))); }

    static QStringList visibleNames(const QTableView* table)
    {
        QStringList names;
        for (int row = 0; row < table->model()->rowCount(); ++row)
            names << table->model()->index(row, BackupTableModel::NameColumn).data().toString();
        return names;
    }

    static void clickHeader(QTableView* table, int column)
    {
        QHeaderView* header = table->horizontalHeader();
        const QPoint centre(header->sectionViewportPosition(column) + header->sectionSize(column) / 2, header->height() / 2);
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, centre);
    }

    // Answers the next message box: the button of `role` (or the standard `button`), after checking its text.
    static void answerNextBox(QMessageBox::ButtonRole role, QString* text = nullptr, QMessageBox::StandardButton button = QMessageBox::NoButton)
    {
        QTimer::singleShot(0, [role, text, button] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            QVERIFY(box);
            if (text)
                *text = box->text();
            for (QAbstractButton* candidate : box->buttons()) {
                if (button != QMessageBox::NoButton ? box->standardButton(candidate) == button : box->buttonRole(candidate) == role) {
                    candidate->click();
                    return;
                }
            }
            QFAIL("no such button");
        });
    }

    // The letter after a single '&', lower case; none for "&&".
    static QChar mnemonicOf(const QString& text)
    {
        for (qsizetype i = 0; i + 1 < text.size(); ++i) {
            if (text[i] == u'&') {
                if (text[i + 1] != u'&')
                    return text[i + 1].toLower();
                ++i;
            }
        }
        return {};
    }

private slots:
    void initTestCase()
    {
        m_repository = m_home.filePath(QStringLiteral("backups"));
        QDir().mkpath(m_repository);
        const QDateTime t0(QDate(2026, 11, 1), QTime(2, 0), Qt::UTC);
        const QList<std::pair<const char*, qint64>> bundles{
            {"backup_20261101_020000", 5000}, {"backup_20261102_020000", 200}, {"backup_20261103_020000", 90000}};
        for (int i = 0; i < bundles.size(); ++i) {
            test::BundleSpec spec;
            spec.name = QLatin1String(bundles[i].first);
            spec.dumpBytes = bundles[i].second;
            spec.created = t0.addDays(i);
            test::writeCompleteBundle(m_repository, spec);
        }
        test::writeIncompleteBundle(m_repository, QStringLiteral("backup_20261104_020000"), 10);

        Profile profile;
        profile.name = QStringLiteral("shop");
        profile.sources = {{QStringLiteral("backend"), QStringLiteral("/srv/backend")}};
        profile.repository = m_repository;
        QVERIFY(store().save(profile).ok());
    }

    void listsTheRepositoryNewestFirst()
    {
        MainWindow window(store());
        QSignalSpy shown(&window, &MainWindow::catalogShown);
        window.show();
        QTRY_VERIFY(!shown.isEmpty());
        QCOMPARE(window.currentProfileName(), QStringLiteral("shop"));
        QTableView* table = window.findChild<QTableView*>(QStringLiteral("backupTable"));
        QVERIFY(table->isVisible());
        QCOMPARE(visibleNames(table), QStringList({QStringLiteral("backup_20261104_020000"), QStringLiteral("backup_20261103_020000"),
                                                   QStringLiteral("backup_20261102_020000"), QStringLiteral("backup_20261101_020000")}));
        QCOMPARE(table->model()->index(0, BackupTableModel::StatusColumn).data().toString(), QStringLiteral("Incomplete"));
        const auto* repositoryLabel = window.findChild<QLabel*>(QStringLiteral("repositoryLabel"));
        QCOMPARE(repositoryLabel->text(), m_repository);
        const auto* totalLabel = window.findChild<QLabel*>(QStringLiteral("totalLabel"));
        QVERIFY2(totalLabel->text().startsWith(QStringLiteral("4 backup(s), ")), qPrintable(totalLabel->text()));
        QVERIFY(window.findChild<QLabel*>(QStringLiteral("diskLabel"))->text().contains(QStringLiteral("free")));
    }

    void sortsBySizeAndDateFromTheHeader()
    {
        MainWindow window(store());
        QSignalSpy shown(&window, &MainWindow::catalogShown);
        window.show();
        QTRY_VERIFY(!shown.isEmpty());
        QTableView* table = window.backupTable();

        clickHeader(table, BackupTableModel::SizeColumn);
        const QStringList bySize = visibleNames(table);
        const Qt::SortOrder order = table->horizontalHeader()->sortIndicatorOrder();
        QStringList smallestFirst{QStringLiteral("backup_20261104_020000"), QStringLiteral("backup_20261102_020000"),
                                  QStringLiteral("backup_20261101_020000"), QStringLiteral("backup_20261103_020000")};
        if (order == Qt::DescendingOrder)
            std::reverse(smallestFirst.begin(), smallestFirst.end());
        QCOMPARE(bySize, smallestFirst);
        clickHeader(table, BackupTableModel::SizeColumn);
        std::reverse(smallestFirst.begin(), smallestFirst.end());
        QCOMPARE(visibleNames(table), smallestFirst);

        clickHeader(table, BackupTableModel::DateColumn);
        if (table->horizontalHeader()->sortIndicatorOrder() == Qt::DescendingOrder)
            clickHeader(table, BackupTableModel::DateColumn);
        QCOMPARE(visibleNames(table).first(), QStringLiteral("backup_20261101_020000"));
        QCOMPARE(visibleNames(table).last(), QStringLiteral("backup_20261104_020000"));
    }

    void picksUpAFolderAddedWhileOpen()
    {
        MainWindow window(store());
        QSignalSpy shown(&window, &MainWindow::catalogShown);
        window.show();
        QTRY_VERIFY(!shown.isEmpty());
        QCOMPARE(window.backupModel()->rowCount(), 4);

        test::BundleSpec spec;
        spec.name = QStringLiteral("backup_from_cron");
        spec.created = QDateTime::currentDateTimeUtc();
        const QString dir = test::writeCompleteBundle(m_repository, spec);
        QTRY_COMPARE_WITH_TIMEOUT(window.backupModel()->rowCount(), 5, 5000);
        QCOMPARE(visibleNames(window.backupTable()).first(), QStringLiteral("backup_from_cron"));

        QVERIFY(QDir(dir).removeRecursively());
        QTRY_COMPARE_WITH_TIMEOUT(window.backupModel()->rowCount(), 4, 5000);
    }

    void filterBoxAndEmptyStates()
    {
        MainWindow window(store());
        QSignalSpy shown(&window, &MainWindow::catalogShown);
        window.show();
        QTRY_VERIFY(!shown.isEmpty());
        auto* stack = window.findChild<QStackedWidget*>();
        auto* empty = window.findChild<QLabel*>(QStringLiteral("emptyStateLabel"));

        window.findChild<QAction*>(QStringLiteral("actionFilter"))->trigger();
        QTest::keyClicks(window.findChild<QLineEdit*>(QStringLiteral("filterEdit")), QStringLiteral("1102"));
        QCOMPARE(visibleNames(window.backupTable()), QStringList{QStringLiteral("backup_20261102_020000")});
        QTest::keyClicks(window.findChild<QLineEdit*>(QStringLiteral("filterEdit")), QStringLiteral("zzz"));
        QCOMPARE(stack->currentWidget(), empty);
        QVERIFY(empty->text().contains(QStringLiteral("No backup matches")));
    }

    void deleteAskThenRemoves()
    {
        test::BundleSpec spec;
        spec.name = QStringLiteral("to_delete");
        spec.created = QDateTime::currentDateTimeUtc().addDays(1); // sorts first
        test::writeCompleteBundle(m_repository, spec);
        MainWindow window(store());
        QSignalSpy finished(&window, &MainWindow::jobFinished);
        window.show();
        QTRY_COMPARE(visibleNames(window.backupTable()).value(0), QStringLiteral("to_delete"));
        QAction* remove = window.findChild<QAction*>(QStringLiteral("actionDelete"));
        QVERIFY(!remove->isEnabled());
        window.backupTable()->selectRow(0);
        QVERIFY(remove->isEnabled());
        // First "Cancel": nothing happens; then "Delete".
        for (const bool confirm : {false, true}) {
            QTimer::singleShot(0, [confirm] {
                auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
                QVERIFY(box);
                QVERIFY(box->text().contains(QStringLiteral("to_delete")));
                for (QAbstractButton* button : box->buttons()) {
                    if ((box->buttonRole(button) == QMessageBox::DestructiveRole) == confirm) {
                        button->click();
                        return;
                    }
                }
            });
            remove->trigger();
            if (!confirm)
                QVERIFY(QFileInfo::exists(m_repository + QStringLiteral("/to_delete")));
        }
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        QVERIFY(finished.first().at(0).toBool());
        QVERIFY(!QFileInfo::exists(m_repository + QStringLiteral("/to_delete")));
        QTRY_COMPARE_WITH_TIMEOUT(window.backupModel()->rowCount(), 4, 5000);
    }

    void emptyStatesSayWhatToDo()
    {
        QTemporaryDir otherHome;
        MainWindow noProfile(ProfileStore(otherHome.filePath(QStringLiteral("profiles"))));
        noProfile.show();
        auto* empty = noProfile.findChild<QLabel*>(QStringLiteral("emptyStateLabel"));
        QVERIFY(empty->isVisible());
        QVERIFY(empty->text().contains(QStringLiteral("No profile yet")));
        QVERIFY(!noProfile.findChild<QAction*>(QStringLiteral("actionEditProfile"))->isEnabled());

        const ProfileStore fresh(otherHome.filePath(QStringLiteral("profiles")));
        Profile profile;
        profile.name = QStringLiteral("fresh");
        profile.sources = {{QStringLiteral("app"), QStringLiteral("/srv/app")}};
        profile.repository = otherHome.filePath(QStringLiteral("empty-repo"));
        QDir().mkpath(profile.repository);
        QVERIFY(fresh.save(profile).ok());
        MainWindow noBackups(fresh);
        QSignalSpy shown(&noBackups, &MainWindow::catalogShown);
        noBackups.show();
        QTRY_VERIFY(!shown.isEmpty());
        empty = noBackups.findChild<QLabel*>(QStringLiteral("emptyStateLabel"));
        QVERIFY(empty->isVisible());
        QVERIFY(empty->text().contains(QStringLiteral("No backups yet")));
        QVERIFY(empty->text().contains(QStringLiteral("Profile › Schedule…")));
    }

    void diskWarningFromEightyPercent()
    {
        QStatusBar bar;
        RepositoryStatusBar info(&bar);
        RepositoryScan scan;
        scan.repository = QStringLiteral("/backups");
        scan.disk = {1000000000, 150000000, 85, true};
        info.showScan(scan);
        QVERIFY2(info.diskLabel()->text().startsWith(QStringLiteral("⚠ ")), qPrintable(info.diskLabel()->text()));
        QVERIFY(info.diskLabel()->text().contains(QStringLiteral("85 % used")));
        QVERIFY(info.diskLabel()->toolTip().contains(QStringLiteral("85 % full")));
        QVERIFY(!info.diskLabel()->styleSheet().isEmpty());

        scan.disk = {1000000000, 210000000, 79, true};
        info.showScan(scan);
        QVERIFY(!info.diskLabel()->text().contains(QStringLiteral("⚠")));
        QVERIFY(info.diskLabel()->styleSheet().isEmpty());
    }

    void actionsHaveShortcuts()
    {
        MainWindow window(store());
        for (const char* name : {"actionCreate", "actionRestore", "actionDelete", "actionDownload", "actionBrowse", "actionImport",
                                 "actionRefresh", "actionNewProfile", "actionEditProfile", "actionFilter"}) {
            const auto* action = window.findChild<QAction*>(QLatin1String(name));
            QVERIFY2(action, name);
            QVERIFY2(!action->shortcut().isEmpty(), name);
        }
        QVERIFY(window.findChild<QAction*>(QStringLiteral("actionRefresh"))->isEnabled());
    }

    void deleteProfileKeepsItsBackups()
    {
        Profile old;
        old.name = QStringLiteral("old-shop");
        old.sources = {{QStringLiteral("backend"), QStringLiteral("/srv/old")}};
        old.repository = m_home.filePath(QStringLiteral("old-backups"));
        QDir().mkpath(old.repository);
        test::BundleSpec spec;
        spec.name = QStringLiteral("backup_old");
        const QString bundle = test::writeCompleteBundle(old.repository, spec);
        QVERIFY(store().save(old).ok());

        MainWindow window(store());
        window.show();
        window.selectProfile(old.name);
        QCOMPARE(window.currentProfileName(), old.name);
        QAction* remove = window.findChild<QAction*>(QStringLiteral("actionDeleteProfile"));
        QVERIFY(remove && remove->isEnabled());

        QString asked;
        answerNextBox(QMessageBox::RejectRole, &asked, QMessageBox::Cancel);
        remove->trigger();
        QVERIFY2(asked.contains(QStringLiteral("“old-shop”")) && asked.contains(QStringLiteral("not deleted")) &&
                     asked.contains(old.repository),
                 qPrintable(asked));
        QVERIFY(store().names().contains(old.name));

        answerNextBox(QMessageBox::DestructiveRole);
        remove->trigger();
        QVERIFY(!store().names().contains(old.name));
        QVERIFY(store().names().contains(QStringLiteral("shop")));
        QVERIFY(window.currentProfileName() != old.name);
        QCOMPARE(window.findChild<QComboBox*>(QStringLiteral("profileBox"))->findText(old.name), -1);
        QVERIFY(QFileInfo::exists(bundle + QStringLiteral("/manifest.json")) || QDir(bundle).exists());
    }

    void savingOffersToCreateAMissingBackupFolder()
    {
        Profile profile;
        profile.name = QStringLiteral("new-shop");
        profile.sources = {{QStringLiteral("backend"), QStringLiteral("/srv/backend")}};
        for (const bool create : {false, true}) {
            profile.repository = m_home.filePath(create ? QStringLiteral("made/by/dialog") : QStringLiteral("not-made"));
            ProfileDialog dialog(profile, true);
            dialog.show();
            QString asked;
            answerNextBox(QMessageBox::YesRole, &asked, create ? QMessageBox::Yes : QMessageBox::No);
            dialog.accept();
            QCOMPARE(dialog.result(), int(QDialog::Accepted)); // No keeps the profile as it is
            QVERIFY2(asked.contains(profile.repository), qPrintable(asked));
            QCOMPARE(QFileInfo(profile.repository).isDir(), create);
            if (create) { // 0700
                const QFileDevice::Permissions mode = QFile::permissions(profile.repository);
                QVERIFY(mode.testFlags(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
                QVERIFY(!(mode & (QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                  QFileDevice::WriteOther | QFileDevice::ExeOther)));
            }
        }
        // An existing folder: no question (a box would block this call).
        ProfileDialog dialog(profile, true);
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
    }

    void pastedDatabaseUrlFillsTheFields()
    {
        Profile profile;
        profile.name = QStringLiteral("url-shop");
        profile.repository = m_repository;
        ProfileDialog dialog(profile, true);
        dialog.show();
        auto* url = dialog.findChild<QLineEdit*>(QStringLiteral("urlEdit"));
        QTest::keyClicks(url, QStringLiteral("postgres://ops:p%40ss@[::1]:6543/shop?sslmode=require"));
        QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("fillFromUrlButton")), Qt::LeftButton);
        QCOMPARE(dialog.profile().database.host, QStringLiteral("::1"));
        QCOMPARE(dialog.profile().database.port, 6543);
        QCOMPARE(dialog.profile().database.user, QStringLiteral("ops"));
        QCOMPARE(dialog.profile().database.dbname, QStringLiteral("shop"));
        QCOMPARE(dialog.profile().database.sslmode, QStringLiteral("require"));
        // The password goes where typed passwords go (session or keychain), never into the profile file.
        QCOMPARE(dialog.password(), QStringLiteral("p@ss"));
        QVERIFY(url->text().isEmpty());
        const QString json = QString::fromUtf8(QJsonDocument(ProfileStore::toJson(dialog.profile())).toJson());
        QVERIFY2(!json.contains(QStringLiteral("p@ss")) && !json.contains(QStringLiteral("p%40ss")), qPrintable(json));

        QTest::keyClicks(url, QStringLiteral("mysql://x@y/z"));
        QTest::keyClick(url, Qt::Key_Return);
        QVERIFY(!dialog.findChild<QLabel*>(QStringLiteral("errorLabel"))->text().isEmpty());
        QCOMPARE(dialog.profile().database.dbname, QStringLiteral("shop")); // a refused URL changes nothing
    }

    // A '&' in a label shows as is unless the label has a buddy; two items of one menu on one letter.
    void noLiteralAmpersandsNorSharedMnemonics()
    {
        MainWindow window(store());
        Profile profile;
        profile.repository = m_repository;
        ProfileDialog dialog(profile, true);
        for (QWidget* top : {static_cast<QWidget*>(&window), static_cast<QWidget*>(&dialog)}) {
            for (const QLabel* label : top->findChildren<QLabel*>()) {
                if (label->textFormat() == Qt::RichText || Qt::mightBeRichText(label->text()))
                    continue;
                QVERIFY2(mnemonicOf(label->text()).isNull() || label->buddy(), qPrintable(label->text()));
            }
        }
        for (const QMenu* menu : window.menuBar()->findChildren<QMenu*>()) {
            QSet<QChar> letters;
            for (const QAction* action : menu->actions()) {
                const QChar letter = mnemonicOf(action->text());
                if (letter.isNull())
                    continue;
                QVERIFY2(!letters.contains(letter), qPrintable(menu->title() + QStringLiteral(": ") + action->text()));
                letters.insert(letter);
            }
        }
        // The profile dialog's tabs against the fields of its Database page and its buttons.
        QSet<QChar> letters;
        const QTabWidget* tabs = dialog.findChild<QTabWidget*>();
        for (int i = 0; i < tabs->count(); ++i)
            letters.insert(mnemonicOf(tabs->tabText(i)));
        for (const QLabel* label : tabs->widget(0)->findChildren<QLabel*>()) {
            const QChar letter = mnemonicOf(label->text());
            QVERIFY2(letter.isNull() || !letters.contains(letter), qPrintable(label->text()));
            letters.insert(letter);
        }
        for (const QAbstractButton* button : dialog.findChildren<QAbstractButton*>()) {
            if (!tabs->isAncestorOf(button)) // Save and Cancel
                QVERIFY2(mnemonicOf(button->text()).isNull() || !letters.contains(mnemonicOf(button->text())), qPrintable(button->text()));
        }
    }

    void durationsInTheLocalesFormat()
    {
        auto manifest = std::make_shared<Manifest>();
        manifest->durationMs = 12345;
        Backup backup;
        backup.name = QStringLiteral("b");
        backup.manifest = manifest;
        const QLocale before;
        QLocale::setDefault(QLocale(QLocale::French, QLocale::France));
        const QString text = BackupDescription::text(backup);
        QLocale::setDefault(before);
        QVERIFY2(text.contains(QStringLiteral("12,3 s")), qPrintable(text));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
