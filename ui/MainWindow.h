#pragma once

#include "catalog/CatalogWatcher.h"
#include "jobs/BackupJob.h"
#include "jobs/RestoreJob.h"
#include "profile/ProfileStore.h"
#include "site/BackupSite.h"

#include <QSet>
#include <QMainWindow>

#include <optional>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QStackedWidget;
class QTableView;

namespace coffre {

class BackupFilterProxy;
class BackupTransfers;
class BrowseDialog;
class BackupTableModel;
class JobLauncher;
class JobRow;
class JobsPanel;
class OffsiteCopies;
class RepositoryStatusBar;
class RetentionDialog;
class RunNotifications;
class ScheduleStatus;

// The window: a profile selector, the backups of its repository, and the actions on them.
// It starts core jobs and shows their results; it does no I/O of its own.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(ProfileStore profiles = ProfileStore(), QWidget* parent = nullptr);
    ~MainWindow() override;

    QString currentProfileName() const;
    // False when no profile has that name (the selection stays as it was).
    bool selectProfile(const QString& name);

    BackupTableModel* backupModel() const { return m_model; }
    BackupFilterProxy* backupProxy() const { return m_proxy; }
    QTableView* backupTable() const { return m_table; }
    CatalogWatcher* catalog() { return &m_catalog; }
    JobsPanel* jobsPanel() const { return m_jobs; }

    // Starts a backup of the current profile with the session's or the keychain's password.
    // The Create dialog ends here; tests and the GUI benchmark call it directly.
    void startBackup(BackupRequest request);
    // Opens a dialog without waiting for it (for --screenshot-dialog): "create", "restore" (newest
    // backup, OUI typed), "browse", "history", "schedule", "retention", "profile", "profile-offsite",
    // or "undo" (the confirmation of Undo last restore, opened modally once this returns).
    void showDialogForScreenshot(const QString& name);
    // The Restore dialog ends here.
    void startRestore(RestoreRequest request);
    // Download… and Import…: what they start once the file or folder is chosen.
    BackupTransfers* transfers() const { return m_transfers; }
    OffsiteCopies* offsiteCopies() const { return m_offsite; }
    // Opens the selected backup's Browse dialog (not modal); null when the selection is not one complete backup.
    BrowseDialog* showBrowseDialog();

signals:
    // After each scan of the repository has reached the list (tests and --screenshot wait on it).
    void catalogShown();
    // A job of the jobs panel ended: what it says in the panel.
    void jobFinished(bool ok, const QString& message);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    void createMenus();
    void createToolBar();
    QWidget* createCentralArea();
    void reloadProfiles(const QString& select);
    void onProfileChosen();
    void onScanned(const RepositoryScan& scan);
    void onScanFailed(const Error& error);
    void newProfile();
    void editProfile();
    void deleteProfile();
    bool runProfileDialog(const Profile& profile, bool isNew);
    void updateEmptyState();
    void updateActions();
    void showAbout();
    void showHistory();
    void editSchedule();
    void showCreateDialog();
    void showRestoreDialog();
    void showRestoreDialogFor(const Backup& backup);
    void deleteSelected();
    void downloadSelected();
    // The list: this repository's backups and the off-site copies, one row per name.
    void showBackups();
    void showContextMenu(const QPoint& position);
    void copySelectedOffsite();
    void fetchSelected();
    void deleteSelectedOffsite();
    void cleanUpOldBackups();
    void cleanUpOldOffsiteCopies();
    void keepRetentionRules(const Profile& profile, RetentionRules Profile::*rules, const RetentionDialog& dialog);
    bool can(BackupSite::Feature feature) const;
    QList<Backup> selectedBackups() const;
    void undoLastRestore();
    void cleanUpRestoreCopies();
    void recoverInterruptedRestore();
    const Backup* selectedBackup() const;
    Result<Profile> currentProfile() const;

    ProfileStore m_profiles;
    CatalogWatcher m_catalog;
    std::shared_ptr<const BackupSite> m_site; // where the current profile's backups are and its jobs run
    Profile m_target;                         // that profile as the jobs see it there (a server's own)
    QString m_repositoryShown;                // "/srv/backups on deploy@web1"
    JobLauncher* m_launcher = nullptr;
    BackupTransfers* m_transfers = nullptr;
    OffsiteCopies* m_offsite = nullptr;
    QList<Backup> m_localBackups; // from the last scan of the repository
    bool m_closeWhenIdle = false;
    std::optional<RestoreJournal> m_lastRestore; // what Undo would put back, from the last scan
    QSet<QString> m_recoveryTried; // profiles whose interrupted restore was tried this session
    QString m_catalogError;

    BackupTableModel* m_model;
    BackupFilterProxy* m_proxy;
    QTableView* m_table = nullptr;
    QStackedWidget* m_stack = nullptr;
    QLabel* m_emptyLabel = nullptr;
    QComboBox* m_profileBox = nullptr;
    QLineEdit* m_filter = nullptr;
    QComboBox* m_placeBox = nullptr; // every place, here, off-site: shown with off-site copies
    QAction* m_placeBoxAction = nullptr;
    RepositoryStatusBar* m_statusInfo = nullptr;
    ScheduleStatus* m_scheduleStatus = nullptr;
    RunNotifications* m_notifications = nullptr;
    JobsPanel* m_jobs = nullptr;

    QAction* m_createAction = nullptr;
    QAction* m_restoreAction = nullptr;
    QAction* m_deleteAction = nullptr;
    QAction* m_downloadAction = nullptr;
    QAction* m_browseAction = nullptr;
    QAction* m_importAction = nullptr;
    QAction* m_refreshAction = nullptr;
    QAction* m_newProfileAction = nullptr;
    QAction* m_editProfileAction = nullptr;
    QAction* m_filterAction = nullptr;
    QAction* m_quitAction = nullptr;
    QAction* m_undoRestoreAction = nullptr;
    QAction* m_cleanupRestoreAction = nullptr;
    QAction* m_deleteProfileAction = nullptr;
    QAction* m_copyOffsiteAction = nullptr;
    QAction* m_fetchAction = nullptr;
    QAction* m_deleteOffsiteAction = nullptr;
    QAction* m_offsiteRetentionAction = nullptr;
    QAction* m_retentionAction = nullptr;
    QAction* m_historyAction = nullptr;
    QAction* m_scheduleAction = nullptr;
};

} // namespace coffre
