#include "RestorePreview.h"

#include "objects/BucketComparison.h"
#include "postgres/DatabaseAdmin.h"
#include "postgres/DatabaseSettings.h"
#include "util/FolderSize.h"
#include "util/HumanSize.h"

#include <QFileInfo>

namespace coffre {

// What the restore would replace, in words, measured now (runs on a worker).
QString RestorePreview::describe(const RestoreRequest& request, const QString& password)
{
    const Profile& profile = request.profile;
    const QStringList& labels = request.sources;
    const bool database = request.database && request.asDatabase.isEmpty();
    const QStringList kept = RestoreJob::keptFromCurrent(request);
    const std::optional<DatabaseSettingsPart> settings =
        request.backup.manifest && request.backup.manifest->database ? request.backup.manifest->database->settings
                                                                     : std::optional<DatabaseSettingsPart>();
    QStringList lines;
    if (database) {
        Result<DatabaseAdmin> admin = DatabaseAdmin::connect(profile.database, password);
        const QString name = PgConnection::databaseNameOf(profile.database, password);
        if (!admin)
            lines << RestorePreview::tr("Database %1: cannot be reached now (%2)").arg(name, admin.error().message);
        else if (!admin.value().exists(name))
            lines << RestorePreview::tr("Database “%1” on %2: does not exist yet; it will be created.").arg(name, profile.database.displayName());
        else
            lines << RestorePreview::tr("Database “%1” on %2: %3, %n other session(s) open (they will be ended)", nullptr,
                                       admin.value().otherSessions(name))
                         .arg(name, profile.database.displayName(), humanSize(admin.value().sizeOf(name)));
        if (admin && admin.value().exists(name)) {
            if (const QString changes = DatabaseSettings::changeSummary(admin.value().connection(), name, settings);
                !changes.isEmpty())
                lines << changes;
        }
    }
    for (const SourceRoot& root : profile.sources) {
        if (!labels.contains(root.label))
            continue;
        lines << (QFileInfo::exists(root.path) ? RestorePreview::tr("Folder %1: %2").arg(root.path, humanSize(folderBytes(root.path)))
                                               : RestorePreview::tr("Folder %1: does not exist yet").arg(root.path));
    }
    if (!kept.isEmpty())
        lines << RestorePreview::tr("Kept from the current folder (not in backups): %1").arg(kept.join(QStringLiteral(", ")));
    if (!request.bucket.isEmpty())
        lines += describeBucket(request);
    return lines.join(u'\n');
}

QStringList RestorePreview::describeBucket(const RestoreRequest& request)
{
    const ObjectsPart* part = request.backup.manifest ? request.backup.manifest->findObjects(request.bucket) : nullptr;
    const s3::S3Location& location = request.profile.documents;
    if (!part)
        return {tr("Bucket “%1”: not in this backup").arg(request.bucket)};
    if (location.isEmpty())
        return {tr("Bucket “%1”: the profile names no documents bucket to restore it into").arg(request.bucket)};
    JobControl control;
    const Result<BucketChanges> changes = BucketComparison::run(*part, location, request.documentsSecret, control);
    if (!changes)
        return {tr("Bucket %1: cannot be reached now (%2)").arg(location.url(), changes.error().message)};
    QStringList lines;
    lines << tr("Bucket %1: %n object(s) to put back (%2), %3 unchanged", nullptr, int(changes->missing.size() + changes->changed.size()))
                 .arg(location.url(), humanSize(changes->bytesToUpload(*part)))
                 .arg(changes->unchanged);
    if (!changes->added.isEmpty()) {
        lines << (request.removeNewObjects
                      ? tr("%n object(s) added to the bucket since the backup will be removed:", nullptr, int(changes->added.size()))
                      : tr("%n object(s) added to the bucket since the backup are kept (the restore removes them only when asked):",
                           nullptr, int(changes->added.size())));
        for (const s3::ObjectInfo& added : changes->added)
            lines << QStringLiteral("  ") + added.key;
    }
    if (!changes->changed.isEmpty() || (request.removeNewObjects && !changes->added.isEmpty()))
        lines << tr("The objects it replaces or removes are saved first in a safety backup; undo-restore puts them back.");
    return lines;
}


} // namespace coffre
