#include "SelectionExtractor.h"

#include "BackupFiles.h"
#include "archive/SecureExtractor.h"
#include "util/RenameNoReplace.h"

#include <QDir>
#include <QFileInfo>
#include <QMap>
#include <QSet>
#include <QUuid>

#include <algorithm>

namespace coffre {

Result<QStringList> SelectionExtractor::run(const Backup& backup, const QStringList& paths, const QString& destination,
                                            JobControl& control)
{
    if (paths.isEmpty())
        return Error{tr("Choose the files or folders to extract."), {}};
    const QFileInfo destinationInfo(destination);
    if (!destinationInfo.isDir() || !destinationInfo.isWritable())
        return Error{tr("The folder “%1” does not exist or cannot be written to.").arg(destination), {}};

    // A file chosen along with its folder comes with the folder.
    QStringList chosen;
    for (const QString& path : paths) {
        const QString clean = QDir::cleanPath(path);
        const bool insideAnother = std::any_of(paths.cbegin(), paths.cend(), [&clean](const QString& other) {
            return clean.startsWith(QDir::cleanPath(other) + u'/');
        });
        if (!insideAnother && !chosen.contains(clean))
            chosen.append(clean);
    }

    // Group the choices by archive, and check every name before anything is written.
    QMap<QString, QList<BackupFiles::Location>> byArchive;
    QSet<QString> names;
    for (const QString& path : chosen) {
        const BackupFiles::Location where = BackupFiles::locate(backup, path);
        if (where.archive.isEmpty() || where.pathInArchive.isEmpty())
            return Error{tr("“%1” is not a file or folder of the backup “%2”.").arg(path, backup.name), {}};
        const QString name = QFileInfo(where.pathInArchive).fileName();
        if (names.contains(name))
            return Error{tr("Two of the chosen entries are named “%1”: extract them one at a time.").arg(name), {}};
        if (QFileInfo::exists(QDir(destination).filePath(name)) || QFileInfo(QDir(destination).filePath(name)).isSymLink())
            return Error{tr("“%1” already exists in %2: nothing was extracted.").arg(name, destination), {}};
        names.insert(name);
        byArchive[where.archive].append(where);
    }

    const QString staging = QDir(destination).filePath(QStringLiteral(".coffre-extract-") + QUuid::createUuid().toString(QUuid::Id128).left(12));
    if (!QDir().mkdir(staging))
        return Error{tr("Cannot write in the folder “%1”.").arg(destination), {}};
    const auto removeStaging = qScopeGuard([&staging] { QDir(staging).removeRecursively(); });

    QStringList created;
    int archiveNumber = 0;
    for (auto it = byArchive.cbegin(); it != byArchive.cend(); ++it) {
        const QList<BackupFiles::Location>& chosen = it.value();
        QSet<QByteArray> exact;
        QList<QByteArray> prefixes;
        for (const BackupFiles::Location& where : chosen) {
            exact.insert(where.pathInArchive.toUtf8());
            prefixes.append(where.pathInArchive.toUtf8() + '/');
        }
        auto wanted = [&](const QByteArray& path) {
            return exact.contains(path) ||
                   std::any_of(prefixes.cbegin(), prefixes.cend(), [&path](const QByteArray& p) { return path.startsWith(p); });
        };
        const QString out = QDir(staging).filePath(QString::number(archiveNumber++));
        control.setPhase(tr("Extracting from %1…").arg(chosen.first().label));
        Result<SecureExtractor::Summary> extracted = SecureExtractor::extract(it.key(), out, control, 0, wanted);
        if (!extracted)
            return extracted.error();
        for (const BackupFiles::Location& where : chosen) {
            const QString from = QDir(out).filePath(where.pathInArchive);
            if (!QFileInfo::exists(from) && !QFileInfo(from).isSymLink())
                return Error{tr("“%1/%2” is not in the backup “%3”: nothing was extracted.").arg(where.label, where.pathInArchive, backup.name), {}};
        }
        for (const BackupFiles::Location& where : chosen)
            created.append(QDir(destination).filePath(QFileInfo(where.pathInArchive).fileName()));
    }

    // Everything is out: move it into place. A name taken meanwhile stops the moves, and what
    // this run had moved is removed again, so the folder ends as it was.
    QStringList moved;
    archiveNumber = 0;
    for (auto it = byArchive.cbegin(); it != byArchive.cend(); ++it, ++archiveNumber) {
        for (const BackupFiles::Location& where : it.value()) {
            const QString from = QDir(QDir(staging).filePath(QString::number(archiveNumber))).filePath(where.pathInArchive);
            const QString to = QDir(destination).filePath(QFileInfo(where.pathInArchive).fileName());
            if (Status renamed = renameNoReplace(from, to); !renamed) {
                for (const QString& done : moved)
                    QFileInfo(done).isDir() ? QDir(done).removeRecursively() : QFile::remove(done);
                return renamed.error();
            }
            moved.append(to);
        }
    }
    return created;
}

} // namespace coffre
