#include "BrowseDialog.h"

#include "FileTreeModel.h"
#include "browse/BackupFiles.h"
#include "browse/SelectionExtractor.h"
#include "catalog/BackupDescription.h"
#include "util/Background.h"
#include "util/HumanSize.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QTreeView>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace coffre {

BrowseDialog::BrowseDialog(std::shared_ptr<const BackupBrowser> browser, const Backup& backup, QWidget* parent)
    : QDialog(parent), m_browser(std::move(browser)), m_backup(backup), m_control(std::make_shared<JobControl>())
{
    setObjectName(QStringLiteral("browseDialog"));
    setWindowTitle(tr("Browse %1").arg(backup.name));
    m_tabs = new QTabWidget;
    m_tabs->addTab(createFilesTab(), tr("&Files"));
    m_tabs->addTab(createDatabaseTab(), tr("&Database"));
    m_tabs->addTab(createDetailsTab(), tr("De&tails"));
    m_changesTab = createChangesTab();
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs);
    layout->addWidget(buttons);
    resize(960, 600);
    loadFiles();
    loadDatabase();
}

BrowseDialog::~BrowseDialog()
{
    m_control->cancel(); // workers still reading stop at their next chunk
}

template<typename T>
void BrowseDialog::inBackground(std::function<T(JobControl&)> work, std::function<void(const T&)> done)
{
    auto* watcher = new QFutureWatcher<T>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [watcher, done] {
        watcher->deleteLater();
        done(watcher->result());
    });
    watcher->setFuture(runInBackground([work, control = m_control] { return work(*control); }));
}

QWidget* BrowseDialog::createFilesTab()
{
    m_filter = new QLineEdit;
    m_filter->setObjectName(QStringLiteral("fileFilter"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setPlaceholderText(tr("Find files by name or path (%1)").arg(QKeySequence(QKeySequence::Find).toString(QKeySequence::NativeText)));
    auto* find = new QShortcut(QKeySequence::Find, this);
    connect(find, &QShortcut::activated, m_filter, [this] {
        m_tabs->setCurrentIndex(0);
        m_filter->setFocus(Qt::ShortcutFocusReason);
        m_filter->selectAll();
    });
    m_filterDelay = new QTimer(this);
    m_filterDelay->setSingleShot(true);
    m_filterDelay->setInterval(200); // one search when typing pauses, not one per key
    connect(m_filter, &QLineEdit::textChanged, m_filterDelay, qOverload<>(&QTimer::start));
    connect(m_filterDelay, &QTimer::timeout, this, &BrowseDialog::applyFilter);
    m_filesStatus = new QLabel(tr("Reading the list of files…"));
    m_filesStatus->setObjectName(QStringLiteral("filesStatus"));

    m_model = new FileTreeModel(this);
    m_tree = new QTreeView;
    m_tree->setObjectName(QStringLiteral("fileTree"));
    m_tree->setModel(m_model);
    m_tree->setUniformRowHeights(true); // the view then never measures 100,000 rows
    m_tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(FileTreeModel::NameColumn, QHeaderView::Stretch);
    m_tree->setColumnWidth(FileTreeModel::SizeColumn, 90);
    m_tree->setColumnWidth(FileTreeModel::ModifiedColumn, 130);
    connect(m_tree->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        showPreview();
        updateButtons();
    });

    m_preview = new QPlainTextEdit;
    m_preview->setObjectName(QStringLiteral("previewText"));
    m_preview->setReadOnly(true);
    m_preview->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_preview->setPlaceholderText(tr("Select a file to see its first lines."));
    m_preview->setLineWrapMode(QPlainTextEdit::NoWrap);
    auto* splitter = new QSplitter;
    splitter->addWidget(m_tree);
    splitter->addWidget(m_preview);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    m_extractButton = new QPushButton(tr("&Extract…"));
    m_extractButton->setObjectName(QStringLiteral("extractButton"));
    m_extractButton->setToolTip(tr("Copy the selected files or folders to a folder of your choice, without restoring anything"));
    connect(m_extractButton, &QPushButton::clicked, this, &BrowseDialog::chooseExtractFolder);
    m_compareButton = new QPushButton(tr("&Compare with current folders"));
    m_compareButton->setObjectName(QStringLiteral("compareButton"));
    m_compareButton->setToolTip(tr("Files added, removed and changed in the profile's folders since this backup"));
    connect(m_compareButton, &QPushButton::clicked, this, &BrowseDialog::compareWithCurrent);
    auto* top = new QHBoxLayout;
    top->addWidget(m_filter, 1);
    top->addWidget(m_filesStatus);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_extractButton);
    bottom->addWidget(m_compareButton);
    bottom->addStretch();
    auto* tab = new QWidget;
    auto* layout = new QVBoxLayout(tab);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);
    layout->addLayout(bottom);
    updateButtons();
    return tab;
}

