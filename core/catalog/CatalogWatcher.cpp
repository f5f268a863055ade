#include "CatalogWatcher.h"

#include "site/BackupSite.h"
#include "util/Background.h"

#include <QtConcurrent>

namespace coffre {

namespace {
constexpr int DebounceMs = 200;     // a create touches the folder many times; scan once
constexpr int PollMs = 20 * 1000;   // network shares do not always report changes
} // namespace

CatalogWatcher::CatalogWatcher(QObject* parent) : QObject(parent)
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(DebounceMs);
    m_poll.setInterval(PollMs);
    connect(&m_debounce, &QTimer::timeout, this, &CatalogWatcher::startScan);
    connect(&m_poll, &QTimer::timeout, this, &CatalogWatcher::refresh);
    connect(&m_fsWatcher, &QFileSystemWatcher::directoryChanged, this, [this] { m_debounce.start(); });
    connect(&m_scan, &QFutureWatcherBase::finished, this, &CatalogWatcher::onScanFinished);
}

CatalogWatcher::~CatalogWatcher()
{
    m_scan.waitForFinished(); // the scan holds no reference to us, but finish before teardown
}

void CatalogWatcher::setRepository(const QString& repository)
{
    Profile local;
    local.repository = repository;
    setSite(repository.isEmpty() ? nullptr : BackupSite::forProfile(local));
}

void CatalogWatcher::setSite(std::shared_ptr<const BackupSite> site)
{
    if (!m_fsWatcher.directories().isEmpty())
        m_fsWatcher.removePaths(m_fsWatcher.directories());
    m_site = std::move(site);
    if (!m_site) {
        m_poll.stop();
        return;
    }
    m_poll.start();
    refresh();
}

void CatalogWatcher::refresh()
{
    m_debounce.stop();
    startScan();
}

void CatalogWatcher::startScan()
{
    if (!m_site)
        return;
    if (m_scan.isRunning()) {
        m_rescanPending = true; // the running scan may have missed this change
        return;
    }
    m_scannedSite = m_site;
    m_scan.setFuture(runInBackground([site = m_site] { return site->scan(); }));
}

void CatalogWatcher::onScanFinished()
{
    const Result<RepositoryScan> result = m_scan.result();
    const bool stale = m_scannedSite != m_site; // the user switched profiles meanwhile
    if (m_rescanPending) {
        m_rescanPending = false;
        startScan();
    }
    if (stale)
        return;
    if (!result) {
        emit scanFailed(result.error());
        return;
    }
    watchFolders(*result);
    emit scanned(*result);
}

// The repository folder itself tells when a backup folder appears or goes; the folders without
// manifest are watched too, because the manifest is written last and turns them complete.
void CatalogWatcher::watchFolders(const RepositoryScan& scan)
{
    if (m_site->watchedFolder().isEmpty())
        return; // nothing here to watch: the poll and refresh() keep the list current
    QStringList wanted{scan.repository};
    for (const Backup& backup : scan.backups) {
        if (backup.status == BackupStatus::Incomplete)
            wanted << backup.path;
    }
    const QStringList current = m_fsWatcher.directories();
    QStringList gone, added;
    for (const QString& path : current) {
        if (!wanted.contains(path))
            gone << path;
    }
    for (const QString& path : wanted) {
        if (!current.contains(path))
            added << path;
    }
    if (!gone.isEmpty())
        m_fsWatcher.removePaths(gone);
    if (!added.isEmpty())
        m_fsWatcher.addPaths(added);
}

} // namespace coffre
