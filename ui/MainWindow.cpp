#include "MainWindow.h"

#include "BackupFilterProxy.h"
#include "BackupTableModel.h"
#include "BrowseDialog.h"
#include "CleanupDialog.h"
#include "CreateDialog.h"
#include "HistoryDialog.h"
#include "BackupTransfers.h"
#include "JobLauncher.h"
#include "JobsPanel.h"
#include "OffsiteCopies.h"
#include "OffsiteSettingsWidget.h"
#include "ProfileDialog.h"
#include "ProfileQuestions.h"
#include "RepositoryStatusBar.h"
#include "RestoreDialog.h"
#include "RetentionDialog.h"
#include "RunNotifications.h"
#include "ScheduleDialog.h"
#include "ScheduleStatus.h"
#include "Version.h"
#include "catalog/BackupDescription.h"
#include "notify/BackupWarnings.h"
#include "offsite/OffsiteStore.h"
#include "profile/PasswordVault.h"
#include "retention/Pins.h"
#include "util/Background.h"
#include "util/HumanSize.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace coffre {

namespace {
const QString LastProfileKey = QStringLiteral("window/lastProfile");
const QString GeometryKey = QStringLiteral("window/geometry");
const QString HeaderKey = QStringLiteral("window/tableHeader");
} // namespace

