// The real window, offscreen, on a real backup (a real tree and a real dump of the fixture
// cluster): Browse by double click, read a file, extract it, compare, see the database objects;
// then Download as a zip, delete, and Import it back.
#include "PgFixture.h"
#include "TestBundles.h"
#include "BrowseDialog.h"
#include "FileTreeModel.h"
#include "BackupTransfers.h"
#include "MainWindow.h"
#include "BackupTableModel.h"
#include "jobs/BackupJob.h"
#include "jobs/DeleteJob.h"

#include <QAction>
#include <QDir>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QTreeWidget>

using namespace coffre;

class TestMainWindowBrowse : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    Profile m_profile;

    QString path(const QString& relative) const { return QDir(m_dir.path()).filePath(relative); }
    ProfileStore store() const { return ProfileStore(path(QStringLiteral("profiles"))); }
    static QByteArray read(const QString& file)
    {
        QFile f(file);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
    static int rowOf(QTableView* table, const QString& name)
    {
        for (int row = 0; row < table->model()->rowCount(); ++row) {
            if (table->model()->index(row, BackupTableModel::NameColumn).data().toString() == name)
                return row;
        }
        return -1;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(test::recreateDatabase(QStringLiteral("window_browse")));
        QVERIFY(test::execSql(QStringLiteral("window_browse"),
                              {QStringLiteral("create table customers (id serial primary key, name text)"),
                               QStringLiteral("insert into customers (name) select 'c' || g from generate_series(1, 321) g")}));
        test::writeSampleTree(path(QStringLiteral("app")));
        QDir().mkpath(path(QStringLiteral("repo")));
        m_profile.name = QStringLiteral("shop");
        m_profile.database = test::fixtureDatabase(QStringLiteral("window_browse"));
        m_profile.sources = {{QStringLiteral("backend"), path(QStringLiteral("app"))}};
        m_profile.repository = path(QStringLiteral("repo"));
        QVERIFY(store().save(m_profile).ok());
        BackupRequest request;
        request.profile = m_profile;
        request.name = QStringLiteral("b1");
        JobControl control;
        const Result<Backup> backup = BackupJob::run(request, control);
        QVERIFY2(backup, qPrintable(backup.error().toLogString()));
    }

    void browseReadExtractCompare()
    {
        MainWindow window(store());
        QSignalSpy shown(&window, &MainWindow::catalogShown);
        window.show();
        QTRY_VERIFY(!shown.isEmpty());
        QTableView* table = window.backupTable();
        auto* browseAction = window.findChild<QAction*>(QStringLiteral("actionBrowse"));
        QVERIFY(!browseAction->isEnabled()); // nothing selected
        const int row = rowOf(table, QStringLiteral("b1"));
        QVERIFY(row >= 0);
        table->selectRow(row);
        QVERIFY(browseAction->isEnabled());
        QVERIFY(window.findChild<QAction*>(QStringLiteral("actionDownload"))->isEnabled());

        // Double click opens it, as the Browse action does.
        const QRect cell = table->visualRect(table->model()->index(row, BackupTableModel::NameColumn));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
        QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, cell.center());
        BrowseDialog* dialog = nullptr;
        QTRY_VERIFY((dialog = window.findChild<BrowseDialog*>()) != nullptr);
        QSignalSpy loaded(dialog, &BrowseDialog::filesLoaded);
        QSignalSpy database(dialog, &BrowseDialog::databaseLoaded);
        QTRY_COMPARE(loaded.size(), 1);
        QCOMPARE(loaded.first().first().toBool(), true);

        // The tree: the source's folder at the top, open; its files below.
        FileTreeModel* model = dialog->fileModel();
        QCOMPARE(model->rowCount(), 1);
        const QModelIndex backend = model->index(0, 0);
        QCOMPARE(backend.data().toString(), QStringLiteral("backend"));
        QVERIFY(dialog->fileView()->isExpanded(backend));
        QStringList names;
        for (int i = 0; i < model->rowCount(backend); ++i)
            names << model->index(i, 0, backend).data().toString();
        QVERIFY(names.contains(QStringLiteral("src")));
        QVERIFY(names.contains(QStringLiteral(".env")));
        QVERIFY(!names.contains(QStringLiteral("node_modules")));

        // Filter, then choose .env: its text is shown.
        auto* filter = dialog->findChild<QLineEdit*>(QStringLiteral("fileFilter"));
        QTest::keyClicks(filter, QStringLiteral(".env"));
        QTRY_VERIFY(model->filtering());
        QCOMPARE(model->rowCount(), 1);
        QCOMPARE(model->index(0, 0).data().toString(), QStringLiteral("backend/.env"));
        QSignalSpy previewed(dialog, &BrowseDialog::previewShown);
        dialog->fileView()->selectionModel()->select(model->index(0, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QTRY_COMPARE(previewed.size(), 1);
        auto* preview = dialog->findChild<QPlainTextEdit*>(QStringLiteral("previewText"));
        QCOMPARE(preview->toPlainText().toUtf8(), read(path(QStringLiteral("app/.env"))));

        // Extract the selection: the same bytes in the chosen folder.
        QDir().mkpath(path(QStringLiteral("out")));
        QSignalSpy extracted(dialog, &BrowseDialog::extractFinished);
        dialog->extractTo(dialog->selectedPaths(), path(QStringLiteral("out")));
        QTRY_COMPARE(extracted.size(), 1);
        QVERIFY2(extracted.first().first().toBool(), qPrintable(extracted.first().last().toString()));
        QCOMPARE(read(path(QStringLiteral("out/.env"))), read(path(QStringLiteral("app/.env"))));

        // Compare with the folder as it is now: one file added.
        QFile added(path(QStringLiteral("app/src/added.js")));
        QVERIFY(added.open(QIODevice::WriteOnly));
        added.close();
        QSignalSpy compared(dialog, &BrowseDialog::compareFinished);
        QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("compareButton")), Qt::LeftButton);
        QTRY_COMPARE(compared.size(), 1);
        auto* changes = dialog->findChild<QTreeWidget*>(QStringLiteral("changesTree"));
        QCOMPARE(changes->topLevelItem(0)->text(0), QStringLiteral("Added (1)"));
        QCOMPARE(changes->topLevelItem(0)->child(0)->text(0), QStringLiteral("backend/src/added.js"));
        QCOMPARE(changes->topLevelItem(1)->text(0), QStringLiteral("Removed (0)"));
        QVERIFY(QFile::remove(path(QStringLiteral("app/src/added.js"))));

        // Database: the table with the row count of the backup.
        QTRY_COMPARE(database.size(), 1);
        QVERIFY(database.first().first().toBool());
        auto* objects = dialog->findChild<QTableWidget*>(QStringLiteral("databaseTable"));
        bool found = false;
        for (int r = 0; r < objects->rowCount(); ++r) {
            if (objects->item(r, 0)->text() == u"TABLE" && objects->item(r, 2)->text() == u"customers") {
                QCOMPARE(objects->item(r, 3)->data(Qt::DisplayRole).toLongLong(), 321);
                found = true;
            }
        }
        QVERIFY(found);
        QVERIFY(dialog->findChild<QPlainTextEdit*>(QStringLiteral("detailsText"))->toPlainText().contains(QStringLiteral("window_browse")));
        dialog->close();
    }

    void downloadDeleteImport()
    {
        MainWindow window(store());
        QSignalSpy shown(&window, &MainWindow::catalogShown);
        window.show();
        QTRY_VERIFY(!shown.isEmpty());
        const Backup original = window.backupModel()->backupAt(0);
        QCOMPARE(original.name, QStringLiteral("b1"));

        QSignalSpy finished(&window, &MainWindow::jobFinished);
        const QString zip = path(QStringLiteral("b1.zip"));
        window.transfers()->startExport(original, zip, false);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        QVERIFY2(finished.first().first().toBool(), qPrintable(finished.first().last().toString()));
        QVERIFY(QFileInfo(zip).size() > 0);

        JobControl control;
        QVERIFY(DeleteJob::run(m_profile.repository, {QStringLiteral("b1")}, control));
        QTRY_COMPARE(window.backupModel()->rowCount(), 0);

        window.transfers()->startImport(zip);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 30000);
        QVERIFY2(finished.last().first().toBool(), qPrintable(finished.last().last().toString()));
        QTRY_COMPARE(window.backupModel()->rowCount(), 1);
        const Backup back = window.backupModel()->backupAt(0);
        QCOMPARE(back.status, BackupStatus::Complete);
        QCOMPARE(*back.manifest, *original.manifest);
    }
};

QTEST_MAIN(TestMainWindowBrowse)
#include "tst_mainwindow_browse.moc"
