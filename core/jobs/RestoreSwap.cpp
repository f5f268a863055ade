#include "RestoreSwap.h"

#include "JobControl.h"
#include "RestoreCarry.h"
#include "postgres/DatabaseNames.h"
#include "util/SyncTree.h"

#include <QDir>
#include <QFileInfo>

#include <cstdio>

namespace coffre {
namespace {

Status renamePath(const QString& from, const QString& to)
{
    if (std::rename(QFile::encodeName(from).constData(), QFile::encodeName(to).constData()) != 0)
        return Error{RestoreSwap::tr("Could not rename “%1” to “%2”.").arg(from, to), QString::fromLocal8Bit(std::strerror(errno))};
    return {};
}

} // namespace

Status RestoreSwap::swapFolder(RestoreJournal::Folder& folder)
{
    folder.hadOriginal = QFileInfo::exists(folder.path);
    if (folder.hadOriginal) {
        if (Status kept = renamePath(folder.path, folder.before); !kept)
            return kept;
    }
    if (Status placed = renamePath(folder.staging, folder.path); !placed) {
        if (folder.hadOriginal)
            renamePath(folder.before, folder.path);
        return placed;
    }
    return {};
}

Status RestoreSwap::revertFolder(const RestoreJournal::Folder& folder, const QString& stamp, JobControl& control)
{
    if (folder.hadOriginal && !QFileInfo::exists(folder.before))
        return {}; // never swapped
    if (folder.hadOriginal && QFileInfo::exists(folder.path))
        RestoreCarry::carryBack(folder, control);
    if (QFileInfo::exists(folder.path)) {
        if (Status kept = renamePath(folder.path, folder.path + QStringLiteral(".undone_") + stamp); !kept)
            return kept;
    }
    return folder.hadOriginal ? renamePath(folder.before, folder.path) : Status();
}

Status RestoreSwap::isRecorded(DatabaseAdmin& admin, const QString& name, quint32 oid)
{
    const Result<quint32> actual = admin.oidOf(name);
    if (!actual)
        return actual.error();
    if (oid != 0 && *actual != oid)
        return Error{tr("The database “%1” is not the one the restore journal recorded: it was left alone.").arg(name), {}};
    return {};
}

Status RestoreSwap::apply(RestoreJournal& journal, std::optional<DatabaseAdmin>& admin, JobControl& control,
                          const QString& journalPath, QStringList& warnings)
{
    if (!journal.database.isEmpty()) {
        control.setPhase(tr("Putting the restored database in place…"));
        Status swapped = isRecorded(*admin, journal.database, journal.databaseOid);
        if (swapped)
            swapped = isRecorded(*admin, journal.databaseRestored, journal.restoredOid);
        if (swapped)
            swapped = admin->swap(journal.database, journal.databaseBefore, journal.databaseRestored);
        if (!swapped)
            return swapped;
    }
    for (qsizetype i = 0; i < journal.folders.size(); ++i) {
        RestoreJournal::Folder& folder = journal.folders[i];
        control.setPhase(tr("Putting “%1” in place…").arg(folder.path));
        Status swapped = swapFolder(folder);
        journal.write(journalPath); // what was moved where, in case this process dies now
        qsizetype swappedCount = i;
        if (swapped) {
            // What backups leave out (dependencies, local settings, uploads, logs) comes along, so
            // the application still runs; listed in the journal before anything moves.
            swappedCount = i + 1;
            // The renames on disk: the journal about to say "done" must not outlive them.
            swapped = syncFolder(QFileInfo(folder.path).absolutePath());
            if (swapped)
                swapped = RestoreCarry::plan(folder, control);
            if (swapped) // the carry is undone from this list: without it written, no carry
                swapped = journal.write(journalPath);
            if (swapped) {
                warnings += RestoreCarry::carry(folder, control);
                journal.write(journalPath);
            }
        }
        if (!swapped) {
            control.log(swapped.error().toLogString());
            // Put back what was already swapped: all or nothing.
            RestoreJournal done = journal;
            done.folders = journal.folders.mid(0, swappedCount);
            if (Status reverted = revert(done, admin, control); !reverted) {
                control.log(reverted.error().toLogString());
                return Error{tr("%1 Putting the previous state back failed too; Coffre will try again at its next start.")
                                 .arg(swapped.error().message),
                             reverted.error().toLogString(), RollbackFailed};
            }
            return swapped;
        }
    }
    return {};
}

Status RestoreSwap::revert(RestoreJournal& journal, std::optional<DatabaseAdmin>& admin, JobControl& control)
{
    Status result;
    for (qsizetype i = journal.folders.size() - 1; i >= 0; --i) {
        RestoreJournal::Folder& folder = journal.folders[i];
        if (folder.reverted)
            continue; // an earlier undo that stopped halfway did this one
        if (Status reverted = revertFolder(folder, journal.stamp, control); !reverted) {
            control.log(reverted.error().toLogString());
            result = reverted;
        } else {
            folder.reverted = true;
        }
    }
    if (!journal.database.isEmpty() && admin && admin->exists(journal.database))
        admin->setAllowConnections(journal.database, true); // a swap cut short may have left it closed
    if (!journal.database.isEmpty() && !journal.databaseReverted && admin && admin->exists(journal.databaseBefore)) {
        control.setPhase(tr("Putting the previous database back…"));
        // The live name holds the database the restore created, the kept name the one it replaced.
        Status swapped = isRecorded(*admin, journal.database, journal.restoredOid);
        if (swapped)
            swapped = isRecorded(*admin, journal.databaseBefore, journal.databaseOid);
        journal.databaseUndone = DatabaseNames::unused(journal.database, QStringLiteral("undone_") + journal.stamp,
                                                       [&admin](const QString& name) { return admin->exists(name); });
        if (swapped && journal.databaseUndone.isEmpty())
            swapped = Error{tr("No free name is left to keep the restored database aside."), {}};
        if (swapped)
            swapped = admin->swap(journal.database, journal.databaseUndone, journal.databaseBefore);
        if (!swapped)
            result = swapped;
        else
            journal.databaseReverted = true;
    }
    return result;
}

} // namespace coffre