MainWindow::MainWindow(ProfileStore profiles, QWidget* parent)
    : QMainWindow(parent), m_profiles(std::move(profiles)), m_model(new BackupTableModel(this)),
      m_proxy(new BackupFilterProxy(this))
{
    setWindowTitle(tr("Coffre"));
    // Jobs yield the processor to the window and the display server whenever they need it.
    setBackgroundNiceness(10);
    setWindowIcon(QIcon(QStringLiteral(":/icons/coffre.svg")));
    m_proxy->setSourceModel(m_model);

    createActions();
    createMenus();
    createToolBar();
    setCentralWidget(createCentralArea());
    m_statusInfo = new RepositoryStatusBar(statusBar());
    m_scheduleStatus = new ScheduleStatus(statusBar());
    m_notifications = new RunNotifications(this);

    connect(&m_catalog, &CatalogWatcher::scanned, this, &MainWindow::onScanned);
    connect(&m_catalog, &CatalogWatcher::scanFailed, this, &MainWindow::onScanFailed);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &MainWindow::updateActions);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateEmptyState);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateEmptyState);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &MainWindow::updateEmptyState);

    QSettings settings;
    if (!restoreGeometry(settings.value(GeometryKey).toByteArray()))
        resize(980, 560);
    m_table->horizontalHeader()->restoreState(settings.value(HeaderKey).toByteArray());
    reloadProfiles(settings.value(LastProfileKey).toString());
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    auto make = [this](QAction*& action, const QString& name, const QString& text, const QKeySequence& key,
                       const QString& iconName, QStyle::StandardPixmap fallback) {
        action = new QAction(QIcon::fromTheme(iconName, style()->standardIcon(fallback)), text, this);
        action->setObjectName(name);
        action->setShortcut(key);
        action->setToolTip(QStringLiteral("%1 (%2)").arg(QString(text).remove(u'&').remove(u'…'),
                                                          key.toString(QKeySequence::NativeText)));
    };
    make(m_createAction, QStringLiteral("actionCreate"), tr("&Create backup…"), QKeySequence::New,
         QStringLiteral("document-new"), QStyle::SP_FileDialogNewFolder);
    make(m_restoreAction, QStringLiteral("actionRestore"), tr("&Restore…"), QKeySequence(Qt::CTRL | Qt::Key_R),
         QStringLiteral("document-revert"), QStyle::SP_BrowserReload);
    make(m_deleteAction, QStringLiteral("actionDelete"), tr("&Delete…"), QKeySequence::Delete,
         QStringLiteral("edit-delete"), QStyle::SP_TrashIcon);
    make(m_downloadAction, QStringLiteral("actionDownload"), tr("Do&wnload…"), QKeySequence(Qt::CTRL | Qt::Key_S),
         QStringLiteral("document-save-as"), QStyle::SP_DialogSaveButton);
    make(m_browseAction, QStringLiteral("actionBrowse"), tr("&Browse"), QKeySequence(Qt::CTRL | Qt::Key_B),
         QStringLiteral("document-open"), QStyle::SP_DirOpenIcon);
    make(m_importAction, QStringLiteral("actionImport"), tr("&Import…"), QKeySequence(Qt::CTRL | Qt::Key_I),
         QStringLiteral("document-import"), QStyle::SP_DialogOpenButton);
    make(m_refreshAction, QStringLiteral("actionRefresh"), tr("&Refresh"), QKeySequence::Refresh,
         QStringLiteral("view-refresh"), QStyle::SP_BrowserReload);
    make(m_newProfileAction, QStringLiteral("actionNewProfile"), tr("&New profile…"),
         QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N), QStringLiteral("list-add"), QStyle::SP_FileIcon);
    make(m_editProfileAction, QStringLiteral("actionEditProfile"), tr("&Edit profile…"),
         QKeySequence(Qt::CTRL | Qt::Key_Comma), QStringLiteral("document-properties"), QStyle::SP_FileDialogDetailedView);
    make(m_filterAction, QStringLiteral("actionFilter"), tr("&Filter"), QKeySequence::Find,
         QStringLiteral("edit-find"), QStyle::SP_FileDialogContentsView);
    make(m_quitAction, QStringLiteral("actionQuit"), tr("&Quit"), QKeySequence::Quit,
         QStringLiteral("application-exit"), QStyle::SP_DialogCloseButton);

    // Icons only for these in the toolbar (text in menus and tooltips), so that long French labels fit.
    for (QAction* action : {m_browseAction, m_downloadAction, m_deleteAction, m_refreshAction})
        action->setPriority(QAction::LowPriority);
    make(m_undoRestoreAction, QStringLiteral("actionUndoRestore"), tr("&Undo last restore…"),
         QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QStringLiteral("edit-undo"), QStyle::SP_ArrowBack);
    m_cleanupRestoreAction = new QAction(tr("C&lean up before-restore copies…"), this);
    m_cleanupRestoreAction->setObjectName(QStringLiteral("actionCleanupRestore"));
    m_cleanupRestoreAction->setStatusTip(tr("Remove for good what the last restore kept aside, to free space; this ends Undo."));
    make(m_copyOffsiteAction, QStringLiteral("actionCopyOffsite"), tr("Copy &off-site"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_U),
         QStringLiteral("go-up"), QStyle::SP_ArrowUp);
    make(m_fetchAction, QStringLiteral("actionFetch"), tr("&Fetch from off-site"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F),
         QStringLiteral("go-down"), QStyle::SP_ArrowDown);
    make(m_deleteOffsiteAction, QStringLiteral("actionDeleteOffsite"), tr("Delete off-site cop&y…"), QKeySequence(Qt::SHIFT | Qt::Key_Delete),
         QStringLiteral("edit-delete"), QStyle::SP_TrashIcon);
    m_copyOffsiteAction->setStatusTip(tr("Send the selected backup to the off-site storage; every checksum is checked."));
    m_fetchAction->setStatusTip(tr("Bring the selected off-site backup into this computer's backup folder, verified."));
    connect(m_copyOffsiteAction, &QAction::triggered, this, &MainWindow::copySelectedOffsite);
    connect(m_fetchAction, &QAction::triggered, this, &MainWindow::fetchSelected);
    connect(m_deleteOffsiteAction, &QAction::triggered, this, &MainWindow::deleteSelectedOffsite);
    m_retentionAction = new QAction(tr("Clean up &old backups…"), this);
    m_retentionAction->setObjectName(QStringLiteral("actionRetention"));
    m_retentionAction->setStatusTip(tr("Keep the last backups, one a day, a week, a month…: see what would go before anything is deleted."));
    connect(m_retentionAction, &QAction::triggered, this, &MainWindow::cleanUpOldBackups);
    m_offsiteRetentionAction = new QAction(tr("Clean up old off-site &copies…"), this);
    m_offsiteRetentionAction->setObjectName(QStringLiteral("actionOffsiteRetention"));
    m_offsiteRetentionAction->setStatusTip(tr("The off-site copies have their own rules: see what would go before anything is deleted."));
    connect(m_offsiteRetentionAction, &QAction::triggered, this, &MainWindow::cleanUpOldOffsiteCopies);
    make(m_historyAction, QStringLiteral("actionHistory"), tr("&History…"), QKeySequence(Qt::CTRL | Qt::Key_H),
         QStringLiteral("document-open-recent"), QStyle::SP_FileDialogInfoView);
    m_historyAction->setStatusTip(tr("Every create, restore, delete… of this repository, by whom, and how it ended."));
    connect(m_historyAction, &QAction::triggered, this, &MainWindow::showHistory);
    m_scheduleAction = new QAction(tr("&Schedule…"), this);
    m_scheduleAction->setObjectName(QStringLiteral("actionSchedule"));
    m_scheduleAction->setStatusTip(tr("Back up this profile by itself, every day or week, even with the window closed."));
    connect(m_scheduleAction, &QAction::triggered, this, &MainWindow::editSchedule);
    m_deleteProfileAction = new QAction(tr("&Delete profile…"), this);
    m_deleteProfileAction->setObjectName(QStringLiteral("actionDeleteProfile"));
    connect(m_cleanupRestoreAction, &QAction::triggered, this, &MainWindow::cleanUpRestoreCopies);
    connect(m_deleteProfileAction, &QAction::triggered, this, &MainWindow::deleteProfile);
    connect(m_restoreAction, &QAction::triggered, this, &MainWindow::showRestoreDialog);
    connect(m_undoRestoreAction, &QAction::triggered, this, &MainWindow::undoLastRestore);
    connect(m_deleteAction, &QAction::triggered, this, &MainWindow::deleteSelected);
    connect(m_downloadAction, &QAction::triggered, this, &MainWindow::downloadSelected);
    connect(m_importAction, &QAction::triggered, this, [this] { m_transfers->chooseImport(); });
    connect(m_browseAction, &QAction::triggered, this, &MainWindow::showBrowseDialog);
    m_downloadAction->setStatusTip(tr("Save the selected backup as one .zip or .tar file, to hand over or copy elsewhere."));
    m_importAction->setStatusTip(tr("Add a backup saved with Download… to this profile's repository."));
    m_browseAction->setStatusTip(tr("Look inside the selected backup: files, database, details."));
    m_createAction->setStatusTip(tr("Back up the database and the source folders of this profile now."));
    connect(m_createAction, &QAction::triggered, this, &MainWindow::showCreateDialog);

    connect(m_refreshAction, &QAction::triggered, &m_catalog, &CatalogWatcher::refresh);
    connect(m_refreshAction, &QAction::triggered, this, [this] { m_offsite->refresh(); });
    connect(m_newProfileAction, &QAction::triggered, this, &MainWindow::newProfile);
    connect(m_editProfileAction, &QAction::triggered, this, &MainWindow::editProfile);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);
    connect(m_filterAction, &QAction::triggered, this, [this] {
        m_filter->setFocus(Qt::ShortcutFocusReason);
        m_filter->selectAll();
    });
}

void MainWindow::createMenus()
{
    QMenu* backups = menuBar()->addMenu(tr("&Backups"));
    backups->addActions({m_createAction, m_restoreAction, m_undoRestoreAction, m_cleanupRestoreAction, m_browseAction,
                         m_downloadAction, m_importAction, m_deleteAction, m_retentionAction});
    QMenu* offsite = backups->addMenu(tr("Off-&site"));
    offsite->addActions({m_copyOffsiteAction, m_fetchAction, m_deleteOffsiteAction});
    offsite->addSeparator();
    offsite->addAction(m_offsiteRetentionAction);
    backups->addSeparator();
    backups->addAction(m_quitAction);
    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addActions({m_refreshAction, m_filterAction, m_historyAction});
    QMenu* profile = menuBar()->addMenu(tr("&Profile"));
    profile->addActions({m_newProfileAction, m_editProfileAction, m_scheduleAction, m_deleteProfileAction});
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Coffre"), this, &MainWindow::showAbout);
}

