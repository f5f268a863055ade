#pragma once

#include "Result.h"
#include "catalog/Backup.h"
#include "jobs/BackupJob.h"
#include "jobs/JobControl.h"

#include <QCoreApplication>

#include <memory>

namespace coffre {

// The step after a backup when its profile copies backups off-site.
class OffsiteCopy
{
    Q_DECLARE_TR_FUNCTIONS(OffsiteCopy)

public:
    // Copies the complete `made` to request.profile.offsite. A failed copy leaves the backup here
    // whole and says so (code "offsite-copy-failed": a cron run exits 1). Without
    // request.keepLocalCopy, the local bundle goes once the copy is verified, and the result is
    // the off-site backup.
    static Result<Backup> afterCreate(const Backup& made, const BackupRequest& request, std::shared_ptr<JobControl> control);
};

} // namespace coffre
