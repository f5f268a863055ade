#pragma once

#include "PackSeal.h"
#include "catalog/Manifest.h"

#include <QHash>
#include <QString>

namespace coffre {

// A pack of an earlier backup that a new backup may hard-link instead of writing it again.
struct ReusablePack
{
    QString path;      // absolute path of the pack file in the earlier bundle
    BundleFile file;   // its size and SHA-256, as that bundle's manifest lists them
    qint64 entries = 0; // what it holds, as the manifest says: linked only when the same now
    qint64 bytes = 0;
};

// Finds, by fingerprint, the packs of one source root in the newest backups of a repository: a
// daily backup of an unchanged tree links them all and writes almost nothing.
class PreviousPacks
{
public:
    // The packs of the root labelled `label` in the newest `backups` backups of `repository` that
    // have it (newest first wins), whose seal `seal` checks: packs this user's backups wrote. Reads
    // only manifests; a folder that is not a complete backup is passed over.
    static QHash<QString, ReusablePack> find(const QString& repository, const QString& label, const PackSeal& seal,
                                             int backups = 3);
};

} // namespace coffre
