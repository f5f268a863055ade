#include "BackupWarnings.h"

#include "catalog/Catalog.h"
#include "util/HumanSize.h"

namespace coffre {
namespace {

qint64 dumpSize(const Backup& backup)
{
    const Manifest& m = *backup.manifest;
    const BundleFile* file = m.database ? m.findFile(m.database->file) : nullptr;
    return file ? file->size : -1;
}

const SourcePart* sourceOf(const Backup& backup, const QString& label)
{
    for (const SourcePart& part : backup.manifest->sources)
        if (part.label == label)
            return &part;
    return nullptr;
}

bool shrank(qint64 before, qint64 now, int percent)
{
    return before >= BackupWarnings::SmallestCompared && now >= 0 && now * 100 < before * (100 - percent);
}

int lessPercent(qint64 before, qint64 now)
{
    return int(100 - (now * 100) / before);
}

} // namespace

QStringList BackupWarnings::shrinkage(const Backup& backup, const QList<Backup>& backups, int shrinkPercent)
{
    QStringList warnings;
    if (shrinkPercent <= 0 || backup.status != BackupStatus::Complete || !backup.manifest)
        return warnings;
    QList<const Backup*> earlier;
    for (const Backup& other : backups)
        if (other.status == BackupStatus::Complete && other.manifest && other.created < backup.created && other.name != backup.name)
            earlier << &other;
    std::sort(earlier.begin(), earlier.end(), [](const Backup* a, const Backup* b) { return a->created > b->created; });

    const Manifest& m = *backup.manifest;
    if (m.database) {
        for (const Backup* before : earlier) {
            const Manifest& b = *before->manifest;
            if (!b.database || b.database->name != m.database->name || b.database->file != m.database->file)
                continue;
            const qint64 was = dumpSize(*before), now = dumpSize(backup);
            if (shrank(was, now, shrinkPercent)) {
                QStringList emptied;
                for (const TableRowCount& table : b.database->tables) {
                    const auto same = std::find_if(m.database->tables.begin(), m.database->tables.end(), [&](const TableRowCount& t) {
                        return t.schema == table.schema && t.table == table.table;
                    });
                    if (table.rows > 0 && (same == m.database->tables.end() || same->rows == 0))
                        emptied << table.schema + u'.' + table.table;
                }
                QString text = tr("The database dump is %1 % smaller than in %2 (%3 → %4).")
                                   .arg(lessPercent(was, now))
                                   .arg(before->name, humanSize(was), humanSize(now));
                if (!emptied.isEmpty())
                    text += u' ' + tr("Empty or gone since: %1.").arg(emptied.mid(0, 5).join(QStringLiteral(", ")) +
                                                                       (emptied.size() > 5 ? QStringLiteral("…") : QString()));
                warnings << text;
            }
            break;
        }
    }
    for (const SourcePart& part : m.sources) {
        for (const Backup* before : earlier) {
            const SourcePart* was = sourceOf(*before, part.label);
            if (!was)
                continue;
            if (shrank(was->bytes, part.bytes, shrinkPercent))
                warnings << tr("The folder %1 holds %2 % less than in %3 (%4 in %5 files → %6 in %7 files): was its disk mounted?")
                                .arg(part.label)
                                .arg(lessPercent(was->bytes, part.bytes))
                                .arg(before->name, humanSize(was->bytes))
                                .arg(was->fileCount)
                                .arg(humanSize(part.bytes))
                                .arg(part.fileCount);
            break;
        }
    }
    return warnings;
}

QHash<QString, QStringList> BackupWarnings::forList(const QList<Backup>& backups, int shrinkPercent)
{
    QHash<QString, QStringList> flagged;
    for (const Backup& backup : backups) {
        if (!backup.here && backup.offsite)
            continue; // an off-site-only copy was judged when it was made
        if (QStringList warnings = shrinkage(backup, backups, shrinkPercent); !warnings.isEmpty())
            flagged.insert(backup.name, warnings);
    }
    return flagged;
}

QString BackupWarnings::disk(const DiskUsage& usage, int percent)
{
    if (percent <= 0 || !usage.valid || usage.usedPercent < percent)
        return {};
    return tr("The disk holding the backups is %1 % full (%2 free; the warning starts at %3 %).")
        .arg(usage.usedPercent)
        .arg(humanSize(usage.availableBytes))
        .arg(percent);
}

QStringList BackupWarnings::afterCreate(const QString& repository, const QString& name, const NotifySettings& settings)
{
    const Result<RepositoryScan> scan = Catalog::scan(repository);
    if (!scan)
        return {};
    QStringList warnings;
    for (const Backup& backup : scan->backups)
        if (backup.name == name)
            warnings = shrinkage(backup, scan->backups, settings.shrinkPercent);
    if (const QString full = disk(scan->disk, settings.diskPercent); !full.isEmpty())
        warnings << full;
    return warnings;
}

} // namespace coffre
