#pragma once

#include "Result.h"
#include "catalog/Backup.h"
#include "jobs/JobControl.h"
#include "profile/Profile.h"
#include "s3/S3Location.h"

#include <QCoreApplication>
#include <QStringList>

namespace coffre {

// What changed in the source folders and the bucket since a backup: paths start with the
// source's label, or the bucket's folder as Browse shows it ("documents/invoices/a.pdf").
struct TreeChanges
{
    QStringList added;     // on disk now, not in the backup
    QStringList removed;   // in the backup, gone from disk
    QStringList changed;   // in both, with other content (or another type, or another link target)
    qint64 unchanged = 0;
    QStringList missingRoots; // "backend: /srv/app/backend": folders that are not there at all, buckets out of reach
    bool isEmpty() const { return added.isEmpty() && removed.isEmpty() && changed.isEmpty(); }
};

// Compares each source archive of a backup with its folder as it is now, leaving out what the
// backup left out (its exclusions). Files of the same size and second of modification are taken
// as unchanged, as rsync does, unless touched since the backup began; otherwise, for the same
// size, the contents are compared.
// Folders themselves are not listed, only files and links.
class TreeComparison
{
    Q_DECLARE_TR_FUNCTIONS(TreeComparison)

public:
    // `current`: where each label's folder is now (the profile's roots); a label not there is
    // compared with the path the manifest recorded.
    // `documents`: where the bucket is now (the profile's); empty: where the manifest says it was.
    // Objects are compared by size and ETag (BucketComparison).
    static Result<TreeChanges> run(const Backup& backup, const QList<SourceRoot>& current, JobControl& control,
                                   const s3::S3Location& documents = {}, const QString& documentsSecret = {});
};

} // namespace coffre
