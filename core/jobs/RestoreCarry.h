#pragma once

#include "RestoreJournal.h"
#include "catalog/Manifest.h"

#include <QCoreApplication>

namespace coffre {

class JobControl;

// What backups leave out (node_modules, .env.local, *.log, public/uploads, at any depth) is not
// in a restored tree, and the application needs it: it is carried by rename from the tree the
// restore replaces into the restored one, and back on undo. Paths are relative to the folder
// and recorded in the journal before anything moves, so that a killed process can be put back.
class RestoreCarry
{
    Q_DECLARE_TR_FUNCTIONS(RestoreCarry)

public:
    // The profile's exclusions and the backup's own for this folder: both were left out.
    static QStringList patterns(const QStringList& profileExclusions, const SourcePart& part);

    // After the swap (old tree at `before`, restored tree at `path`): lists in folder.movedBack
    // what the patterns exclude in the old tree, and in folder.createdDirs the folders the
    // restored tree lacks to hold them. Fails when the old tree cannot be read.
    static Status plan(RestoreJournal::Folder& folder, JobControl& control);
    // Moves what plan() listed. A path the restored tree has already keeps the restored one
    // (the old one stays in `before`, logged). Leaves in the lists only what was done, and
    // returns, for people to read, what could not be carried (a mount point: EBUSY): the
    // application may miss it, so it must not end as a log line only.
    static QStringList carry(RestoreJournal::Folder& folder, JobControl& control);
    // Puts back what carry() moved and removes the folders it made (when empty again). Also
    // right after a crash mid-carry: only a path gone from `before` and present in the
    // restored tree is moved back.
    static void carryBack(const RestoreJournal::Folder& folder, JobControl& control);
};

} // namespace coffre
