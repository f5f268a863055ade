#pragma once

#include "Result.h"
#include "catalog/Backup.h"
#include "jobs/JobControl.h"

#include <QCoreApplication>
#include <QStringList>

namespace coffre {

// Takes chosen files or folders out of a backup into a folder, without restoring anything.
// Each chosen path lands in the destination under its own name ("backend/src/app.js" becomes
// DEST/app.js, "backend/prisma" becomes DEST/prisma with what it holds). Extraction goes through
// SecureExtractor into a hidden staging folder inside DEST; only when every entry is out are the
// results renamed into place, and never over an existing file: all or nothing.
class SelectionExtractor
{
    Q_DECLARE_TR_FUNCTIONS(SelectionExtractor)

public:
    // Returns the paths created in `destination`.
    static Result<QStringList> run(const Backup& backup, const QStringList& paths, const QString& destination,
                                   JobControl& control);
};

} // namespace coffre
