#include "FileTreeModel.h"

#include "util/HumanSize.h"

#include <QApplication>
#include <QDateTime>
#include <QLocale>
#include <QStyle>

namespace coffre {

FileTreeModel::FileTreeModel(QObject* parent) : QAbstractItemModel(parent)
{
    QStyle* style = QApplication::style();
    m_folderIcon = style->standardIcon(QStyle::SP_DirIcon);
    m_fileIcon = style->standardIcon(QStyle::SP_FileIcon);
    m_linkIcon = style->standardIcon(QStyle::SP_FileLinkIcon);
}

void FileTreeModel::setTree(std::shared_ptr<const FileTree> tree)
{
    beginResetModel();
    m_tree = std::move(tree);
    m_filtering = false;
    m_matches.clear();
    endResetModel();
}

int FileTreeModel::setFilter(const QString& text)
{
    beginResetModel();
    m_filtering = m_tree && !text.trimmed().isEmpty();
    m_matches = m_filtering ? m_tree->search(text.trimmed(), MaxMatches) : QList<int>();
    endResetModel();
    return int(m_matches.size());
}

int FileTreeModel::nodeAt(const QModelIndex& index) const
{
    return index.isValid() ? int(index.internalId()) : (m_tree ? m_tree->rootIndex() : -1);
}

QModelIndex FileTreeModel::indexOfNode(int node) const
{
    if (!m_tree || m_filtering || node <= m_tree->rootIndex())
        return {};
    return createIndex(m_tree->node(node).row, 0, quintptr(node));
}

QString FileTreeModel::pathAt(const QModelIndex& index) const
{
    return m_tree && index.isValid() ? m_tree->pathOf(nodeAt(index)) : QString();
}

QModelIndex FileTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (!m_tree || row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (m_filtering)
        return !parent.isValid() && row < m_matches.size() ? createIndex(row, column, quintptr(m_matches[row])) : QModelIndex();
    const FileTree::Node& node = m_tree->node(nodeAt(parent));
    return row < node.children.size() ? createIndex(row, column, quintptr(node.children[row])) : QModelIndex();
}

QModelIndex FileTreeModel::parent(const QModelIndex& child) const
{
    if (!m_tree || !child.isValid() || m_filtering)
        return {};
    const int parent = m_tree->node(nodeAt(child)).parent;
    if (parent <= m_tree->rootIndex())
        return {};
    return createIndex(m_tree->node(parent).row, 0, quintptr(parent));
}

int FileTreeModel::rowCount(const QModelIndex& parent) const
{
    if (!m_tree || parent.column() > 0)
        return 0;
    if (m_filtering)
        return parent.isValid() ? 0 : int(m_matches.size());
    return int(m_tree->node(nodeAt(parent)).children.size());
}

int FileTreeModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

bool FileTreeModel::hasChildren(const QModelIndex& parent) const
{
    return rowCount(parent) > 0;
}

QVariant FileTreeModel::data(const QModelIndex& index, int role) const
{
    if (!m_tree || !index.isValid())
        return {};
    const FileTree::Node& node = m_tree->node(nodeAt(index));
    const bool folder = node.type == ArchiveEntry::Type::Directory;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn: return m_filtering ? pathAt(index) : node.name;
        case SizeColumn: return humanSize(node.size);
        case ModifiedColumn:
            return node.modified > 0 ? QDateTime::fromSecsSinceEpoch(node.modified).toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QVariant();
        }
        break;
    case Qt::DecorationRole:
        if (index.column() == NameColumn)
            return folder ? m_folderIcon : node.type == ArchiveEntry::Type::Symlink ? m_linkIcon : m_fileIcon;
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == SizeColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case Qt::ToolTipRole:
        if (node.type == ArchiveEntry::Type::Symlink)
            return tr("Link to %1").arg(node.linkTarget);
        return pathAt(index);
    case PathRole:
        return pathAt(index);
    }
    return {};
}

QVariant FileTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Name");
    case SizeColumn: return tr("Size");
    case ModifiedColumn: return tr("Modified");
    }
    return {};
}

} // namespace coffre
