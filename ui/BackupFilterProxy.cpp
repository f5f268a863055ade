#include "BackupFilterProxy.h"

#include "BackupTableModel.h"

namespace coffre {

BackupFilterProxy::BackupFilterProxy(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(BackupTableModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    setDynamicSortFilter(true);
}

void BackupFilterProxy::setFilterWords(const QString& text)
{
    m_words = text.split(u' ', Qt::SkipEmptyParts);
    invalidateFilter();
}

void BackupFilterProxy::setPlace(int place)
{
    m_place = place;
    invalidateFilter();
}

bool BackupFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    using Place = BackupTableModel::Place;
    if (m_place >= 0) {
        const auto place = Place(sourceModel()->index(sourceRow, 0, sourceParent).data(BackupTableModel::PlaceRole).toInt());
        if (place != Place::Both && place != Place(m_place))
            return false;
    }
    if (m_words.isEmpty())
        return true;
    const QString haystack = sourceModel()->index(sourceRow, 0, sourceParent).data(BackupTableModel::FilterRole).toString();
    for (const QString& word : m_words) {
        if (!haystack.contains(word, Qt::CaseInsensitive))
            return false;
    }
    return true;
}

} // namespace coffre
