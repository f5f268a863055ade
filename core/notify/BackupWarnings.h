#pragma once

#include "NotifySettings.h"
#include "catalog/Backup.h"
#include "storage/DiskUsage.h"

#include <QCoreApplication>
#include <QHash>

namespace coffre {

// A backup that worked may still say something went wrong: a database dump or a folder much
// smaller than in the backup before it (an emptied table, a folder whose disk was not mounted),
// or a repository disk nearly full.
class BackupWarnings
{
    Q_DECLARE_TR_FUNCTIONS(BackupWarnings)

public:
    // Parts smaller than this in the earlier backup are too small to judge.
    static constexpr qint64 SmallestCompared = 16 * 1024;

    // What shrank in `backup` by more than `shrinkPercent` against the newest earlier complete
    // backup of `backups` that has the same part. Empty when nothing did, or when 0 turns it off.
    static QStringList shrinkage(const Backup& backup, const QList<Backup>& backups, int shrinkPercent);
    // The same for each complete backup of a list (name → warnings): the list's flags.
    static QHash<QString, QStringList> forList(const QList<Backup>& backups, int shrinkPercent);
    // Empty unless the disk is at least `percent` full.
    static QString disk(const DiskUsage& usage, int percent);
    // Everything to say after a backup named `name` was made in `repository` (it scans it).
    static QStringList afterCreate(const QString& repository, const QString& name, const NotifySettings& settings);
};

} // namespace coffre
