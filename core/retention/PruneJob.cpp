#include "PruneJob.h"

#include "Pins.h"
#include "audit/AuditLog.h"
#include "catalog/Catalog.h"
#include "jobs/DeleteJob.h"
#include "offsite/OffsiteStore.h"

namespace coffre {

Result<PruneOutcome> PruneJob::run(const QString& repository, const RetentionRules& rules, bool dryRun, JobControl& control)
{
    const auto scan = Catalog::scan(repository);
    if (!scan.ok())
        return scan.error();
    PruneOutcome outcome{RetentionPolicy::decide(scan->backups, rules, Pins::read(repository)), dryRun};
    outcome.freed = RetentionPolicy::bytesFreed(outcome.decisions);
    const QStringList names = outcome.removed();
    control.log(tr("Retention (%1): %n backup(s) to remove.", nullptr, int(names.size())).arg(rules.describe()));
    if (dryRun || names.isEmpty())
        return outcome;
    control.setPhase(tr("Removing old backups…"));
    if (Status removed = DeleteJob::run(repository, names, control, AuditAction::Prune); !removed)
        return removed.error();
    return outcome;
}

Result<PruneOutcome> PruneJob::runOffsite(const s3::S3Location& location, const QString& secret, const QString& pinsRepository,
                                          const RetentionRules& rules, bool dryRun, std::shared_ptr<JobControl> control)
{
    auto store = OffsiteStore::open(location, secret);
    if (!store.ok())
        return store.error();
    (*store)->setControl(control);
    const auto listed = (*store)->list();
    if (!listed.ok())
        return listed.error();
    PruneOutcome outcome{RetentionPolicy::decide(*listed, rules, Pins::read(pinsRepository)), dryRun};
    outcome.freed = RetentionPolicy::bytesFreed(outcome.decisions);
    if (dryRun)
        return outcome;
    control->setPhase(tr("Removing old off-site copies…"));
    const QString profile = AuditLog::profileOf(pinsRepository);
    for (const RetentionDecision& decision : outcome.decisions) {
        if (decision.keep)
            continue;
        const QString& name = decision.backup.name;
        if (control->isCanceled())
            return Error{tr("Canceled."), {}, ErrorCode::Canceled};
        // In the local repository's log: the off-site storage has none of its own.
        AuditRecord audit(pinsRepository, AuditAction::Prune, profile, name);
        const Status removed = (*store)->remove(name);
        audit.finish(removed, decision.backup.sizeBytes, tr("off-site copy in %1").arg(location.url()));
        if (!removed)
            return removed.error();
        control->log(tr("Removed %1 from %2.").arg(name, location.url()));
    }
    return outcome;
}

} // namespace coffre
