#pragma once

#include "Result.h"
#include "archive/ArchiveInput.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QString>

#include <functional>
#include <memory>

struct archive;
struct archive_entry;

namespace coffre {

// One entry of an archive as people see it: "src/app.js", never "./src/app.js" or "src/".
struct ArchiveEntry
{
    enum class Type : quint8 { File, Directory, Symlink, Other };
    QString path;
    Type type = Type::File;
    qint64 size = 0;
    qint64 modified = 0; // seconds since the epoch
    QString linkTarget;
};

// Reads a tar (plain, .zst, .gz) or zip entry by entry, for browsing: headers, and the data of
// the entries the caller wants. It never writes anything (SecureExtractor does that).
class ArchiveReader
{
    Q_DECLARE_TR_FUNCTIONS(ArchiveReader)

public:
    ArchiveReader();
    ~ArchiveReader();

    Status open(const QString& archivePath);
    // A source root's packs, read one after the other as one archive (ArchiveInput).
    Status open(const QStringList& archivePaths);
    // The next entry; false at the end or on an error (then `status()` says which).
    bool next(ArchiveEntry& entry);
    const Status& status() const { return m_status; }
    // The current entry's bytes, chunk by chunk, until `sink` returns false or the data ends.
    Status readData(const std::function<bool(const char* data, qint64 size)>& sink);

    // "./a/b/" → "a/b"; "./" → "".
    static QString normalizedPath(const QByteArray& raw);

private:
    Status damaged(const QString& detail);

    QString m_name;
    ArchiveInput m_input; // declared before m_archive: freed after it, as libarchive closes it
    std::unique_ptr<archive, int (*)(archive*)> m_archive;
    Status m_status;
};

} // namespace coffre