void MainWindow::createToolBar()
{
    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_profileBox = new QComboBox;
    m_profileBox->setObjectName(QStringLiteral("profileBox"));
    m_profileBox->setMinimumContentsLength(16);
    m_profileBox->setToolTip(tr("The web application whose backups are shown"));
    connect(m_profileBox, &QComboBox::currentIndexChanged, this, &MainWindow::onProfileChosen);
    auto* profileLabel = new QLabel(tr("Profile:"));
    profileLabel->setBuddy(m_profileBox);
    profileLabel->setContentsMargins(4, 0, 4, 0);
    bar->addWidget(profileLabel);
    bar->addWidget(m_profileBox);
    bar->addSeparator();
    bar->addActions({m_createAction, m_restoreAction, m_browseAction, m_downloadAction, m_deleteAction});
    bar->addSeparator();
    bar->addAction(m_refreshAction);
    auto* spacer = new QWidget;
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    bar->addWidget(spacer);
    m_placeBox = new QComboBox;
    m_placeBox->setObjectName(QStringLiteral("placeBox"));
    m_placeBox->setToolTip(tr("Which copies to show: on this computer, off-site, or both"));
    m_placeBox->addItem(tr("Everywhere"), -1);
    m_placeBox->addItem(tr("Here"), int(BackupTableModel::Place::Here));
    m_placeBox->addItem(tr("Off-site"), int(BackupTableModel::Place::Offsite));
    connect(m_placeBox, &QComboBox::currentIndexChanged, this, [this] {
        m_proxy->setPlace(m_placeBox->currentData().toInt());
        updateEmptyState();
    });
    m_placeBoxAction = bar->addWidget(m_placeBox);
    m_placeBoxAction->setVisible(false);
    m_filter = new QLineEdit;
    m_filter->setObjectName(QStringLiteral("filterEdit"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setPlaceholderText(tr("Filter (%1)").arg(QKeySequence(QKeySequence::Find).toString(QKeySequence::NativeText)));
    m_filter->setMaximumWidth(260);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_proxy->setFilterWords(text);
        updateEmptyState();
    });
    bar->addWidget(m_filter);
}

QWidget* MainWindow::createCentralArea()
{
    m_table = new QTableView;
    m_table->setObjectName(QStringLiteral("backupTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(BackupTableModel::DateColumn, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionResizeMode(BackupTableModel::ContentsColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->setColumnWidth(BackupTableModel::NameColumn, 240);
    m_table->setColumnWidth(BackupTableModel::DateColumn, 150);
    m_table->setColumnWidth(BackupTableModel::SizeColumn, 90);
    m_table->setColumnWidth(BackupTableModel::KindColumn, 100);
    m_table->setColumnWidth(BackupTableModel::StatusColumn, 160); // "Complète · prouvée" whole, not "Complète · pr…"
    m_table->setColumnHidden(BackupTableModel::PlaceColumn, true); // shown with off-site copies
    connect(m_table, &QTableView::doubleClicked, this, &MainWindow::showBrowseDialog);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_table, &QTableView::customContextMenuRequested, this, &MainWindow::showContextMenu);

    m_emptyLabel = new QLabel;
    m_emptyLabel->setObjectName(QStringLiteral("emptyStateLabel"));
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setWordWrap(true);
    m_emptyLabel->setMargin(40);
    m_emptyLabel->setTextFormat(Qt::RichText);
    m_emptyLabel->setOpenExternalLinks(false);
    connect(m_emptyLabel, &QLabel::linkActivated, this, [this](const QString& link) {
        if (link == u"new-profile")
            newProfile();
    });

    m_stack = new QStackedWidget;
    m_stack->addWidget(m_table);
    m_stack->addWidget(m_emptyLabel);
    m_jobs = new JobsPanel;
    m_launcher = new JobLauncher(m_jobs, this);
    m_transfers = new BackupTransfers(m_launcher, this);
    m_offsite = new OffsiteCopies(m_launcher, this);
    connect(m_offsite, &OffsiteCopies::listed, this, &MainWindow::showBackups);
    connect(m_offsite, &OffsiteCopies::listFailed, this, [this](const QString& message) {
        statusBar()->showMessage(tr("Off-site copies not listed: %1").arg(message), 15000);
    });
    connect(m_launcher, &JobLauncher::runningChanged, this, &MainWindow::updateActions);
    connect(m_launcher, &JobLauncher::finished, this, [this](bool ok, const QString& message) {
        m_catalog.refresh();
        m_offsite->refresh(); // a backup copied off-site as it was made, a fetch, a deletion there
        m_notifications->jobFinished(currentProfileName(), ok, message, isActiveWindow());
        emit jobFinished(ok, message);
        if (m_closeWhenIdle && m_launcher->running() == 0)
            close();
    });
    auto* area = new QWidget;
    auto* layout = new QVBoxLayout(area);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_stack, 1);
    layout->addWidget(m_jobs);
    return area;
}

void MainWindow::reloadProfiles(const QString& select)
{
    const QSignalBlocker blocker(m_profileBox);
    m_profileBox->clear();
    m_profileBox->addItems(m_profiles.names());
    const int index = m_profileBox->findText(select);
    m_profileBox->setCurrentIndex(index >= 0 ? index : 0);
    onProfileChosen();
}

QString MainWindow::currentProfileName() const
{
    return m_profileBox->currentText();
}

