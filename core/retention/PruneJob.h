#pragma once

#include "RetentionPolicy.h"
#include "Result.h"
#include "jobs/JobControl.h"
#include "s3/S3Location.h"

#include <QCoreApplication>

namespace coffre {

struct PruneOutcome
{
    QList<RetentionDecision> decisions; // every backup, newest first, with why it stays or goes
    bool dryRun = true;
    qint64 freed = 0; // worked out before anything is deleted (shared packs free nothing)
    QStringList removed() const { return RetentionPolicy::pruned(decisions); }
    qint64 bytesFreed() const { return freed; }
};

// Applies a profile's retention to its repository, or to its off-site copies (their own rules,
// the local pins). A dry run decides and deletes nothing; a real one deletes what the decision
// says and nothing else (each through DeleteJob or OffsiteStore::remove, so a folder that is not
// a backup is never touched).
class PruneJob
{
    Q_DECLARE_TR_FUNCTIONS(PruneJob)

public:
    static Result<PruneOutcome> run(const QString& repository, const RetentionRules& rules, bool dryRun, JobControl& control);
    static Result<PruneOutcome> runOffsite(const s3::S3Location& location, const QString& secret, const QString& pinsRepository,
                                           const RetentionRules& rules, bool dryRun, std::shared_ptr<JobControl> control);
};

} // namespace coffre
