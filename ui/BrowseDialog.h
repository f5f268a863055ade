#pragma once

#include "browse/DumpContents.h"
#include "browse/FileTree.h"
#include "browse/TreeComparison.h"
#include "catalog/Backup.h"
#include "jobs/JobControl.h"
#include "site/BackupBrowser.h"

#include <QDialog>
#include <QFutureWatcher>

#include <functional>
#include <memory>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTableWidget;
class QTimer;
class QTreeView;
class QTreeWidget;

namespace coffre {

class FileTreeModel;

// Inside one backup, without restoring it: its files (tree, filter, preview, extract, compare
// with the folders as they are now), its database objects, and everything its manifest says.
// All reading happens on workers; the dialog only shows results as they come.
class BrowseDialog : public QDialog
{
    Q_OBJECT

public:
    // `browser` reads the backup where it is (this computer, or a server).
    BrowseDialog(std::shared_ptr<const BackupBrowser> browser, const Backup& backup, QWidget* parent = nullptr);
    ~BrowseDialog() override;

    FileTreeModel* fileModel() const { return m_model; }
    QTreeView* fileView() const { return m_tree; }
    // Extracts to `folder` without asking (the Extract button asks for the folder, then comes here).
    void extractTo(const QStringList& paths, const QString& folder);
    void compareWithCurrent();
    QStringList selectedPaths() const;
    // Selects (and so previews) the first file of the first source: for screenshots and tests.
    void selectFirstFile();

signals:
    void filesLoaded(bool ok);
    void databaseLoaded(bool ok);
    void previewShown(const QString& path);
    void extractFinished(bool ok, const QString& message);
    void compareFinished(bool ok);

private:
    QWidget* createFilesTab();
    QWidget* createDatabaseTab();
    QWidget* createDetailsTab();
    QWidget* createChangesTab();
    void loadFiles();
    void loadDatabase();
    void applyFilter();
    void showPreview();
    void chooseExtractFolder();
    void showChanges(const TreeChanges& changes);
    void updateButtons();
    // Runs `work` on a worker and `done` back here, unless the dialog is gone by then.
    template<typename T>
    void inBackground(std::function<T(JobControl&)> work, std::function<void(const T&)> done);

    std::shared_ptr<const BackupBrowser> m_browser;
    Backup m_backup;
    std::shared_ptr<JobControl> m_control; // canceled when the dialog closes
    int m_previewGeneration = 0;
    bool m_busy = false;

    QTabWidget* m_tabs = nullptr;
    FileTreeModel* m_model = nullptr;
    QTreeView* m_tree = nullptr;
    QLineEdit* m_filter = nullptr;
    QTimer* m_filterDelay = nullptr;
    QLabel* m_filesStatus = nullptr;
    QPlainTextEdit* m_preview = nullptr;
    QPushButton* m_extractButton = nullptr;
    QPushButton* m_compareButton = nullptr;
    QTableWidget* m_database = nullptr;
    QLabel* m_databaseStatus = nullptr;
    QTreeWidget* m_changes = nullptr;
    QLabel* m_changesStatus = nullptr;
    QWidget* m_changesTab = nullptr;
};

} // namespace coffre
