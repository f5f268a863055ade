#include "OffsiteCopy.h"

#include "OffsiteStore.h"
#include "jobs/DeleteJob.h"

#include <QFileInfo>

namespace coffre {

Result<Backup> OffsiteCopy::afterCreate(const Backup& made, const BackupRequest& request, std::shared_ptr<JobControl> control)
{
    const s3::S3Location& location = request.profile.offsite;
    auto failed = [&](const Error& error) {
        const QString kept = request.keepLocalCopy ? QString() : tr(" It is kept in %1.").arg(QFileInfo(made.path).path());
        return Error{tr("Backup %1 is complete here, but its off-site copy to %2 failed: %3").arg(made.name, location.url(), error.message) + kept,
                     error.detail, QStringLiteral("offsite-copy-failed")};
    };
    auto store = OffsiteStore::open(location, request.offsiteSecret);
    if (!store.ok())
        return failed(store.error());
    (*store)->setControl(control);
    const auto copied = (*store)->upload(made);
    if (!copied.ok())
        return failed(copied.error());
    control->log(tr("Copied %1 off-site to %2; every checksum matched.").arg(made.name, location.url()));
    if (request.keepLocalCopy)
        return made;
    if (Status removed = DeleteJob::run(QFileInfo(made.path).path(), {made.name}, *control); !removed)
        control->log(removed.error().toLogString());
    return *copied;
}

} // namespace coffre
