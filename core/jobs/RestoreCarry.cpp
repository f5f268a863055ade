#include "RestoreCarry.h"

#include "JobControl.h"
#include "archive/SourceTree.h"
#include "util/RenameNoReplace.h"

#include <QFile>
#include <QSet>

#include <sys/stat.h>
#include <unistd.h>

namespace coffre {
namespace {

QByteArray native(const QString& root, const QString& relative)
{
    return QFile::encodeName(root + u'/' + relative);
}

// lstat: a link (even a dangling one) is something.
bool exists(const QString& root, const QString& relative)
{
    struct stat st;
    return ::lstat(native(root, relative).constData(), &st) == 0;
}

} // namespace

QStringList RestoreCarry::patterns(const QStringList& profileExclusions, const SourcePart& part)
{
    QStringList all;
    for (const QString& pattern : profileExclusions + part.exclusions) {
        if (!pattern.trimmed().isEmpty() && !all.contains(pattern.trimmed()))
            all << pattern.trimmed();
    }
    return all;
}

Status RestoreCarry::plan(RestoreJournal::Folder& folder, JobControl& control)
{
    folder.movedBack.clear();
    folder.createdDirs.clear();
    if (!folder.hadOriginal || folder.exclusions.isEmpty())
        return {};
    // The same walk and matcher as the backup: exactly what it left out, outermost paths only.
    const Result<SourceTree> old = SourceTreeScanner::scan(folder.before, Exclusions(folder.exclusions));
    if (!old)
        return old.error();
    QSet<QString> planned;
    for (const QByteArray& raw : old->excluded) {
        const QString path = QFile::decodeName(raw);
        if (QFile::encodeName(path) != raw) { // could not be named in the journal, nor moved back
            control.log(tr("“%1” has a name that is not valid text: it stays in “%2”.").arg(path, folder.before));
            continue;
        }
        if (exists(folder.path, path)) {
            control.log(tr("“%1” is in the backup too: the restored one is kept, the current one stays in “%2”.")
                            .arg(path, folder.before));
            continue;
        }
        // Its parents in the restored tree must be real folders (never a link to elsewhere), or be made.
        QStringList missing;
        bool blocked = false;
        const QStringList parts = path.split(u'/');
        QString parent;
        for (qsizetype i = 0; i + 1 < parts.size() && !blocked; ++i) {
            parent += (i ? QStringLiteral("/") : QString()) + parts[i];
            struct stat st;
            if (planned.contains(parent))
                continue;
            if (::lstat(native(folder.path, parent).constData(), &st) != 0)
                missing << parent;
            else
                blocked = !S_ISDIR(st.st_mode);
        }
        if (blocked) {
            control.log(tr("The restored folder has a file or a link where “%1” goes: it stays in “%2”.")
                            .arg(path, folder.before));
            continue;
        }
        for (const QString& dir : missing)
            planned.insert(dir);
        folder.createdDirs += missing;
        folder.movedBack << path;
    }
    return {};
}

QStringList RestoreCarry::carry(RestoreJournal::Folder& folder, JobControl& control)
{
    QStringList made, moved, failed;
    for (const QString& dir : folder.createdDirs) {
        struct stat st;
        const bool known = ::stat(native(folder.before, dir).constData(), &st) == 0;
        const mode_t mode = known ? (st.st_mode & 07777) : 0700;
        if (::mkdir(native(folder.path, dir).constData(), 0700) != 0) {
            control.log(tr("Could not make the folder “%1” in “%2”.").arg(dir, folder.path));
            continue; // what goes in it fails below, and is reported there
        }
        if (known && ::geteuid() == 0) // its owner too, as the restored tree's (SecureExtractor)
            ::lchown(native(folder.path, dir).constData(), st.st_uid, st.st_gid);
        ::chmod(native(folder.path, dir).constData(), mode); // as it was, whatever the umask
        made << dir;
    }
    for (const QString& path : folder.movedBack) {
        if (Status done = renameNoReplace(folder.before + u'/' + path, folder.path + u'/' + path); done) {
            moved << path;
        } else {
            control.log(done.error().toLogString());
            const QString why = done.error().detail.isEmpty() ? done.error().message : done.error().detail;
            failed << tr("“%1” could not be carried into the restored folder %2 (%3): it is still in %4.")
                          .arg(path, folder.path, why, folder.before);
        }
    }
    folder.createdDirs = made;
    folder.movedBack = moved;
    return failed;
}

void RestoreCarry::carryBack(const RestoreJournal::Folder& folder, JobControl& control)
{
    for (const QString& path : folder.movedBack) {
        if (exists(folder.before, path) || !exists(folder.path, path))
            continue; // never moved (killed before), or kept aside: nothing to put back
        if (Status done = renameNoReplace(folder.path + u'/' + path, folder.before + u'/' + path); !done)
            control.log(done.error().toLogString());
    }
    for (qsizetype i = folder.createdDirs.size() - 1; i >= 0; --i)
        ::rmdir(native(folder.path, folder.createdDirs[i]).constData()); // only when empty again
}

} // namespace coffre
