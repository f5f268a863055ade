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
#include <dirent.h>
#include <sys/stat.h>

namespace coffre {
namespace {

// The bytes of `relative` ("up/caf\uFFFD.jpg", as Browse names it) under `root`, found by
// reading each folder's raw names; empty when it is not there.
QByteArray rawPathUnder(const QByteArray& root, const QString& relative)
{
    QByteArray found;
    for (const QString& part : relative.split(u'/', Qt::SkipEmptyParts)) {
        const QByteArray folder = found.isEmpty() ? root : root + '/' + found;
        QByteArray match = QFile::encodeName(part);
        struct stat st;
        if (::lstat((folder + '/' + match).constData(), &st) != 0) {
            // Two names that differ only in bytes that are not UTF-8 read the same: which one was
            // meant cannot be told, so neither is given.
            QList<QByteArray> candidates;
            if (DIR* dir = ::opendir(folder.constData())) {
                while (const dirent* entry = ::readdir(dir))
                    if (QString::fromUtf8(entry->d_name) == part)
                        candidates << QByteArray(entry->d_name);
                ::closedir(dir);
            }
            if (candidates.size() != 1)
                return {};
            match = candidates.first();
        }
        found = found.isEmpty() ? match : found + '/' + match;
    }
    return found;
}

} // namespace

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
        if (where.archives.isEmpty() || where.pathInArchive.isEmpty())
            return Error{tr("“%1” is not a file or folder of the backup “%2”.").arg(path, backup.name), {}};
        const QString name = QFileInfo(where.pathInArchive).fileName();
        if (names.contains(name))
            return Error{tr("Two of the chosen entries are named “%1”: extract them one at a time.").arg(name), {}};
        if (QFileInfo::exists(QDir(destination).filePath(name)) || QFileInfo(QDir(destination).filePath(name)).isSymLink())
            return Error{tr("“%1” already exists in %2: nothing was extracted.").arg(name, destination), {}};
        names.insert(name);
        byArchive[where.archives.join(u'\n')].append(where);
    }

    const QString staging = QDir(destination).filePath(QStringLiteral(".coffre-extract-") + QUuid::createUuid().toString(QUuid::Id128).left(12));
    if (!QDir().mkdir(staging))
        return Error{tr("Cannot write in the folder “%1”.").arg(destination), {}};
    const auto removeStaging = qScopeGuard([&staging] { QDir(staging).removeRecursively(); });

    QStringList created;
    int archiveNumber = 0;
    for (auto it = byArchive.cbegin(); it != byArchive.cend(); ++it) {
        const QList<BackupFiles::Location>& chosen = it.value();
        // Names as Browse shows them: a name that is not UTF-8 reads as "caf\uFFFD.jpg" there, and
        // is matched the same way here; what is written keeps the archive's bytes.
        QSet<QString> exact;
        QStringList prefixes;
        for (const BackupFiles::Location& where : chosen) {
            exact.insert(where.pathInArchive);
            prefixes.append(where.pathInArchive + u'/');
        }
        auto wanted = [&](const QByteArray& raw) {
            const QString path = QString::fromUtf8(raw);
            return exact.contains(path) ||
                   std::any_of(prefixes.cbegin(), prefixes.cend(), [&path](const QString& p) { return path.startsWith(p); });
        };
        const QString out = QDir(staging).filePath(QString::number(archiveNumber++));
        control.setPhase(tr("Extracting from %1…").arg(chosen.first().label));
        Result<SecureExtractor::Summary> extracted = SecureExtractor::extract(chosen.first().archives, out, control, 0, wanted);
        if (!extracted)
            return extracted.error();
        for (const BackupFiles::Location& where : chosen) {
            if (rawPathUnder(QFile::encodeName(out), where.pathInArchive).isEmpty())
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
            const QByteArray root = QFile::encodeName(QDir(staging).filePath(QString::number(archiveNumber)));
            const QByteArray relative = rawPathUnder(root, where.pathInArchive);
            const QByteArray from = root + '/' + relative;
            const QByteArray to = QFile::encodeName(destination) + '/' + relative.mid(relative.lastIndexOf('/') + 1);
            if (Status renamed = renameNoReplace(from, to); !renamed) {
                for (const QString& done : moved)
                    QFileInfo(done).isDir() ? QDir(done).removeRecursively() : QFile::remove(done);
                return renamed.error();
            }
            moved.append(QFile::decodeName(to));
        }
    }
    return created;
}

} // namespace coffre
