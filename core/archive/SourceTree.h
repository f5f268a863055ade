#pragma once

#include "Result.h"
#include "jobs/JobControl.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QStringList>

namespace coffre {

// Names or patterns to leave out, as seed 000's rsync --exclude: a pattern without '/' matches a
// file or folder name anywhere in the tree ("node_modules", "*.log"); with '/', it matches the
// path from the root ("backend/uploads/tmp").
class Exclusions
{
public:
    explicit Exclusions(const QStringList& patterns);
    bool excludes(const QByteArray& relativePath, const QByteArray& name) const;

private:
    QList<QByteArray> m_namePatterns;
    QList<QByteArray> m_pathPatterns;
};

// What one source root holds once exclusions are applied: the list the archiver writes, in a
// stable order (folders before their contents), and the totals for progress and the manifest.
struct SourceTree
{
    enum class Type { Directory, File, Symlink };
    struct Entry
    {
        QByteArray path; // relative to the root, '/' separated, in the file system's encoding
        Type type;
        qint64 size;
    };

    QString root;
    QList<Entry> entries;
    qint64 fileCount = 0;
    qint64 bytes = 0;
    QStringList skipped; // sockets, devices: named in the log, never archived
    QList<QByteArray> excluded; // what the exclusions left out, outermost only (never entered)
};

class SourceTreeScanner
{
    Q_DECLARE_TR_FUNCTIONS(SourceTreeScanner)

public:
    static Result<SourceTree> scan(const QString& root, const Exclusions& exclusions, JobControl* control = nullptr);
};

} // namespace coffre
