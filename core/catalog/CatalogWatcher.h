#pragma once

#include "Catalog.h"

#include <QFileSystemWatcher>
#include <QFutureWatcher>
#include <QObject>
#include <QTimer>

namespace coffre {

// Keeps an up-to-date RepositoryScan of one repository folder: scans on a worker thread,
// rescans when the folder changes (a backup written by a cron run of coffre-cli shows up
// on its own), and polls slowly as a fallback for file systems without change notification.
class CatalogWatcher : public QObject
{
    Q_OBJECT

public:
    explicit CatalogWatcher(QObject* parent = nullptr);
    ~CatalogWatcher() override;

    void setRepository(const QString& repository);
    QString repository() const { return m_repository; }
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

    QString m_repository;
    QString m_scannedRepository;
    QFileSystemWatcher m_fsWatcher;
    QTimer m_debounce;
    QTimer m_poll;
    QFutureWatcher<Result<RepositoryScan>> m_scan;
    bool m_rescanPending = false;
};

} // namespace coffre