bool MainWindow::selectProfile(const QString& name)
{
    const int index = m_profileBox->findText(name);
    if (index < 0)
        return false;
    m_profileBox->setCurrentIndex(index);
    return true;
}

void MainWindow::onProfileChosen()
{
    m_catalogError.clear();
    m_localBackups.clear();
    m_model->setBackups({});
    const QString name = currentProfileName();
    m_site.reset();
    Profile chosen;
    m_scheduleStatus->showNothing(); // until the scan says what the profile is where it runs
    if (name.isEmpty()) {
        m_catalog.setRepository({});
        m_statusInfo->showNoRepository();
    } else if (const Result<Profile> profile = m_profiles.load(name)) {
        QSettings().setValue(LastProfileKey, name);
        m_site = BackupSite::forProfile(*profile);
        m_target = *profile; // until a server's scan says what its own profile holds
        m_transfers->setProfile(*profile, m_site);
        chosen = *profile;
        m_catalog.setSite(m_site);
    } else {
        m_catalog.setRepository({});
        m_catalogError = profile.error().message;
        m_statusInfo->showNoRepository();
    }
    m_offsite->setProfile(chosen);
    updateEmptyState();
    updateActions();
}

void MainWindow::showBackups()
{
    const bool offsite = m_offsite->active();
    m_placeBoxAction->setVisible(offsite);
    m_table->setColumnHidden(BackupTableModel::PlaceColumn, !offsite);
    m_model->setBackups(OffsiteStore::merge(m_localBackups, m_offsite->backups()));
    m_model->setWarnings(BackupWarnings::forList(m_localBackups, m_target.notify.shrinkPercent));
    m_statusInfo->showOffsite(offsite ? m_offsite->placeName() : QString(), m_offsite->backups());
    updateActions();
    updateEmptyState();
}

void MainWindow::onScanned(const RepositoryScan& scan)
{
    m_catalogError.clear();
    m_target = scan.targetProfile;
    m_target.name = currentProfileName(); // passwords and journals go by the name shown here
    m_repositoryShown = m_site && m_site->watchedFolder().isEmpty()
                            ? tr("%1 on %2").arg(scan.repository, m_site->placeName())
                            : scan.repository;
    m_localBackups = scan.backups;
    showBackups();
    RepositoryScan shown = scan;
    shown.repository = m_repositoryShown; // a server's folder says which server
    m_statusInfo->showScan(shown);
    m_lastRestore = scan.restoreUndoable ? std::optional(scan.lastRestore) : std::nullopt;
    m_scheduleStatus->showSchedule(currentProfileName(), m_target.schedule, scan.lastScheduledRun);
    m_notifications->scanned(currentProfileName(), scan, BackupWarnings::forList(scan.backups, m_target.notify.shrinkPercent));
    updateActions();
    // Once per profile and session: a failed recovery is reported, not retried in a loop.
    if (scan.restoreInterrupted && m_launcher->running() == 0 && !m_recoveryTried.contains(currentProfileName())) {
        m_recoveryTried.insert(currentProfileName());
        recoverInterruptedRestore();
    }
    updateEmptyState();
    emit catalogShown();
}

void MainWindow::onScanFailed(const Error& error)
{
    m_catalogError = error.message;
    m_localBackups.clear();
    m_model->setBackups({});
    m_statusInfo->showError(m_site ? m_site->placeName() : QString(), error.message);
    updateEmptyState();
    emit catalogShown();
}

void MainWindow::updateEmptyState()
{
    QString text;
    if (m_profileBox->count() == 0) {
        text = tr("<h3>No profile yet</h3><p>A profile names the database, the source folders and the backup folder of "
                  "one web application.</p><p><a href=\"new-profile\">Create a profile…</a></p>");
    } else if (!m_catalogError.isEmpty()) {
        text = QStringLiteral("<h3>%1</h3><p>%2</p>")
                   .arg(tr("The backups cannot be listed"), m_catalogError.toHtmlEscaped());
    } else if (m_model->rowCount() == 0) {
        text = tr("<h3>No backups yet</h3><p>Backups of this profile will be kept in <tt>%1</tt>.</p><p>Press "
                  "<b>Create backup</b> (%2) to make the first one, or let them run by themselves: "
                  "<b>Profile › Schedule…</b></p>")
                   .arg(m_repositoryShown.toHtmlEscaped(), QKeySequence(QKeySequence::New).toString(QKeySequence::NativeText));
    } else if (m_proxy->rowCount() == 0) {
        text = tr("<h3>No backup matches “%1”</h3><p>Clear the filter to see all %n backup(s).</p>", nullptr,
                  m_model->rowCount())
                   .arg(m_filter->text().toHtmlEscaped());
    }
    m_emptyLabel->setText(text);
    m_stack->setCurrentWidget(text.isEmpty() ? static_cast<QWidget*>(m_table) : m_emptyLabel);
}

