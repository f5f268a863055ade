#pragma once

#include "JobControl.h"
#include "Result.h"

#include <QCoreApplication>
#include <QStringList>

namespace coffre {

// Deletes backups by name, and nothing else: each name must be a folder the catalog lists, and a
// folder without manifest is deleted only if everything in it is something a bundle holds (a
// folder of photos that happens to sit in the repository is refused). The folder is first
// renamed to a hidden name, so it leaves the list at once even if removing a big one takes time.
class DeleteJob
{
    Q_DECLARE_TR_FUNCTIONS(DeleteJob)

public:
    // Each backup deleted is a line of the audit log, under `auditAction` (prune when retention deletes).
    static Status run(const QString& repository, const QStringList& names, JobControl& control,
                      const QString& auditAction = QStringLiteral("delete"));
    // Why `name` may not be deleted, or empty when it may.
    static QString refusal(const QString& repository, const QString& name);
};

} // namespace coffre
