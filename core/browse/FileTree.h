#pragma once

#include "ArchiveReader.h"

#include <QHash>
#include <QList>
#include <QString>

namespace coffre {

// The files of a backup as one tree: each source root is a top folder named by its label
// ("backend/src/app.js"). Built once on a worker, then read by the window's model and the CLI.
// Nodes live in one array (index 0 is the root) so that 100,000 entries cost one allocation
// each and a lookup by path is a hash probe.
class FileTree
{
public:
    struct Node
    {
        QString name;
        int parent = -1;
        QList<int> children; // folders first, then by name, once `finish()` ran
        int row = 0;         // this node's place among its parent's children, once `finish()` ran
        ArchiveEntry::Type type = ArchiveEntry::Type::Directory;
        qint64 size = 0;     // a folder's is the sum of the files below it
        qint64 modified = 0;
        QString linkTarget;
    };

    FileTree();

    // Adds the entries of one archive below the top folder `label`.
    void add(const QString& label, const QList<ArchiveEntry>& entries);
    // Sorts children and sums folder sizes: call once after the last add().
    void finish();

    int rootIndex() const { return 0; }
    const Node& node(int index) const { return m_nodes[index]; }
    int nodeCount() const { return int(m_nodes.size()); }
    qint64 fileCount() const { return m_files; }
    QString pathOf(int index) const;      // "backend/src/app.js"
    int find(const QString& path) const;  // -1 when absent
    // Files and links whose path contains `text` (case-insensitive), at most `limit`, in tree order.
    QList<int> search(const QString& text, int limit) const;

private:
    int folderFor(const QString& path);
    int addNode(const QString& path, Node node);

    QList<Node> m_nodes;
    QHash<QString, int> m_byPath;
    qint64 m_files = 0;
};

} // namespace coffre
