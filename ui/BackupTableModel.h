#pragma once

#include "catalog/Backup.h"

#include <QAbstractTableModel>
#include <QHash>

namespace coffre {

// The backups of one repository, one row each. Updated in place from each new scan so that
// selection and scroll position survive a rescan.
class BackupTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, DateColumn, SizeColumn, KindColumn, ContentsColumn, StatusColumn, PlaceColumn, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole + 1, // raw values: bytes, UTC time, names
        FilterRole,                  // every searchable text of the row
        StatusRole,                  // coffre::BackupStatus as int
        PlaceRole,                   // coffre::BackupTableModel::Place as int
    };
    // Where a backup's copies are: the Place column and the window's place filter.
    enum class Place { Here, Offsite, Both };
    static Place placeOf(const Backup& backup);

    explicit BackupTableModel(QObject* parent = nullptr);

    void setBackups(const QList<Backup>& backups);
    // Backups that worked but look wrong (BackupWarnings: a part that shrank): a sign and a
    // tooltip in the Status column, and "warning" for the filter.
    void setWarnings(const QHash<QString, QStringList>& warnings);
    QStringList warningsOf(const QString& name) const { return m_warnings.value(name); }
    const Backup& backupAt(int row) const { return m_backups.at(row); }
    const QList<Backup>& backups() const { return m_backups; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString kindText(const Backup& backup);
    static QString contentsText(const Backup& backup);
    static QString statusText(BackupStatus status);
    static QString placeText(Place place);

private:
    QVariant displayData(const Backup& backup, int column) const;
    QVariant sortData(const Backup& backup, int column) const;
    bool sameRow(const Backup& a, const Backup& b) const;

    QList<Backup> m_backups;
    QHash<QString, QStringList> m_warnings;
};

} // namespace coffre
