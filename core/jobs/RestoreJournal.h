#pragma once

#include "Result.h"
#include "s3/S3Location.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace coffre {

// What a restore swaps, written to the repository before the first swap and updated after it:
// a crash mid-swap leaves a journal that the next start of Coffre reads to put the old state
// back; a finished restore's journal is what "Undo last restore" follows.
struct RestoreJournal
{
    struct Folder
    {
        QString path;     // the live folder
        QString before;   // <path>.before_restore_<stamp>: the old tree, kept
        QString staging;  // the restored tree, before it is renamed into place
        QStringList exclusions;  // patterns whose matches in the old tree are carried into the new one
        QStringList movedBack;   // relative paths carried from `before` into the restored tree (listed before moving)
        QStringList createdDirs; // folders made in the restored tree to hold them, parents first
        bool hadOriginal = true;
        bool reverted = false;   // put back by an undo that may have stopped halfway: a retry skips it
    };

    // A bucket is not swapped by renames: its objects are put back one by one, after what they
    // overwrite or remove was saved in a safety backup. Undo (or a restore that failed halfway)
    // puts that copy back and removes the objects the restore created.
    struct Bucket
    {
        QString label;
        s3::S3Location location;
        QString safetyBackup;    // absolute path of the safety bundle; "" when nothing was overwritten or removed
        QList<std::pair<QString, QString>> created; // key, ETag after the upload ("" until known)
        bool started = false;    // objects may have changed: putting them back is due
        bool reverted = false;
    };

    QString stamp;               // YYYYMMDD_HHMMSS
    QString backup;
    QString profile;             // whose restore: another profile sharing the repository leaves it alone
    QString state;               // "swapping" while swaps happen, "done" after; "undoing" when an undo stopped halfway
    QString database;            // the target database, empty when not restored in place
    QString databaseBefore;      // <db>_before_restore_<stamp> (DatabaseNames: fits 63 bytes)
    QString databaseRestored;    // the temporary name the restore was made under
    QString databaseUndone;      // <db>_undone_<stamp>: the restored database after an undo
    // Who is who, whatever the names say: the target database when the restore began (kept as
    // databaseBefore), and the one the restore created. Only these are ever renamed or dropped;
    // 0 when unknown (no such database, a journal of an older Coffre).
    quint32 databaseOid = 0;
    quint32 restoredOid = 0;
    // The server process of the restore's own connection: a restore killed during CREATE DATABASE
    // leaves it running, and the database appears after the recovery looked. Recovery ends it first.
    qint64 serverPid = 0;
    bool databaseReverted = false; // the database was put back by an undo that stopped halfway
    QList<Folder> folders;
    std::optional<Bucket> bucket;

    static constexpr auto InProgressFile = ".coffre-restore.json";
    static constexpr auto LastFile = ".coffre-last-restore.json";

    // Refuses a journal another profile wrote (names on a shared repository): its paths and
    // databases are that profile's, and this one's connection may reach another server.
    // A journal of an older Coffre, without profile, belongs to anyone.
    Status belongsTo(const QString& profileName) const;

    QJsonObject toJson() const;
    static RestoreJournal fromJson(const QJsonObject& o);
    static Result<RestoreJournal> read(const QString& path);
    Status write(const QString& path) const;
};

} // namespace coffre
