#include "DeleteJob.h"

#include "audit/AuditLog.h"
#include "catalog/BundleLayout.h"
#include "catalog/BundleNames.h"
#include "catalog/Catalog.h"
#include "storage/RepositoryLock.h"
#include "util/RemoveTree.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>

#include <cstdio>

namespace coffre {

QString DeleteJob::refusal(const QString& repository, const QString& name)
{
    const QFileInfo folder(QDir(repository).filePath(name));
    if (!BundleNames::isValidName(name) || !folder.isDir() || folder.isSymLink())
        return tr("“%1” is not a backup of this repository.").arg(name);
    const Backup backup = Catalog::inspect(repository, name);
    if (backup.status == BackupStatus::Complete)
        return {};
    if (const QString foreign = BundleLayout::foreignEntry(folder.absoluteFilePath()); !foreign.isEmpty())
        return tr("“%1” is not a Coffre backup (it holds “%2”, which a backup never has): it is left alone.").arg(name, foreign);
    return {};
}

Status DeleteJob::run(const QString& repository, const QStringList& names, JobControl& control, const QString& auditAction)
{
    // One audit line per backup, with its size: what went, and how much it freed.
    const QString profile = AuditLog::profileOf(repository);
    auto refused = [&](const QString& name, const Error& error) {
        AuditRecord(repository, auditAction, profile, name).finish(Status(error));
        return error;
    };
    Result<std::unique_ptr<RepositoryLock>> lock = RepositoryLock::acquire(repository);
    if (!lock)
        return refused(names.value(0), lock.error());
    QHash<QString, qint64> sizes;
    for (const QString& name : names) { // all checked before any is touched
        if (const QString why = refusal(repository, name); !why.isEmpty())
            return refused(name, Error{why, {}});
        sizes.insert(name, Catalog::inspect(repository, name).sizeBytes);
    }
    for (const QString& name : names) {
        AuditRecord audit(repository, auditAction, profile, name);
        control.setPhase(tr("Deleting %1…").arg(name));
        const QString folder = QDir(repository).filePath(name);
        const QString hidden = QDir(repository).filePath(QStringLiteral(".deleting-") + name);
        if (std::rename(QFile::encodeName(folder).constData(), QFile::encodeName(hidden).constData()) != 0) {
            const Error failed{tr("Could not delete “%1”.").arg(name), QString::fromLocal8Bit(std::strerror(errno))};
            audit.finish(Status(failed));
            return failed;
        }
        // Never through a link: one put in the folder's place since the check goes alone.
        if (Status removed = removeTree(hidden); !removed) {
            const Error failed{tr("“%1” was removed from the list but some of its files could not be deleted (in %2).").arg(name, hidden),
                               removed.error().toLogString()};
            audit.finish(Status(failed));
            return failed;
        }
        audit.finish(Status(), sizes.value(name));
    }
    return {};
}

} // namespace coffre
