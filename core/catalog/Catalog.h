#pragma once

#include "Backup.h"
#include "Result.h"
#include "audit/AuditLog.h"
#include "storage/DiskUsage.h"
#include "jobs/RestoreJournal.h"
#include "profile/Profile.h"

#include <QCoreApplication>
#include <QList>

namespace coffre {

// What a repository folder holds right now.
struct RepositoryScan
{
    QString repository;
    QList<Backup> backups; // sorted newest first
    qint64 totalBytes = 0; // on disk: a pack shared by several backups (hard links) counted once
    DiskUsage disk;
    bool restoreUndoable = false;    // the last restore's journal is there: Undo can run
    RestoreJournal lastRestore;      // what Undo would put back, when restoreUndoable
    bool restoreInterrupted = false; // a restore died mid-swap: its journal asks for recovery
    Profile targetProfile;           // the profile as the jobs see it where they run (BackupSite::scan)
    std::optional<AuditEntry> lastScheduledRun; // from the audit log: the window's "last run"
};

// Scans a local repository folder. Blocking file I/O: call it from a worker thread
// (CatalogWatcher does), never from the GUI thread.
class Catalog
{
    Q_DECLARE_TR_FUNCTIONS(Catalog)

public:
    static Result<RepositoryScan> scan(const QString& repository);
    // One backup folder; `repository/name` must be a valid backup name.
    static Backup inspect(const QString& repository, const QString& name);
};

} // namespace coffre
