#include "RestorePreview.h"

#include "objects/BucketComparison.h"
#include "postgres/DatabaseAdmin.h"
#include "postgres/DatabaseSettings.h"
#include "postgres/PrismaMigrations.h"
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
        else if (const int sessions = admin.value().otherSessions(name); sessions == 0)
            lines << RestorePreview::tr("Database “%1” on %2: %3, no other session open")
                         .arg(name, profile.database.displayName(), humanSize(admin.value().sizeOf(name)));
        else
            lines << RestorePreview::tr("Database “%1” on %2: %3, %n other session(s) open (they will be ended)", nullptr, sessions)
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
    lines += describePrisma(request, password);
    return lines.join(u'\n');
}

QStringList RestorePreview::describePrisma(const RestoreRequest& request, const QString& password)
{
    if (!request.backup.manifest)
        return {};
    const Manifest& manifest = *request.backup.manifest;
    const bool database = request.database && request.asDatabase.isEmpty();
    const std::optional<QStringList> backupDatabase = manifest.database ? manifest.database->prismaMigrations : std::nullopt;
    // The live database's migrations, asked only when a restored folder needs them.
    std::optional<Result<std::optional<QStringList>>> live;
    const auto liveDatabase = [&]() -> const Result<std::optional<QStringList>>& {
        if (!live) {
            Result<PgConnection> db = PgConnection::open(request.profile.database, password);
            live = db ? PrismaMigrations::inDatabase(db.value()) : Result<std::optional<QStringList>>(db.error());
        }
        return *live;
    };
    QStringList lines;
    for (const SourceRoot& root : request.profile.sources) {
        const bool folder = request.sources.contains(root.label);
        const SourcePart* part = nullptr;
        for (const SourcePart& source : manifest.sources)
            if (source.label == root.label)
                part = &source;
        if (folder && database) { // both from the backup: did they agree then?
            if (part && part->prismaMigrations && backupDatabase)
                if (const QString differs = PrismaMigrations::disagreement(*backupDatabase, *part->prismaMigrations); !differs.isEmpty())
                    lines << tr("Warning: in this backup, the Prisma migrations of %1 and of the database already disagree (%2).")
                                 .arg(root.label, differs);
        } else if (database && backupDatabase) { // the database goes back, the code stays as it is
            if (const std::optional<QStringList> code = PrismaMigrations::inTree(root.path))
                if (const QString differs = PrismaMigrations::disagreement(*backupDatabase, *code); !differs.isEmpty())
                    lines << tr("Warning: the restored database will not match the code in %1, which is not restored (%2). "
                                "Restore the folder too, or run the migrations after.")
                                 .arg(root.path, differs);
        } else if (folder && part && part->prismaMigrations && !database) { // the code goes back, the database stays
            const Result<std::optional<QStringList>>& now = liveDatabase();
            if (!now)
                lines << tr("The Prisma migrations of the database could not be checked against %1: %2").arg(root.label, now.error().message);
            else if (now->has_value())
                if (const QString differs = PrismaMigrations::disagreement(**now, *part->prismaMigrations); !differs.isEmpty())
                    lines << tr("Warning: the restored folder %1 will not match the database, which is not restored (%2). "
                                "Restore the database too, or run the migrations after.")
                                 .arg(root.path, differs);
        }
    }
    return lines;
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