QWidget* BrowseDialog::createDatabaseTab()
{
    m_databaseStatus = new QLabel;
    m_databaseStatus->setWordWrap(true);
    m_database = new QTableWidget(0, 5);
    m_database->setObjectName(QStringLiteral("databaseTable"));
    m_database->setHorizontalHeaderLabels({tr("Type"), tr("Schema"), tr("Name"), tr("Rows"), tr("Owner")});
    m_database->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_database->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_database->verticalHeader()->hide();
    m_database->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_database->setSortingEnabled(true);
    auto* tab = new QWidget;
    auto* layout = new QVBoxLayout(tab);
    layout->addWidget(m_databaseStatus);
    layout->addWidget(m_database, 1);
    return tab;
}

QWidget* BrowseDialog::createDetailsTab()
{
    auto* details = new QPlainTextEdit(BackupDescription::text(m_backup));
    details->setObjectName(QStringLiteral("detailsText"));
    details->setReadOnly(true);
    details->setLineWrapMode(QPlainTextEdit::NoWrap);
    details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    return details;
}

QWidget* BrowseDialog::createChangesTab()
{
    m_changesStatus = new QLabel;
    m_changesStatus->setWordWrap(true);
    m_changes = new QTreeWidget;
    m_changes->setObjectName(QStringLiteral("changesTree"));
    m_changes->setHeaderHidden(true);
    m_changes->setUniformRowHeights(true);
    auto* tab = new QWidget;
    auto* layout = new QVBoxLayout(tab);
    layout->addWidget(m_changesStatus);
    layout->addWidget(m_changes, 1);
    return tab;
}

void BrowseDialog::loadFiles()
{
    m_busy = true;
    using SharedTree = std::shared_ptr<const FileTree>;
    inBackground<Result<SharedTree>>(
        [browser = m_browser](JobControl& control) -> Result<SharedTree> {
            Result<FileTree> tree = browser->files(control);
            if (!tree)
                return tree.error();
            return SharedTree(std::make_shared<const FileTree>(std::move(tree).value()));
        },
        [this](const Result<SharedTree>& tree) {
            m_busy = false;
            if (!tree) {
                m_filesStatus->setText(tree.error().message);
                emit filesLoaded(false);
                return;
            }
            m_model->setTree(*tree);
            m_filesStatus->setText(tr("%n file(s)", nullptr, int((*tree)->fileCount())));
            for (int row = 0; row < m_model->rowCount(); ++row) // the source folders, open
                m_tree->expand(m_model->index(row, 0));
            updateButtons();
            emit filesLoaded(true);
        });
}

void BrowseDialog::loadDatabase()
{
    if (!m_backup.manifest || !m_backup.manifest->database) {
        m_databaseStatus->setText(tr("This backup holds no database."));
        m_database->hide();
        return;
    }
    const DatabasePart& db = *m_backup.manifest->database;
    m_databaseStatus->setText(tr("Reading the dump's table of contents…"));
    inBackground<Result<QList<DumpObject>>>(
        [browser = m_browser](JobControl& control) { return browser->databaseObjects(control); },
        [this, db](const Result<QList<DumpObject>>& objects) {
            if (!objects) {
                m_databaseStatus->setText(objects.error().message);
                emit databaseLoaded(false);
                return;
            }
            m_databaseStatus->setText(tr("Database %1 (PostgreSQL %2, %3): %n object(s) in the dump; row counts as of the backup.",
                                         nullptr, int(objects->size()))
                                          .arg(db.name, db.serverVersion, humanSize(db.sizeBytes)));
            m_database->setSortingEnabled(false);
            m_database->setRowCount(int(objects->size()));
            for (int row = 0; row < objects->size(); ++row) {
                const DumpObject& object = objects->at(row);
                m_database->setItem(row, 0, new QTableWidgetItem(object.type));
                m_database->setItem(row, 1, new QTableWidgetItem(object.schema));
                m_database->setItem(row, 2, new QTableWidgetItem(object.name));
                auto* rows = new QTableWidgetItem;
                if (object.rows >= 0)
                    rows->setData(Qt::DisplayRole, object.rows);
                rows->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                m_database->setItem(row, 3, rows);
                m_database->setItem(row, 4, new QTableWidgetItem(object.owner));
            }
            m_database->setSortingEnabled(true);
            m_database->resizeColumnToContents(0);
            emit databaseLoaded(true);
        });
}

void BrowseDialog::applyFilter()
{
    if (!m_model->tree())
        return;
    const int matches = m_model->setFilter(m_filter->text());
    if (!m_model->filtering()) {
        m_filesStatus->setText(tr("%n file(s)", nullptr, int(m_model->tree()->fileCount())));
        for (int row = 0; row < m_model->rowCount(); ++row)
            m_tree->expand(m_model->index(row, 0));
    } else if (matches >= FileTreeModel::MaxMatches) {
        m_filesStatus->setText(tr("The first %1 matches").arg(matches));
    } else {
        m_filesStatus->setText(tr("%n match(es)", nullptr, matches));
    }
}

