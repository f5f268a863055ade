#pragma once

#include "Result.h"
#include "jobs/JobControl.h"

#include <QCoreApplication>

#include <functional>

namespace coffre {

// Extracts a tar (plain, .zst, .gz) or zip into a folder that must not exist yet, and never
// writes outside it. Entries with "..", absolute paths, hard links outside, special files, and
// anything written through a symlink refuse the whole archive (the folder is removed: nothing
// half-extracted stays). Symlinks that point outside (/etc/alternatives/..., ../../x) are skipped,
// never created, and listed: real trees hold such links, and a backup must still restore.
// libarchive's secure flags are on too, as a second lock.
class SecureExtractor
{
    Q_DECLARE_TR_FUNCTIONS(SecureExtractor)

public:
    struct Summary
    {
        qint64 files = 0;
        qint64 bytes = 0;
        QStringList skippedLinks; // symlinks that pointed outside the folder: never created
        // With Hashing::Files: each regular file's SHA-256 (hex) by its path in the archive,
        // taken as it was written, so nothing needs reading twice (an import checks them all).
        QHash<QByteArray, QString> sha256;
        // With Hashing::Archives: each archive file's SHA-256 (hex) by its path, taken as it was
        // read (a restore compares them with the manifest before swapping anything in).
        QHash<QString, QString> archiveSha256;
    };

    // Given a path without "./" ("src/app.js"), whether to extract that entry.
    using EntryFilter = std::function<bool(const QByteArray& path)>;

    // Who owns what comes out. Archived: the owners the archive records (by number), only when
    // running as root (anyone else cannot give files away); a restore wants them back. Imports and
    // extractions keep Mine: an archive from elsewhere must not hand files to its own uids.
    enum class Owners { Mine, Archived };
    enum class Hashing { None, Files, Archives };

    // `maxBytes` (when > 0) caps what may be written: an archive that says it holds more is a bomb.
    // `wanted`, when given, picks the entries to extract; the others are read past, never written.
    static Result<Summary> extract(const QString& archivePath, const QString& target, JobControl& control,
                                   qint64 maxBytes = 0, const EntryFilter& wanted = {}, Owners owners = Owners::Mine,
                                   Hashing hashing = Hashing::None);
    // A source root's packs, extracted as the one archive they make (ArchiveInput).
    static Result<Summary> extract(const QStringList& archivePaths, const QString& target, JobControl& control,
                                   qint64 maxBytes = 0, const EntryFilter& wanted = {}, Owners owners = Owners::Mine,
                                   Hashing hashing = Hashing::None);

    // The checks, public for the tests: a relative path that stays inside its root.
    static bool isSafeEntryPath(const QByteArray& path);
    // A symlink at `entryPath` pointing at `linkTarget` stays inside the root.
    static bool isSafeLinkTarget(const QByteArray& entryPath, const QByteArray& linkTarget);
};

} // namespace coffre
