#include "FileTree.h"

#include <QCollator>
#include <QLocale>

#include <algorithm>
#include <vector>

namespace coffre {

FileTree::FileTree()
{
    m_nodes.append(Node{});
    m_byPath.insert(QString(), 0);
}

int FileTree::addNode(const QString& path, Node node)
{
    const int index = int(m_nodes.size());
    m_nodes[node.parent].children.append(index);
    m_nodes.append(std::move(node));
    m_byPath.insert(path, index);
    return index;
}

// The folder node for `path`, made (with its parents) when the archive never listed it.
int FileTree::folderFor(const QString& path)
{
    if (const auto found = m_byPath.constFind(path); found != m_byPath.constEnd())
        return *found;
    const qsizetype slash = path.lastIndexOf(u'/');
    Node folder;
    folder.name = path.mid(slash + 1);
    folder.parent = folderFor(slash < 0 ? QString() : path.left(slash));
    return addNode(path, std::move(folder));
}

void FileTree::add(const QString& label, const QList<ArchiveEntry>& entries)
{
    const int top = folderFor(label);
    for (const ArchiveEntry& entry : entries) {
        if (entry.path.isEmpty()) { // the archive's root folder
            m_nodes[top].modified = entry.modified;
            continue;
        }
        const QString path = label + u'/' + entry.path;
        if (entry.type == ArchiveEntry::Type::Directory) {
            m_nodes[folderFor(path)].modified = entry.modified;
            continue;
        }
        const qsizetype slash = path.lastIndexOf(u'/');
        Node node;
        node.name = path.mid(slash + 1);
        node.parent = folderFor(path.left(slash));
        node.type = entry.type;
        node.size = entry.size;
        node.modified = entry.modified;
        node.linkTarget = entry.linkTarget;
        if (const auto existing = m_byPath.constFind(path); existing != m_byPath.constEnd()) {
            m_nodes[*existing] = std::move(node); // a later copy of the same name wins, as in tar
            continue;
        }
        addNode(path, std::move(node));
        ++m_files;
    }
}

void FileTree::finish()
{
    // A node always comes after its parent: summing from the end reaches every folder once.
    for (int i = int(m_nodes.size()) - 1; i > 0; --i)
        m_nodes[m_nodes[i].parent].size += m_nodes[i].size;
    // Natural order, as file managers show names: file2 before file10, case ignored. Sort keys are
    // made once per name: comparing them is a memcmp, where QCollator::compare would be slow on
    // 100,000 entries.
    // The C locale's collation knows neither numbers nor case: English rules then.
    QCollator collator(QLocale().language() == QLocale::C ? QLocale(QLocale::English) : QLocale());
    collator.setNumericMode(true);
    collator.setCaseSensitivity(Qt::CaseInsensitive);
    std::vector<QCollatorSortKey> keys;
    keys.reserve(m_nodes.size());
    for (const Node& node : m_nodes)
        keys.push_back(collator.sortKey(node.name));
    for (Node& node : m_nodes) {
        std::sort(node.children.begin(), node.children.end(), [this, &keys](int a, int b) {
            const bool folderA = m_nodes[a].type == ArchiveEntry::Type::Directory;
            const bool folderB = m_nodes[b].type == ArchiveEntry::Type::Directory;
            if (folderA != folderB)
                return folderA;
            const int order = keys[size_t(a)].compare(keys[size_t(b)]);
            return order != 0 ? order < 0 : m_nodes[a].name < m_nodes[b].name;
        });
        for (int row = 0; row < node.children.size(); ++row)
            m_nodes[node.children[row]].row = row;
    }
}

QString FileTree::pathOf(int index) const
{
    QString path = m_nodes[index].name;
    for (int at = m_nodes[index].parent; at > 0; at = m_nodes[at].parent)
        path = m_nodes[at].name + u'/' + path;
    return path;
}

int FileTree::find(const QString& path) const
{
    QString key = path;
    while (key.endsWith(u'/'))
        key.chop(1);
    return m_byPath.value(key, -1);
}

QList<int> FileTree::search(const QString& text, int limit) const
{
    QList<int> found;
    QList<int> pending{0};
    while (!pending.isEmpty() && found.size() < limit) { // depth first, in display order
        const int index = pending.takeLast();
        const Node& node = m_nodes[index];
        if (node.type != ArchiveEntry::Type::Directory) {
            if (pathOf(index).contains(text, Qt::CaseInsensitive))
                found.append(index);
            continue;
        }
        for (auto child = node.children.crbegin(); child != node.children.crend(); ++child)
            pending.append(*child);
    }
    return found;
}

} // namespace coffre
