#pragma once

#include "browse/FileTree.h"

#include <QAbstractItemModel>
#include <QIcon>

#include <memory>

namespace coffre {

// A backup's files for a QTreeView: the tree as it is, or, while a filter is typed, the flat
// list of matching files with their full paths. Views only ask for the rows they show, so a
// tree of 100,000 entries costs nothing until folders are opened.
class FileTreeModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, SizeColumn, ModifiedColumn, ColumnCount };
    static constexpr int PathRole = Qt::UserRole + 1;
    static constexpr int MaxMatches = 5000;

    explicit FileTreeModel(QObject* parent = nullptr);

    void setTree(std::shared_ptr<const FileTree> tree);
    const FileTree* tree() const { return m_tree.get(); }
    // Empty text: the tree again. Returns how many files match (at most MaxMatches are listed).
    int setFilter(const QString& text);
    bool filtering() const { return m_filtering; }
    QString pathAt(const QModelIndex& index) const;
    int nodeAt(const QModelIndex& index) const;
    QModelIndex indexOfNode(int node) const; // in the tree, not in a filtered list

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::shared_ptr<const FileTree> m_tree;
    bool m_filtering = false;
    QList<int> m_matches;
    QIcon m_folderIcon, m_fileIcon, m_linkIcon;
};

} // namespace coffre
