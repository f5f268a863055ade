#pragma once

#include "Catalog.h"

#include <QFileSystemWatcher>
#include <QFutureWatcher>
#include <QObject>
#include <QTimer>

#include <memory>

namespace coffre {

class BackupSite;

// Keeps an up-to-date RepositoryScan of one site's repository: scans on a worker thread,
// rescans when the folder changes (a backup written by a cron run of coffre-cli shows up
// on its own), and polls slowly as a fallback for file systems without change notification
// and for sites with no folder to watch (a server).
class CatalogWatcher : public QObject
{
    Q_OBJECT

public:
    explicit CatalogWatcher(QObject* parent = nullptr);
    ~CatalogWatcher() override;

    void setSite(std::shared_ptr<const BackupSite> site);
    void setRepository(const QString& repository); // a local folder: setSite(LocalSite)
    std::shared_ptr<const BackupSite> site() const { return m_site; }
    bool isScanning() const { return m_scan.isRunning(); }

public slots:
    void refresh();

signals:
    void scanned(const coffre::RepositoryScan& scan);
    void scanFailed(const coffre::Error& error);

private:
    void startScan();
    void onScanFinished();
    void watchFolders(const RepositoryScan& scan);

    std::shared_ptr<const BackupSite> m_site;
    std::shared_ptr<const BackupSite> m_scannedSite;
    QFileSystemWatcher m_fsWatcher;
    QTimer m_debounce;
    QTimer m_poll;
    QFutureWatcher<Result<RepositoryScan>> m_scan;
    bool m_rescanPending = false;
};

} // namespace coffre
