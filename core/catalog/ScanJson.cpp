#include "ScanJson.h"

#include "ManifestParser.h"
#include "ManifestWriter.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace coffre {

QJsonObject ScanJson::backupToJson(const Backup& backup, bool withManifest)
{
    const std::optional<BackupKind> kind = backup.kind();
    QJsonObject o{{QStringLiteral("name"), backup.name},
                  {QStringLiteral("created"), backup.created.toUTC().toString(Qt::ISODate)},
                  {QStringLiteral("size_bytes"), backup.sizeBytes},
                  {QStringLiteral("kind"), kind ? QJsonValue(kindToString(*kind)) : QJsonValue()},
                  {QStringLiteral("components"), QJsonArray::fromStringList(backup.components())},
                  {QStringLiteral("status"), statusToString(backup.status)},
                  {QStringLiteral("path"), backup.path}};
    if (!backup.problem.isEmpty())
        o.insert(QStringLiteral("problem"), backup.problem);
    if (backup.manifest && !backup.manifest->note.isEmpty())
        o.insert(QStringLiteral("note"), backup.manifest->note);
    if (backup.provenRestorable.isValid())
        o.insert(QStringLiteral("proven_restorable"), backup.provenRestorable.toUTC().toString(Qt::ISODate));
    if (withManifest && backup.manifest)
        o.insert(QStringLiteral("manifest"), QJsonDocument::fromJson(ManifestWriter::toJson(*backup.manifest)).object());
    return o;
}

Backup ScanJson::backupFromJson(const QJsonObject& o)
{
    Backup backup;
    backup.name = o.value(QStringLiteral("name")).toString();
    backup.path = o.value(QStringLiteral("path")).toString();
    backup.created = QDateTime::fromString(o.value(QStringLiteral("created")).toString(), Qt::ISODate);
    backup.sizeBytes = o.value(QStringLiteral("size_bytes")).toInteger();
    backup.problem = o.value(QStringLiteral("problem")).toString();
    backup.provenRestorable = QDateTime::fromString(o.value(QStringLiteral("proven_restorable")).toString(), Qt::ISODate);
    const QString status = o.value(QStringLiteral("status")).toString();
    backup.status = status == statusToString(BackupStatus::Complete)  ? BackupStatus::Complete
                    : status == statusToString(BackupStatus::Damaged) ? BackupStatus::Damaged
                                                                      : BackupStatus::Incomplete;
    if (backup.status == BackupStatus::Complete) {
        // The server read it already; a manifest this side cannot read makes the backup unusable here.
        Result<Manifest> manifest = ManifestParser::parse(QJsonDocument(o.value(QStringLiteral("manifest")).toObject()).toJson());
        if (manifest) {
            backup.manifest = std::make_shared<const Manifest>(std::move(manifest).value());
        } else {
            backup.status = BackupStatus::Damaged;
            backup.problem = manifest.error().message;
        }
    }
    return backup;
}

QJsonObject ScanJson::toJson(const RepositoryScan& scan)
{
    QJsonArray backups;
    for (const Backup& backup : scan.backups)
        backups.append(backupToJson(backup, true));
    QJsonObject o{{QStringLiteral("repository"), scan.repository},
                  {QStringLiteral("backups"), backups},
                  {QStringLiteral("total_bytes"), scan.totalBytes},
                  {QStringLiteral("disk"), QJsonObject{{QStringLiteral("total_bytes"), scan.disk.totalBytes},
                                                       {QStringLiteral("available_bytes"), scan.disk.availableBytes},
                                                       {QStringLiteral("used_percent"), scan.disk.usedPercent},
                                                       {QStringLiteral("valid"), scan.disk.valid}}},
                  {QStringLiteral("restore_interrupted"), scan.restoreInterrupted}};
    if (scan.restoreUndoable)
        o.insert(QStringLiteral("last_restore"), scan.lastRestore.toJson());
    if (scan.lastScheduledRun)
        o.insert(QStringLiteral("last_scheduled_run"), scan.lastScheduledRun->toJson());
    return o;
}

RepositoryScan ScanJson::fromJson(const QJsonObject& o)
{
    RepositoryScan scan;
    scan.repository = o.value(QStringLiteral("repository")).toString();
    for (const QJsonValue& backup : o.value(QStringLiteral("backups")).toArray())
        scan.backups.append(backupFromJson(backup.toObject()));
    scan.totalBytes = o.value(QStringLiteral("total_bytes")).toInteger();
    const QJsonObject disk = o.value(QStringLiteral("disk")).toObject();
    scan.disk.totalBytes = disk.value(QStringLiteral("total_bytes")).toInteger();
    scan.disk.availableBytes = disk.value(QStringLiteral("available_bytes")).toInteger();
    scan.disk.usedPercent = disk.value(QStringLiteral("used_percent")).toInt();
    scan.disk.valid = disk.value(QStringLiteral("valid")).toBool();
    scan.restoreInterrupted = o.value(QStringLiteral("restore_interrupted")).toBool();
    if (o.contains(QStringLiteral("last_restore"))) {
        scan.restoreUndoable = true;
        scan.lastRestore = RestoreJournal::fromJson(o.value(QStringLiteral("last_restore")).toObject());
    }
    scan.lastScheduledRun = AuditEntry::fromJson(o.value(QStringLiteral("last_scheduled_run")).toObject());
    return scan;
}

} // namespace coffre
