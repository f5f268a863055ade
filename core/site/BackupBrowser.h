#pragma once

#include "Result.h"
#include "browse/BackupFiles.h"
#include "browse/DumpContents.h"
#include "browse/FileTree.h"
#include "browse/TreeComparison.h"

namespace coffre {

class JobControl;

// What Browse reads from one backup, wherever it is: on this computer the bundle's files, on a
// server its coffre-cli (browse --tree, --path, --database; diff). Blocking: for worker threads.
class BackupBrowser
{
public:
    virtual ~BackupBrowser() = default;
    virtual Result<FileTree> files(JobControl& control) const = 0;
    virtual Result<FilePreview> preview(const QString& path) const = 0;
    virtual Result<QList<DumpObject>> databaseObjects(JobControl& control) const = 0;
    // The backup's folders against the same folders as they are now, where they are.
    virtual Result<TreeChanges> compare(JobControl& control) const = 0;
    // Copies files out into a folder of this computer; false: not offered (a server's backup).
    virtual bool canExtract() const = 0;
    virtual Result<QStringList> extract(const QStringList& paths, const QString& folder, JobControl& control) const = 0;
};

} // namespace coffre
