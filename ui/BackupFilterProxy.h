#pragma once

#include <QSortFilterProxyModel>

namespace coffre {

// Sorts on raw values (bytes, times) and keeps the rows whose name, kind, contents, status or
// note contain every word of the filter text.
class BackupFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit BackupFilterProxy(QObject* parent = nullptr);
    void setFilterWords(const QString& text);
    // -1: every place; else a BackupTableModel::Place (Both rows count as here and as off-site).
    void setPlace(int place);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QStringList m_words;
    int m_place = -1;
};

} // namespace coffre
