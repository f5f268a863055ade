#pragma once

#include "JobControl.h"
#include "Result.h"
#include "profile/Profile.h"

#include <QCoreApplication>
#include <QList>
#include <QString>

namespace coffre {

// What the last restore of a repository left behind, from its journal: the folders
// `<dir>.before_restore_<stamp>` / `<dir>.undone_<stamp>` and the databases
// `<db>_before_restore_<stamp>` / `<db>_undone_<stamp>`.
struct RestoreCopies
{
    struct Copy
    {
        QString name;         // a folder path or a database name
        bool database = false;
        quint32 oid = 0;      // databases: the one the journal recorded (0: unknown, dropped by name)
        qint64 bytes = -1;    // -1: not measured
    };

    QString stamp;
    QString backup;
    QString liveDatabase;     // never dropped, whatever the journal says
    QList<Copy> copies;

    qint64 totalBytes() const;
};

// Removing those copies for good (which ends Undo): shared by `coffre-cli cleanup-restore` and
// the window. The caller holds the repository lock, so that no undo swaps a copy back meanwhile.
class RestoreCleanup
{
    Q_DECLARE_TR_FUNCTIONS(RestoreCleanup)

public:
    // From the last-restore journal; folders that are gone already are left out. An error when
    // no restore left a journal.
    // The copies of the profile's last restore; another profile's journal is refused.
    static Result<RestoreCopies> find(const Profile& profile);
    // Sizes of the folders, and of the databases when the server answers; databases that no
    // longer exist are left out then. Blocking I/O: call it on a worker thread.
    static void measure(RestoreCopies& copies, const Profile& profile, const QString& password);
    // The first mount point at or below `path` (from /proc/self/mountinfo), or nothing.
    static QString mountInside(const QString& path);
    // A mounted file system inside a folder copy would have its files deleted through it: refused.
    static Status checkNoMounts(const RestoreCopies& copies);
    // Refuses, before removing anything, a copy that holds a mounted file system (its files would
    // be deleted through it). Then removes the folders, drops the databases and the journal.
    static Status remove(const RestoreCopies& copies, const Profile& profile, const QString& password, JobControl& control);
    // For the window: takes the lock, finds the copies again and removes them, if they are still
    // those of the restore `stamp` that were shown.
    static Result<RestoreCopies> run(const Profile& profile, const QString& stamp, const QString& password, JobControl& control);
};

} // namespace coffre
