#pragma once

#include "CompressedFileWriter.h"
#include "PreviousPacks.h"
#include "SourceTree.h"

#include <QHash>

#include <optional>

#include <functional>

namespace coffre {

// Writes a scanned source tree as a POSIX (pax) tar stream, through libarchive, into a
// CompressedFileWriter: modes and times kept, names as raw bytes, symlinks stored as links, never
// followed, every file opened relative to its parent folder's descriptor. A file that cannot be
// read stops the backup with its name; one deleted since the scan is reported in `vanished`.
class TreeArchiver
{
    Q_DECLARE_TR_FUNCTIONS(TreeArchiver)

public:
    using StopCheck = std::function<bool()>;

    // `stop` is polled between chunks. `archivedBytes` receives the file bytes actually written:
    // files may have grown or shrunk since the scan, and the manifest must say what is inside.
    static Status write(const SourceTree& tree, CompressedFileWriter& out, JobControl& control, const StopCheck& stop,
                        qint64* archivedBytes = nullptr, QList<QByteArray>* vanished = nullptr);

    // Where packs go, and the earlier packs they may be links to.
    struct PackTarget
    {
        QString bundleDir;       // the bundle folder being written
        QString folder;          // bundle path of the packs' folder: "sources/backend"
        Compression compression = Compression::Zstd;
        QHash<QString, ReusablePack> previous; // by fingerprint (PreviousPacks)
        std::optional<PackSeal> seal;          // seals the packs written; none: nothing to link later
    };
    struct PackedTree
    {
        QList<SourcePack> packs;
        QList<BundleFile> files; // one per pack, for the manifest's list
        qint64 archivedBytes = 0;
        QList<QByteArray> vanished;
        int reusedPacks = 0;
        qint64 reusedBytes = 0;  // compressed bytes linked rather than written
    };

    // The same tree as a run of packs (docs/DECISIONS.md 66): each a complete archive of a run of
    // entries, ended where the path's hash says (so one added file moves no other boundary), a
    // large file alone. A pack whose entries' paths and stat data (size, times, inode, mode,
    // owner, link target) are those of an earlier pack is a hard link to it, not written again.
    static Result<PackedTree> writePacks(const SourceTree& tree, const PackTarget& target, JobControl& control,
                                         const StopCheck& stop);
    // The index in tree.entries of each pack's first entry (the first is 0).
    static QList<qsizetype> packStarts(const SourceTree& tree);
};

} // namespace coffre