void MainWindow::updateActions()
{
    const bool hasProfile = !currentProfileName().isEmpty();
    m_editProfileAction->setEnabled(hasProfile);
    m_historyAction->setEnabled(hasProfile && m_site);
    m_scheduleAction->setEnabled(hasProfile && m_site);
    m_deleteProfileAction->setEnabled(hasProfile && m_launcher->running() == 0);
    m_cleanupRestoreAction->setEnabled(hasProfile && m_launcher->running() == 0 && can(BackupSite::Feature::CleanupCopies));
    // Retention in the window is for this computer's repository (a server applies its own: coffre-cli prune there).
    m_retentionAction->setEnabled(hasProfile && m_launcher->running() == 0 && can(BackupSite::Feature::CleanupCopies));
    m_refreshAction->setEnabled(hasProfile);
    // One job at a time: the repository lock would refuse a second one anyway.
    const bool idle = m_launcher->running() == 0;
    const Backup* selected = selectedBackup();
    m_createAction->setEnabled(hasProfile && idle);
    m_restoreAction->setEnabled(idle && selected && selected->status == BackupStatus::Complete);
    m_undoRestoreAction->setEnabled(idle && m_lastRestore.has_value());
    const QList<Backup> chosen = selectedBackups();
    const bool anyHere = std::any_of(chosen.begin(), chosen.end(), [](const Backup& b) { return b.here; });
    const bool anyOffsite = std::any_of(chosen.begin(), chosen.end(), [](const Backup& b) { return b.offsite; });
    m_deleteAction->setEnabled(idle && anyHere);
    const bool complete = selected && selected->status == BackupStatus::Complete;
    const bool here = complete && selected->here;
    // Browse reads only: fine while a job runs; an off-site-only backup is fetched first.
    m_browseAction->setEnabled(complete && (here ? can(BackupSite::Feature::Browse) : idle));
    m_downloadAction->setEnabled(here && (can(BackupSite::Feature::ExportToFile) || can(BackupSite::Feature::CopyToDesktop)));
    m_importAction->setEnabled(hasProfile && idle &&
                               (can(BackupSite::Feature::ImportFile) || can(BackupSite::Feature::UploadFromDesktop)));
    const bool offsite = m_offsite->active();
    m_copyOffsiteAction->setEnabled(offsite && idle && here && !selected->offsite);
    m_fetchAction->setEnabled(offsite && idle && complete && !selected->here);
    m_deleteOffsiteAction->setEnabled(offsite && idle && anyOffsite);
    m_offsiteRetentionAction->setEnabled(offsite && idle && !m_offsite->backups().isEmpty());
    for (QAction* action : {m_copyOffsiteAction, m_fetchAction, m_deleteOffsiteAction, m_offsiteRetentionAction})
        action->setVisible(offsite);
}

void MainWindow::showContextMenu(const QPoint& position)
{
    QMenu menu(this);
    menu.addActions({m_restoreAction, m_browseAction, m_downloadAction, m_deleteAction});
    if (m_offsite->active()) {
        menu.addSeparator();
        menu.addActions({m_copyOffsiteAction, m_fetchAction, m_deleteOffsiteAction});
    }
    menu.exec(m_table->viewport()->mapToGlobal(position));
}

void MainWindow::copySelectedOffsite()
{
    if (const Backup* backup = selectedBackup(); backup && backup->here && backup->status == BackupStatus::Complete)
        m_offsite->copyOffsite(*backup);
}

void MainWindow::fetchSelected()
{
    if (const Backup* backup = selectedBackup(); backup && !backup->here)
        m_offsite->fetch(*backup);
}

void MainWindow::deleteSelectedOffsite()
{
    m_offsite->removeOffsite(selectedBackups());
}

// The rules the clean-up used, kept with the profile when asked: the scheduled runs prune by them.
void MainWindow::keepRetentionRules(const Profile& profile, RetentionRules Profile::*rules, const RetentionDialog& dialog)
{
    if (!dialog.saveRules() || dialog.rules() == profile.*rules)
        return;
    Profile updated = profile;
    updated.*rules = dialog.rules();
    if (const Status saved = m_profiles.save(updated); !saved)
        QMessageBox::warning(this, dialog.windowTitle(), saved.error().message);
}

// The preview is the confirmation: exactly the backups it shows as going are removed.
void MainWindow::cleanUpOldBackups()
{
    const Result<Profile> profile = currentProfile();
    if (!profile || !m_site)
        return;
    RetentionDialog dialog(m_localBackups, profile->retention, Pins::read(profile->repository), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    keepRetentionRules(*profile, &Profile::retention, dialog);
    const QStringList names = dialog.toRemove();
    if (names.isEmpty())
        return;
    m_launcher->launch<bool>(
        tr("Clean-up: %n old backup(s)", nullptr, int(names.size())), *profile, false,
        [names, site = m_site](const QString&, std::shared_ptr<JobControl> control) { return site->remove(names, control); },
        [names](const bool&) { return tr("Removed %n old backup(s): %1.", nullptr, int(names.size())).arg(names.join(QStringLiteral(", "))); });
}

// The same preview on the off-site copies, with their own rules (a longer history there is usual).
void MainWindow::cleanUpOldOffsiteCopies()
{
    const Result<Profile> profile = currentProfile();
    if (!profile || !m_offsite->active())
        return;
    const QList<Backup> copies = m_offsite->backups(); // as the storage listed them
    RetentionDialog dialog(copies, profile->offsiteRetention, Pins::read(profile->repository), this,
                           tr("Clean up old off-site copies"));
    dialog.setObjectName(QStringLiteral("offsiteRetentionDialog"));
    if (dialog.exec() != QDialog::Accepted)
        return;
    keepRetentionRules(*profile, &Profile::offsiteRetention, dialog);
    const QStringList names = dialog.toRemove();
    qint64 bytes = 0;
    for (const Backup& backup : copies)
        bytes += names.contains(backup.name) ? backup.sizeBytes : 0;
    if (!names.isEmpty())
        m_offsite->removeNames(names, bytes);
}

void MainWindow::newProfile()
{
    Profile profile;
    profile.repository = QDir::home().filePath(QStringLiteral("backups"));
    runProfileDialog(profile, true);
}

void MainWindow::editProfile()
{
    const Result<Profile> profile = m_profiles.load(currentProfileName());
    if (!profile) {
        QMessageBox::warning(this, tr("Edit profile"), profile.error().message);
        return;
    }
    runProfileDialog(*profile, false);
}

// Backups stay on disk; the profile's file and its keychain entry go.
void MainWindow::deleteProfile()
{
    const QString name = currentProfileName();
    const Result<Profile> profile = currentProfile(); // a damaged file can be deleted too
    if (name.isEmpty() || !ProfileQuestions::confirmDeletion(this, name, profile ? profile->repository : QString()))
        return;
    if (const Status removed = m_profiles.remove(name); !removed) {
        QMessageBox::warning(this, tr("Delete profile"), removed.error().message);
        return;
    }
    m_launcher->forgetPassword(name);
    PasswordVault::remove(name, this, [this](const Status& removed) {
        if (!removed)
            statusBar()->showMessage(removed.error().message, 10000);
    });
    reloadProfiles({});
}

bool MainWindow::runProfileDialog(const Profile& profile, bool isNew)
{
    ProfileDialog dialog(profile, isNew, this);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    const Profile edited = dialog.profile();
    if (isNew && m_profiles.names().contains(edited.name)) {
        QMessageBox::warning(this, tr("New profile"), tr("A profile named “%1” already exists.").arg(edited.name));
        return false;
    }
    if (const Status saved = m_profiles.save(edited); !saved) {
        QMessageBox::warning(this, tr("Profile"), saved.error().message);
        return false;
    }
    if (!dialog.password().isEmpty()) {
        m_launcher->rememberPassword(edited.name, dialog.password());
        if (dialog.rememberPassword()) {
            PasswordVault::write(edited.name, dialog.password(), this, [this](const Status& stored) {
                if (!stored)
                    statusBar()->showMessage(stored.error().message, 10000);
            });
        }
    }
    if (!dialog.offsiteSecret().isEmpty() && !edited.offsite.accessKeyId.isEmpty()) {
        OffsiteCopies::rememberSecret(edited.offsite.accessKeyId, dialog.offsiteSecret());
        PasswordVault::writeEntry(PasswordVault::offsiteEntry(edited.offsite.accessKeyId), dialog.offsiteSecret(), this,
                                  [this](const Status& stored) {
                                      if (!stored)
                                          statusBar()->showMessage(stored.error().message, 10000);
                                  });
    }
    if (!dialog.rememberPassword() && profile.passwordInKeychain)
        PasswordVault::remove(edited.name, this, [](const Status&) {});
    reloadProfiles(edited.name);
    return true;
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Coffre"),
                       tr("<h3>Coffre %1</h3><p>Backs up and restores a web application: its PostgreSQL database, "
                          "its source folders and its configuration.</p>")
                           .arg(QLatin1String(Version)));
}

