#pragma once

#include "Manifest.h"
#include "Result.h"

#include <QDateTime>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace coffre {

enum class BackupStatus {
    Complete,   // manifest valid and every listed file present with its size
    Incomplete, // a folder without manifest: a run that was interrupted or is still running
    Damaged,    // manifest unreadable or invalid, or a listed file missing or of the wrong size
};

QString statusToString(BackupStatus status); // "complete", "incomplete", "damaged": the format's and the JSON output's words
QString statusDisplayName(BackupStatus status); // the same, translated, for people

// One entry of a repository as the catalog sees it.
struct Backup
{
    QString name;           // the folder name: the identity used by every command
    QString path;           // absolute folder path
    QDateTime created;      // UTC; from the manifest, else the folder's time
    qint64 sizeBytes = 0;   // bytes on disk
    BackupStatus status = BackupStatus::Incomplete;
    QString problem;        // why it is incomplete or damaged, for people
    std::shared_ptr<const Manifest> manifest; // set when status is Complete
    // Where its copies are, once a repository's list is merged with its off-site one
    // (OffsiteStore::merge): here only, off-site only (path "s3://…"), or both.
    bool here = true;
    bool offsite = false;
    // The last restore drill that succeeded on it (DrillJob); invalid: never proven.
    QDateTime provenRestorable;

    std::optional<BackupKind> kind() const;
    QStringList components() const;
    // Success when the backup is complete (its manifest read); otherwise why nothing can be read from it.
    Status checkComplete() const;
};

} // namespace coffre

Q_DECLARE_METATYPE(coffre::Backup)
