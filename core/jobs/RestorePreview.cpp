#include "RestorePreview.h"

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
    return lines.join(u'\n');
}


} // namespace coffre