void MainWindow::showHistory()
{
    if (!m_site)
        return;
    auto* dialog = new HistoryDialog(m_site, currentProfileName(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void MainWindow::editSchedule()
{
    const Result<Profile> profile = currentProfile();
    if (!profile || !m_site)
        return;
    // The schedule as it is where the jobs run (a server keeps its own).
    ScheduleDialog::edit(this, m_site, *profile, m_target.schedule, m_profiles, [this, name = profile->name](const QString& said) {
        statusBar()->showMessage(said, 15000);
        if (currentProfileName() == name)
            onProfileChosen(); // the profile as saved, and a scan that shows it
    });
}

bool MainWindow::can(BackupSite::Feature feature) const
{
    return m_site && m_site->supports(feature);
}

Result<Profile> MainWindow::currentProfile() const
{
    return m_profiles.load(currentProfileName());
}

void MainWindow::showCreateDialog()
{
    const Result<Profile> profile = currentProfile();
    if (!profile) {
        QMessageBox::warning(this, tr("Create backup"), profile.error().message);
        return;
    }
    CreateDialog dialog(m_target, this);
    if (dialog.exec() == QDialog::Accepted)
        startBackup(dialog.request());
}

void MainWindow::startBackup(BackupRequest request)
{
    const Profile profile = request.profile;
    if (!m_site)
        return;
    if (m_offsite->active() && request.profile.copyOffsite) {
        request.copyOffsite = true;
        request.offsiteSecret = OffsiteCopies::knownSecret(request.profile.offsite.accessKeyId);
    }
    request.documentsSecret = OffsiteCopies::knownSecret(request.profile.documents.accessKeyId);
    m_launcher->launch<Backup>(
        tr("Backup of “%1”").arg(profile.name), profile, request.includeDatabase && m_site->asksForPassword(),
        [request, site = m_site](const QString& password, std::shared_ptr<JobControl> control) {
            BackupRequest withPassword = request;
            withPassword.password = password;
            return site->create(withPassword, control);
        },
        [](const Backup& backup) { return tr("%1 created: %2.").arg(backup.name, humanSize(backup.sizeBytes)); });
}

QList<Backup> MainWindow::selectedBackups() const
{
    QList<Backup> backups;
    for (const QModelIndex& row : m_table->selectionModel()->selectedRows())
        backups << m_model->backupAt(m_proxy->mapToSource(row).row());
    return backups;
}

void MainWindow::deleteSelected()
{
    QList<Backup> backups = selectedBackups();
    backups.removeIf([](const Backup& backup) { return !backup.here; }); // off-site copies: Delete off-site copy…
    const bool keptOffsite = std::any_of(backups.begin(), backups.end(), [](const Backup& b) { return b.offsite; });
    const Result<Profile> profile = currentProfile();
    if (backups.isEmpty() || !profile || !m_site)
        return;
    QStringList names;
    qint64 bytes = 0;
    bool safety = false;
    for (const Backup& backup : backups) {
        names << backup.name;
        bytes += backup.sizeBytes;
        safety |= backup.kind() == BackupKind::Safety;
    }
    QString text = tr("Delete %n backup(s), %1 in all?", nullptr, int(names.size())).arg(humanSize(bytes)) +
                   QStringLiteral("\n\n") + names.join(u'\n');
    if (safety)
        text += QStringLiteral("\n\n") + tr("Among them is a safety copy, made before a restore: it may be the only copy of "
                                             "the data as it was.");
    if (keptOffsite)
        text += QStringLiteral("\n\n") + tr("Their off-site copies stay.");
    QMessageBox box(QMessageBox::Warning, tr("Delete backups"), text, QMessageBox::Cancel, this);
    box.setObjectName(QStringLiteral("deleteConfirmation"));
    box.addButton(tr("&Delete"), QMessageBox::DestructiveRole);
    box.setDefaultButton(QMessageBox::Cancel);
    if (box.exec() == QMessageBox::Cancel || box.clickedButton() == box.button(QMessageBox::Cancel))
        return;
    m_launcher->launch<bool>(
        tr("Deleting %n backup(s)", nullptr, int(names.size())), *profile, false,
        [names, site = m_site](const QString&, std::shared_ptr<JobControl> control) { return site->remove(names, control); },
        [names, bytes](const bool&) { return tr("Deleted %1 (%2).").arg(names.join(QStringLiteral(", ")), humanSize(bytes)); });
}

void MainWindow::downloadSelected()
{
    if (const Backup* backup = selectedBackup(); backup && backup->status == BackupStatus::Complete)
        m_transfers->download(*backup);
}

BrowseDialog* MainWindow::showBrowseDialog()
{
    const Result<Profile> profile = currentProfile();
    const Backup* backup = selectedBackup();
    if (backup && !backup->here && backup->status == BackupStatus::Complete) {
        // What the manifest says at once; the files once the backup is here.
        QMessageBox box(QMessageBox::Information, tr("Browse %1").arg(backup->name),
                        tr("%1 is off-site only (%2). Its files can be browsed once it is fetched to this computer, every "
                           "checksum verified.").arg(backup->name, humanSize(backup->sizeBytes)),
                        QMessageBox::Close, this);
        box.setObjectName(QStringLiteral("offsiteBrowseQuestion"));
        box.setDetailedText(BackupDescription::text(*backup));
        QAbstractButton* fetch = box.addButton(tr("&Fetch and browse"), QMessageBox::AcceptRole);
        box.exec();
        if (box.clickedButton() == fetch && m_launcher->running() == 0)
            m_offsite->fetch(*backup, [this](const Backup& fetched) {
                if (auto* dialog = new BrowseDialog(m_site->browser(fetched), fetched, this)) {
                    dialog->setAttribute(Qt::WA_DeleteOnClose);
                    dialog->show();
                }
            });
        return nullptr;
    }
    if (!profile || !backup || backup->status != BackupStatus::Complete || !can(BackupSite::Feature::Browse))
        return nullptr;
    auto* dialog = new BrowseDialog(m_site->browser(*backup), *backup, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

const Backup* MainWindow::selectedBackup() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.size() != 1)
        return nullptr;
    return &m_model->backupAt(m_proxy->mapToSource(rows.first()).row());
}

void MainWindow::showRestoreDialog()
{
    const Result<Profile> profile = currentProfile();
    const Backup* backup = selectedBackup();
    if (!profile || !backup || backup->status != BackupStatus::Complete)
        return;
    if (!backup->here) { // straight from off-site: fetched and verified, then the normal restore
        const auto answer = QMessageBox::question(
            this, tr("Restore %1").arg(backup->name),
            tr("%1 is off-site only. Fetch it (%2) into %3, verify every checksum, then choose what to restore?")
                .arg(backup->name, humanSize(backup->sizeBytes), profile->repository));
        if (answer == QMessageBox::Yes)
            m_offsite->fetch(*backup, [this](const Backup& fetched) { showRestoreDialogFor(fetched); });
        return;
    }
    showRestoreDialogFor(*backup);
}

void MainWindow::showRestoreDialogFor(const Backup& backup)
{
    const Result<Profile> profile = currentProfile();
    if (!profile || !m_site)
        return;
    RestoreDialog dialog(m_site, m_target, backup, m_launcher->sessionPassword(profile->name), this);
    if (dialog.exec() == QDialog::Accepted)
        startRestore(dialog.request());
}

void MainWindow::showDialogForScreenshot(const QString& name)
{
    const Result<Profile> profile = currentProfile();
    if (!profile)
        return;
    // The window's own confirmations, as its menus open them (modal: the caller's timer takes the picture).
    if (name == u"undo") {
        QTimer::singleShot(0, m_undoRestoreAction, &QAction::trigger);
        return;
    }
    QDialog* dialog = nullptr;
    if (name == u"browse" && m_model->rowCount() > 0) {
        m_table->selectRow(0);
        dialog = showBrowseDialog();
        if (auto* browse = qobject_cast<BrowseDialog*>(dialog)) // a file open, as someone reading it would have it
            connect(browse, &BrowseDialog::filesLoaded, browse, [browse] { browse->selectFirstFile(); });
    } else if (name == u"restore" && m_model->rowCount() > 0) {
        dialog = new RestoreDialog(m_site, m_target, m_model->backupAt(m_proxy->mapToSource(m_proxy->index(0, 0)).row()), {}, this);
        if (auto* confirm = dialog->findChild<QLineEdit*>(QStringLiteral("confirmEdit"))) // typed, as the button wants it
            confirm->setText(RestoreRequest::Confirmation);
    } else if (name == u"history" && m_site) {
        dialog = new HistoryDialog(m_site, profile->name, this);
    } else if (name == u"schedule") {
        dialog = new ScheduleDialog(profile->name, m_target.schedule, profile->isOnServer(), this);
    } else if (name == u"retention") {
        dialog = new RetentionDialog(m_localBackups, profile->retention, Pins::read(profile->repository), this);
    } else if (name == u"create") {
        dialog = new CreateDialog(m_target, this);
    } else if (name == u"profile" || name == u"profile-offsite") {
        dialog = new ProfileDialog(*profile, false, this);
        if (auto* tabs = dialog->findChild<QTabWidget*>(); tabs && name == u"profile-offsite")
            tabs->setCurrentWidget(dialog->findChild<OffsiteSettingsWidget*>());
    }
    if (!dialog)
        return;
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void MainWindow::startRestore(RestoreRequest request)
{
    const Profile profile = request.profile;
    if (!m_site)
        return;
    request.documentsSecret = OffsiteCopies::knownSecret(request.profile.documents.accessKeyId);
    m_launcher->launch<RestoreOutcome>(
        tr("Restore of %1").arg(request.backup.name), profile, request.database && m_site->asksForPassword(),
        [request, site = m_site](const QString& password, std::shared_ptr<JobControl> control) {
            RestoreRequest withPassword = request;
            withPassword.password = password;
            return site->restore(withPassword, control);
        },
        [](const RestoreOutcome& outcome) {
            QString text = outcome.databaseInspection.isEmpty()
                               ? tr("%1 restored. The previous state is kept (…before_restore_%2); Undo puts it back.")
                                     .arg(outcome.journal.backup, outcome.journal.stamp)
                               : tr("%1 restored into the database “%2”.").arg(outcome.journal.backup, outcome.databaseInspection);
            for (const QString& warning : outcome.warnings)
                text += u' ' + warning;
            return text;
        },
        [this, profileName = profile.name](JobRow* row, const RestoreOutcome& outcome) {
            if (!outcome.databaseInspection.isEmpty() || (outcome.journal.database.isEmpty() && outcome.journal.folders.isEmpty()))
                return;
            row->addFollowUp(tr("&Undo…"), [this, profileName, stamp = outcome.journal.stamp] {
                // Undo puts back the last restore of the profile shown: only while this row's is that one.
                if (currentProfileName() != profileName || !m_lastRestore || m_lastRestore->stamp != stamp) {
                    QMessageBox::information(this, tr("Undo last restore"),
                                             tr("This restore is no longer the last one of the profile shown: only the last "
                                                "restore of a profile can be undone."));
                    return;
                }
                undoLastRestore();
            });
        });
}

namespace {

// A restore's stamp (20261202_014243, or 20261202_014243_2 for a second one in that second) as
// the user's locale writes a date and time; as it is when it is not one.
QString readableStamp(const QString& stamp)
{
    const QDateTime at = QDateTime::fromString(stamp.left(15), QStringLiteral("yyyyMMdd_HHmmss"));
    return at.isValid() ? QLocale().toString(at, QLocale::ShortFormat) : stamp;
}

} // namespace

void MainWindow::undoLastRestore()
{
    const Result<Profile> profile = currentProfile();
    if (!profile || !m_site)
        return;
    // Say which restore, and what goes back: a click on an old row's Undo must not surprise.
    const RestoreJournal last = m_lastRestore.value_or(RestoreJournal());
    QStringList parts;
    if (!last.database.isEmpty())
        parts << tr("the database %1").arg(last.database);
    for (const RestoreJournal::Folder& folder : last.folders)
        parts << tr("the folder %1").arg(folder.path);
    const QString what = last.backup.isEmpty()
                             ? tr("Put back the database and folders as they were before the last restore?")
                             : tr("Undo the restore of %1 made at %2? This puts back as they were before it: %3.")
                                   .arg(last.backup, readableStamp(last.stamp), parts.join(QStringLiteral(", ")));
    QMessageBox box(QMessageBox::Question, tr("Undo last restore"),
                    what + QStringLiteral("\n\n") + tr("The restored state is kept beside them (…undone_…)."), QMessageBox::Cancel, this);
    box.setObjectName(QStringLiteral("undoConfirmation"));
    QPushButton* undo = box.addButton(tr("&Undo the restore"), QMessageBox::AcceptRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    if (box.clickedButton() != static_cast<QAbstractButton*>(undo))
        return;
    m_launcher->launch<RestoreJournal>(
        tr("Undo of the last restore"), *profile, !profile->database.isEmpty() && m_site->asksForPassword(),
        [site = m_site](const QString& password, std::shared_ptr<JobControl> control) { return site->undo(password, control); },
        [](const RestoreJournal& journal) { return tr("The restore of %1 was undone.").arg(journal.backup); },
        [this](JobRow*, const RestoreJournal&) { m_jobs->removeFollowUps(); }); // nothing left to undo
}

// The dialog's Remove is the confirmation; the job removes the copies only if no restore came since.
void MainWindow::cleanUpRestoreCopies()
{
    const Result<Profile> profile = currentProfile();
    if (!profile)
        return;
    CleanupDialog dialog(*profile, m_launcher->sessionPassword(profile->name), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const RestoreCopies shown = dialog.copies();
    const bool database = std::any_of(shown.copies.begin(), shown.copies.end(), [](const auto& copy) { return copy.database; });
    m_launcher->launch<RestoreCopies>(
        tr("Cleanup of the copies kept by the restore of %1").arg(shown.backup), *profile, database,
        [profile = *profile, stamp = shown.stamp](const QString& password, std::shared_ptr<JobControl> control) {
            return runInBackground([profile, stamp, password, control] { return RestoreCleanup::run(profile, stamp, password, *control); });
        },
        [shown](const RestoreCopies&) {
            return tr("Removed %n copy(ies) kept by the restore of %1 (%2 freed).", nullptr, int(shown.copies.size()))
                .arg(shown.backup, humanSize(shown.totalBytes()));
        },
        [this](JobRow*, const RestoreCopies&) { m_jobs->removeFollowUps(); });
}

// A restore killed mid-swap left its journal: put the old state back before anything else.
void MainWindow::recoverInterruptedRestore()
{
    const Result<Profile> profile = currentProfile();
    if (!profile || !m_site)
        return;
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        if (!watcher->result().isEmpty())
            QMessageBox::warning(this, tr("Interrupted restore"), watcher->result());
        m_catalog.refresh();
    });
    watcher->setFuture(m_site->recover(m_launcher->sessionPassword(profile->name)));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_launcher->running() > 0) {
        const auto answer = QMessageBox::question(this, tr("Quit Coffre"),
                                                  tr("A job is running. Cancel it and quit? Nothing half-written is kept."));
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
        m_closeWhenIdle = true;
        m_launcher->cancelAll();
        event->ignore(); // closes again once the jobs have cleaned up
        return;
    }
    QSettings settings;
    settings.setValue(GeometryKey, saveGeometry());
    settings.setValue(HeaderKey, m_table->horizontalHeader()->saveState());
    event->accept();
}

} // namespace coffre
