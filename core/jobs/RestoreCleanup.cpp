#include "RestoreCleanup.h"

#include "util/RemoveTree.h"

#include "RestoreJournal.h"
#include "postgres/DatabaseAdmin.h"
#include "storage/RepositoryLock.h"
#include "util/FolderSize.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace coffre {
namespace {

QString journalPath(const QString& repository)
{
    return QDir(repository).filePath(QLatin1String(RestoreJournal::LastFile));
}

} // namespace

qint64 RestoreCopies::totalBytes() const
{
    qint64 total = 0;
    for (const Copy& copy : copies)
        total += qMax<qint64>(0, copy.bytes);
    return total;
}

Result<RestoreCopies> RestoreCleanup::find(const Profile& profile)
{
    const Result<RestoreJournal> journal = RestoreJournal::read(journalPath(profile.repository));
    if (!journal)
        return Error{tr("There are no before-restore copies to remove."), journal.error().toLogString()};
    if (Status mine = journal->belongsTo(profile.name); !mine)
        return mine.error();
    RestoreCopies found;
    found.stamp = journal->stamp;
    found.backup = journal->backup;
    found.liveDatabase = journal->database;
    for (const RestoreJournal::Folder& folder : journal->folders) {
        for (const QString& path : {folder.before, folder.path + QStringLiteral(".undone_") + journal->stamp})
            if (QFileInfo::exists(path) || QFileInfo(path).isSymLink()) // a link is removed as a link (removeTree)
                found.copies.append({path, false, 0, -1});
    }
    if (!journal->database.isEmpty()) {
        const QString undone = journal->databaseUndone.isEmpty() ? journal->database + QStringLiteral("_undone_") + journal->stamp
                                                                 : journal->databaseUndone;
        found.copies.append({journal->databaseBefore, true, journal->databaseOid, -1});
        found.copies.append({undone, true, journal->restoredOid, -1});
    }
    return found;
}

void RestoreCleanup::measure(RestoreCopies& copies, const Profile& profile, const QString& password)
{
    Result<DatabaseAdmin> admin = Error{};
    bool asked = false;
    for (qsizetype i = copies.copies.size() - 1; i >= 0; --i) {
        RestoreCopies::Copy& copy = copies.copies[i];
        if (!copy.database) {
            copy.bytes = folderBytes(copy.name);
            continue;
        }
        if (!asked) {
            admin = DatabaseAdmin::connect(profile.database, password);
            asked = true;
        }
        if (!admin)
            continue; // sizes unknown; the removal will ask the server again
        const Result<quint32> oid = admin.value().oidOf(copy.name);
        if (oid && *oid == 0)
            copies.copies.removeAt(i);
        else
            copy.bytes = admin.value().sizeOf(copy.name);
    }
}

QString RestoreCleanup::mountInside(const QString& path)
{
    QFile mounts(QStringLiteral("/proc/self/mountinfo"));
    if (!mounts.open(QIODevice::ReadOnly))
        return {};
    const QString root = QDir::cleanPath(path);
    for (const QByteArray& line : mounts.readAll().split('\n')) {
        // "36 35 98:0 /mnt1 /mnt/parent rw,... - ext3 ...": the fifth field is the mount point,
        // with spaces and other characters escaped as \ooo.
        QByteArray point = line.split(' ').value(4);
        point.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
        const QString mounted = QFile::decodeName(point);
        if (!mounted.isEmpty() && (mounted == root || mounted.startsWith(root + u'/')))
            return mounted;
    }
    return {};
}

Status RestoreCleanup::checkNoMounts(const RestoreCopies& copies)
{
    for (const RestoreCopies::Copy& copy : copies.copies) {
        if (copy.database)
            continue;
        if (const QString mount = mountInside(copy.name); !mount.isEmpty())
            return Error{tr("“%1” holds a mounted file system (%2): unmount it or move it out first. Nothing was removed.")
                             .arg(copy.name, mount),
                         {}};
    }
    return {};
}

Status RestoreCleanup::remove(const RestoreCopies& copies, const Profile& profile, const QString& password, JobControl& control)
{
    if (const Status unmounted = checkNoMounts(copies); !unmounted)
        return unmounted;
    std::optional<DatabaseAdmin> admin;
    for (const RestoreCopies::Copy& copy : copies.copies) {
        control.setPhase(tr("Removing %1").arg(copy.name));
        control.log(tr("Removing %1").arg(copy.name));
        if (!copy.database) {
            if (Status removed = removeTree(copy.name); !removed)
                return removed;
            continue;
        }
        if (copy.name == copies.liveDatabase)
            continue; // never the live database, whatever a journal says
        if (!admin) {
            Result<DatabaseAdmin> connected = DatabaseAdmin::connect(profile.database, password);
            if (!connected)
                return connected.error();
            admin.emplace(std::move(connected).value());
        }
        if (Status dropped = admin->dropCreated(copy.name, copy.oid); !dropped)
            return dropped;
    }
    QFile::remove(journalPath(profile.repository));
    return {};
}

Result<RestoreCopies> RestoreCleanup::run(const Profile& profile, const QString& stamp, const QString& password, JobControl& control)
{
    const Result<std::unique_ptr<RepositoryLock>> lock = RepositoryLock::acquire(profile.repository);
    if (!lock)
        return lock.error();
    Result<RestoreCopies> copies = find(profile);
    if (!copies)
        return copies;
    if (copies->stamp != stamp)
        return Error{tr("Another restore was made since the list was shown: nothing was removed. Look at the list again."), {}};
    if (Status removed = remove(*copies, profile, password, control); !removed)
        return removed.error();
    return copies;
}

} // namespace coffre
