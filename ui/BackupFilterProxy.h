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

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QStringList m_words;
};

} // namespace coffre
