#pragma once

#include "RestoreJournal.h"
#include "postgres/DatabaseAdmin.h"

#include <QCoreApplication>

#include <optional>

namespace coffre {

class JobControl;

// The few renames that put a restore in place, and the same renames backwards. Used by the
// restore itself (and its rollback when a later swap fails), by Undo, and by the recovery that
// runs when Coffre finds the journal of a restore that was killed mid-swap.
class RestoreSwap
{
    Q_DECLARE_TR_FUNCTIONS(RestoreSwap)

public:
    static inline const QString RollbackFailed = QStringLiteral("rollback-failed");

    // Database first (one transaction), then each folder with what its exclusions kept out
    // carried over (RestoreCarry), the journal at `journalPath` rewritten after each step. On
    // failure, what was swapped is put back; if that fails too, the error's code is
    // RollbackFailed and the journal on disk says what is where. What could not be carried
    // over is added to `warnings`.
    static Status apply(RestoreJournal& journal, std::optional<DatabaseAdmin>& admin, JobControl& control,
                        const QString& journalPath, QStringList& warnings);
    // Puts the pre-restore state back, keeping the restored state beside it under "undone" names
    // (the database's in journal.databaseUndone).
    static Status revert(RestoreJournal& journal, std::optional<DatabaseAdmin>& admin, JobControl& control);
    // Whether `name` is the database the journal recorded (by OID), before it is renamed.
    static Status isRecorded(DatabaseAdmin& admin, const QString& name, quint32 oid);

private:
    static Status swapFolder(RestoreJournal::Folder& folder);
    static Status revertFolder(const RestoreJournal::Folder& folder, const QString& stamp, JobControl& control);
};

} // namespace coffre
