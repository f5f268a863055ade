#pragma once

#include "catalog/Catalog.h"

#include <QLabel>
#include <QStatusBar>

namespace coffre {

// The status bar's permanent part: the repository folder, the size of its backups, and the free
// space of its disk, with a visible warning from 80 % full (seed 004's alert threshold).
class RepositoryStatusBar : public QObject
{
    Q_OBJECT

public:
    explicit RepositoryStatusBar(QStatusBar* bar);

    void showScan(const RepositoryScan& scan);
    void showNoRepository();
    void showError(const QString& repository, const QString& message);
    // The off-site copies beside: where, how many, how much; empty `place` hides it.
    void showOffsite(const QString& place, const QList<Backup>& backups);

    QLabel* diskLabel() const { return m_disk; }
    QLabel* totalLabel() const { return m_total; }
    QLabel* repositoryLabel() const { return m_repository; }

private:
    QLabel* m_repository;
    QLabel* m_total;
    QLabel* m_disk;
    QLabel* m_offsite;
};

} // namespace coffre
