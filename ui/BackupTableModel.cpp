#include "BackupTableModel.h"

#include "util/HumanSize.h"

#include <QApplication>
#include <QColor>
#include <QIcon>
#include <QStyle>
#include <QHash>
#include <QLocale>

namespace coffre {

BackupTableModel::BackupTableModel(QObject* parent) : QAbstractTableModel(parent) {}

// Merges a new scan into the rows: rows that went away are removed, changed rows are updated,
// new ones appended. The proxy sorts, so the order here does not matter.
void BackupTableModel::setBackups(const QList<Backup>& backups)
{
    QHash<QString, qsizetype> incoming;
    for (qsizetype i = 0; i < backups.size(); ++i)
        incoming.insert(backups[i].name, i);

    for (int row = int(m_backups.size()) - 1; row >= 0; --row) {
        if (!incoming.contains(m_backups[row].name)) {
            beginRemoveRows({}, row, row);
            m_backups.removeAt(row);
            endRemoveRows();
        }
    }
    QHash<QString, int> existing;
    for (int row = 0; row < m_backups.size(); ++row)
        existing.insert(m_backups[row].name, row);

    QList<Backup> added;
    for (const Backup& backup : backups) {
        const auto found = existing.constFind(backup.name);
        if (found == existing.cend()) {
            added.append(backup);
            continue;
        }
        const int row = found.value();
        if (!sameRow(m_backups[row], backup)) {
            m_backups[row] = backup;
            emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
    }
    if (!added.isEmpty()) {
        beginInsertRows({}, int(m_backups.size()), int(m_backups.size() + added.size() - 1));
        m_backups.append(added);
        endInsertRows();
    }
}

void BackupTableModel::setWarnings(const QHash<QString, QStringList>& warnings)
{
    const QHash<QString, QStringList> before = std::exchange(m_warnings, warnings);
    for (int row = 0; row < m_backups.size(); ++row) {
        if (before.value(m_backups[row].name) != m_warnings.value(m_backups[row].name))
            emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
    }
}

bool BackupTableModel::sameRow(const Backup& a, const Backup& b) const
{
    return a.created == b.created && a.sizeBytes == b.sizeBytes && a.status == b.status && a.problem == b.problem &&
           a.components() == b.components() && a.kind() == b.kind() && a.here == b.here && a.offsite == b.offsite && a.provenRestorable == b.provenRestorable;
}

int BackupTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_backups.size());
}

int BackupTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BackupTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Backup& backup = m_backups.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return displayData(backup, index.column());
    case SortRole:
        return sortData(backup, index.column());
    case FilterRole:
        return QStringList{backup.name, kindText(backup), contentsText(backup), statusText(backup.status), placeText(placeOf(backup)),
                           backup.manifest ? backup.manifest->note : QString(),
                           m_warnings.contains(backup.name) ? tr("warning") : QString()}
            .join(u'\n');
    case StatusRole:
        return int(backup.status);
    case PlaceRole:
        return int(placeOf(backup));
    case Qt::DecorationRole:
        if (index.column() == StatusColumn && m_warnings.contains(backup.name))
            return QIcon::fromTheme(QStringLiteral("dialog-warning"), QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning));
        return {};
    case Qt::ToolTipRole:
        if (!backup.problem.isEmpty())
            return backup.problem;
        if (index.column() == StatusColumn && m_warnings.contains(backup.name))
            return m_warnings.value(backup.name).join(u'\n');
        if (index.column() == DateColumn)
            return QLocale().toString(backup.created.toLocalTime(), QLocale::LongFormat);
        if (index.column() == SizeColumn)
            return tr("%L1 bytes").arg(backup.sizeBytes);
        if (index.column() == StatusColumn && backup.provenRestorable.isValid())
            return tr("Proven restorable by a drill on %1").arg(QLocale().toString(backup.provenRestorable.toLocalTime(), QLocale::LongFormat));
        if (index.column() == PlaceColumn && backup.offsite)
            return backup.here ? tr("On this computer and off-site") : tr("Off-site only (%1): fetched before a restore").arg(backup.path);
        if (backup.manifest && !backup.manifest->note.isEmpty())
            return backup.manifest->note;
        return {};
    case Qt::ForegroundRole:
        if (index.column() == StatusColumn && backup.status == BackupStatus::Damaged)
            return QColor(Qt::red).darker(120);
        if (index.column() == StatusColumn && backup.status == BackupStatus::Incomplete)
            return QColor(0xb0, 0x70, 0x00);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == SizeColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return {};
    }
}

QVariant BackupTableModel::displayData(const Backup& backup, int column) const
{
    switch (column) {
    case NameColumn:
        return backup.name;
    case DateColumn:
        return QLocale().toString(backup.created.toLocalTime(), QLocale::ShortFormat);
    case SizeColumn:
        return humanSize(backup.sizeBytes);
    case KindColumn:
        return kindText(backup);
    case ContentsColumn:
        return contentsText(backup);
    case StatusColumn:
        // a warning is the sign beside it, and the tooltip; a drill's proof is said after it
        return backup.provenRestorable.isValid() ? tr("%1 · proven").arg(statusText(backup.status)) : statusText(backup.status);
    case PlaceColumn:
        return placeText(placeOf(backup));
    }
    return {};
}

BackupTableModel::Place BackupTableModel::placeOf(const Backup& backup)
{
    return !backup.offsite ? Place::Here : backup.here ? Place::Both : Place::Offsite;
}

QString BackupTableModel::placeText(Place place)
{
    switch (place) {
    case Place::Here:
        return tr("here");
    case Place::Offsite:
        return tr("off-site");
    case Place::Both:
        return tr("here + off-site");
    }
    return {};
}

QVariant BackupTableModel::sortData(const Backup& backup, int column) const
{
    switch (column) {
    case DateColumn:
        return backup.created;
    case SizeColumn:
        return backup.sizeBytes;
    case StatusColumn:
        return int(backup.status);
    default:
        return displayData(backup, column);
    }
}

QVariant BackupTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Name");
    case DateColumn:
        return tr("Date");
    case SizeColumn:
        return tr("Size");
    case KindColumn:
        return tr("Kind");
    case ContentsColumn:
        return tr("Contents");
    case StatusColumn:
        return tr("Status");
    case PlaceColumn:
        return tr("Where");
    }
    return {};
}

QString BackupTableModel::kindText(const Backup& backup)
{
    const std::optional<BackupKind> kind = backup.kind();
    if (!kind)
        return QStringLiteral("—");
    switch (*kind) {
    case BackupKind::Manual:
        return tr("Manual");
    case BackupKind::Scheduled:
        return tr("Scheduled");
    case BackupKind::Safety:
        return tr("Safety copy");
    }
    return {};
}

QString BackupTableModel::contentsText(const Backup& backup)
{
    if (!backup.manifest)
        return QStringLiteral("—");
    QStringList parts;
    if (backup.manifest->database)
        parts << tr("Database");
    for (const SourcePart& source : backup.manifest->sources)
        parts << source.label;
    for (const ObjectsPart& objects : backup.manifest->objects)
        parts << tr("bucket %1").arg(objects.bucket);
    return parts.join(QStringLiteral(", "));
}

QString BackupTableModel::statusText(BackupStatus status)
{
    switch (status) {
    case BackupStatus::Complete:
        return tr("Complete");
    case BackupStatus::Incomplete:
        return tr("Incomplete");
    case BackupStatus::Damaged:
        return tr("Damaged");
    }
    return {};
}

} // namespace coffre