QStringList BrowseDialog::selectedPaths() const
{
    QStringList paths;
    for (const QModelIndex& index : m_tree->selectionModel()->selectedRows())
        paths << m_model->pathAt(index);
    return paths;
}

void BrowseDialog::selectFirstFile()
{
    const QList<int> first = m_model->tree() ? m_model->tree()->search(QString(), 1) : QList<int>();
    if (first.isEmpty())
        return;
    const QModelIndex at = m_model->indexOfNode(first.first());
    m_tree->scrollTo(at); // opens the folders above it
    m_tree->selectionModel()->select(at, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void BrowseDialog::showPreview()
{
    const int generation = ++m_previewGeneration;
    const QModelIndexList rows = m_tree->selectionModel()->selectedRows();
    const int node = rows.size() == 1 ? m_model->nodeAt(rows.first()) : -1;
    if (node < 0 || m_model->tree()->node(node).type != ArchiveEntry::Type::File) {
        m_preview->clear();
        return;
    }
    const QString path = m_model->pathAt(rows.first());
    m_preview->setPlainText(tr("Reading %1…").arg(path));
    inBackground<Result<FilePreview>>([browser = m_browser, path](JobControl&) { return browser->preview(path); },
                                      [this, generation, path](const Result<FilePreview>& preview) {
                                          if (generation != m_previewGeneration)
                                              return; // another file was chosen meanwhile
                                          if (!preview)
                                              m_preview->setPlainText(preview.error().message);
                                          else if (preview->binary)
                                              m_preview->setPlainText(tr("“%1” is a binary file (%2): extract it to open it.")
                                                                          .arg(path, humanSize(preview->size)));
                                          else
                                              m_preview->setPlainText(QString::fromUtf8(preview->bytes));
                                          if (preview && !preview->binary && preview->truncated())
                                              m_preview->appendPlainText(tr("\n[… only the first %1 of %2 is shown]")
                                                                             .arg(humanSize(preview->bytes.size()), humanSize(preview->size)));
                                          emit previewShown(path);
                                      });
}

void BrowseDialog::chooseExtractFolder()
{
    const QStringList paths = selectedPaths();
    if (paths.isEmpty())
        return;
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Extract to"), QDir::homePath());
    if (!folder.isEmpty())
        extractTo(paths, folder);
}

void BrowseDialog::extractTo(const QStringList& paths, const QString& folder)
{
    m_busy = true;
    updateButtons();
    m_filesStatus->setText(tr("Extracting…"));
    inBackground<Result<QStringList>>(
        [browser = m_browser, paths, folder](JobControl& control) { return browser->extract(paths, folder, control); },
        [this, folder](const Result<QStringList>& created) {
            m_busy = false;
            updateButtons();
            const QString message = created ? tr("Extracted %n item(s) to %1.", nullptr, int(created->size())).arg(folder)
                                            : created.error().message;
            m_filesStatus->setText(message);
            emit extractFinished(created.ok(), message);
        });
}

void BrowseDialog::compareWithCurrent()
{
    m_busy = true;
    updateButtons();
    if (m_tabs->indexOf(m_changesTab) < 0)
        m_tabs->addTab(m_changesTab, tr("C&hanges"));
    m_tabs->setCurrentWidget(m_changesTab);
    m_changes->clear();
    m_changesStatus->setText(tr("Comparing with the folders as they are now…"));
    inBackground<Result<TreeChanges>>(
        [browser = m_browser](JobControl& control) { return browser->compare(control); },
        [this](const Result<TreeChanges>& changes) {
            m_busy = false;
            updateButtons();
            if (!changes)
                m_changesStatus->setText(changes.error().message);
            else
                showChanges(*changes);
            emit compareFinished(changes.ok());
        });
}

void BrowseDialog::showChanges(const TreeChanges& changes)
{
    QString summary = tr("Since %1: %2 added, %3 removed, %4 changed, %5 unchanged.")
                          .arg(m_backup.name)
                          .arg(changes.added.size())
                          .arg(changes.removed.size())
                          .arg(changes.changed.size())
                          .arg(changes.unchanged);
    for (const QString& root : changes.missingRoots)
        summary += u' ' + tr("Not compared, the folder is not there: %1.").arg(root);
    m_changesStatus->setText(summary);
    auto group = [this](const QString& title, const QStringList& paths) {
        auto* top = new QTreeWidgetItem(m_changes, {title.arg(paths.size())});
        for (const QString& path : paths)
            new QTreeWidgetItem(top, {path});
        top->setExpanded(paths.size() <= 200);
    };
    group(tr("Added (%1)"), changes.added);
    group(tr("Removed (%1)"), changes.removed);
    group(tr("Changed (%1)"), changes.changed);
}

void BrowseDialog::updateButtons()
{
    const bool loaded = m_model->tree() != nullptr;
    m_extractButton->setEnabled(loaded && !m_busy && m_tree->selectionModel()->hasSelection() && m_browser->canExtract());
    m_compareButton->setEnabled(loaded && !m_busy);
}

} // namespace coffre
