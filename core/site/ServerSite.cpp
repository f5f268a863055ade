#include "ServerSite.h"

#include "catalog/ScanJson.h"
#include "profile/ProfileStore.h"
#include "remote/RemoteCli.h"
#include "remote/RemoteTransfer.h"
#include "util/Background.h"

#include <QJsonArray>
#include <QJsonObject>

namespace coffre {

bool ServerSite::supports(Feature feature) const
{
    return feature == Feature::CopyToDesktop;
}

Result<RepositoryScan> ServerSite::scan() const
{
    JobControl control;
    const Result<QJsonValue> answer = RemoteCli::run(m_server, {QStringLiteral("scan")}, control);
    if (!answer)
        return answer.error();
    const QJsonObject o = answer->toObject();
    RepositoryScan scan = ScanJson::fromJson(o);
    Result<Profile> target = ProfileStore::fromJson(o.value(QStringLiteral("profile")).toObject());
    if (target)
        scan.targetProfile = *target;
    return scan;
}

QFuture<Result<Backup>> ServerSite::create(BackupRequest request, std::shared_ptr<JobControl> control) const
{
    QStringList arguments{QStringLiteral("create")};
    if (!request.name.isEmpty())
        arguments << QStringLiteral("--name") << request.name;
    if (!request.note.isEmpty())
        arguments << QStringLiteral("--note") << request.note;
    if (!request.includeDatabase)
        arguments << QStringLiteral("--no-db");
    if (!request.includeSources)
        arguments << QStringLiteral("--no-sources");
    if (request.plainSql)
        arguments << QStringLiteral("--plain-sql");
    if (request.gzip)
        arguments << QStringLiteral("--gzip");
    if (request.kind == BackupKind::Scheduled)
        arguments << QStringLiteral("--scheduled");
    return runInBackground([server = m_server, arguments, password = request.password, control]() -> Result<Backup> {
        const Result<QJsonValue> answer = RemoteCli::run(server, arguments, *control, {}, password);
        if (!answer)
            return answer.error();
        return ScanJson::backupFromJson(answer->toObject());
    });
}

QStringList ServerSite::restoreArguments(const RestoreRequest& request)
{
    QStringList arguments{QStringLiteral("restore"), request.backup.name};
    const qsizetype allSources = request.backup.manifest ? request.backup.manifest->sources.size() : 0;
    const bool everything = request.database == (request.backup.manifest && request.backup.manifest->database.has_value()) &&
                            request.sources.size() == allSources;
    if (!everything) {
        if (request.database)
            arguments << QStringLiteral("--only") << QStringLiteral("database");
        for (const QString& label : request.sources)
            arguments << QStringLiteral("--only") << label;
    }
    if (!request.asDatabase.isEmpty())
        arguments << QStringLiteral("--as-database") << request.asDatabase;
    return arguments;
}

QFuture<QString> ServerSite::previewRestore(RestoreRequest request, QString password) const
{
    return runInBackground([server = m_server, arguments = restoreArguments(request) << QStringLiteral("--preview"), password] {
        JobControl control;
        const Result<QJsonValue> answer = RemoteCli::run(server, arguments, control, {}, password);
        if (!answer)
            return tr("What is on %1 cannot be measured now: %2").arg(server.displayName(), answer.error().message);
        return answer->toObject().value(QStringLiteral("preview")).toString();
    });
}

QFuture<Result<RestoreOutcome>> ServerSite::restore(RestoreRequest request, std::shared_ptr<JobControl> control) const
{
    // The OUI typed in the window goes with the request: the server asks for it too.
    const QStringList arguments = restoreArguments(request) << QStringLiteral("--confirm") << RestoreRequest::Confirmation;
    return runInBackground([server = m_server, arguments, password = request.password, control]() -> Result<RestoreOutcome> {
        const Result<QJsonValue> answer = RemoteCli::run(server, arguments, *control, {}, password);
        if (!answer)
            return answer.error();
        const QJsonObject o = answer->toObject();
        RestoreOutcome outcome;
        outcome.journal.backup = o.value(QStringLiteral("backup")).toString();
        outcome.journal.stamp = o.value(QStringLiteral("stamp")).toString();
        outcome.journal.database = o.value(QStringLiteral("database")).toString();
        outcome.journal.databaseBefore = o.value(QStringLiteral("database_before")).toString();
        for (const QJsonValue& folder : o.value(QStringLiteral("folders")).toArray()) {
            RestoreJournal::Folder f;
            f.path = folder[QStringLiteral("path")].toString();
            f.before = folder[QStringLiteral("before")].toString();
            f.hadOriginal = !f.before.isEmpty();
            outcome.journal.folders.append(f);
        }
        outcome.safetyBackup = o.value(QStringLiteral("safety_backup")).toString();
        outcome.databaseInspection = o.value(QStringLiteral("database_inspection")).toString();
        for (const QJsonValue& warning : o.value(QStringLiteral("warnings")).toArray())
            outcome.warnings << warning.toString();
        return outcome;
    });
}

QFuture<Result<RestoreJournal>> ServerSite::undo(QString password, std::shared_ptr<JobControl> control) const
{
    return runInBackground([server = m_server, password, control]() -> Result<RestoreJournal> {
        const Result<QJsonValue> answer = RemoteCli::run(server, {QStringLiteral("undo-restore")}, *control, {}, password);
        if (!answer)
            return answer.error();
        RestoreJournal journal;
        journal.backup = answer->toObject().value(QStringLiteral("backup")).toString();
        journal.stamp = answer->toObject().value(QStringLiteral("stamp")).toString();
        return journal;
    });
}

QFuture<Result<bool>> ServerSite::remove(QStringList names, std::shared_ptr<JobControl> control) const
{
    return runInBackground([server = m_server, names, control]() -> Result<bool> {
        const Result<QJsonValue> answer =
            RemoteCli::run(server, QStringList{QStringLiteral("delete"), QStringLiteral("--yes")} + names, *control);
        if (!answer)
            return answer.error();
        return true;
    });
}

QFuture<QString> ServerSite::recover(QString) const
{
    // The server's coffre-cli puts an interrupted restore back itself, before its next restore.
    return runInBackground([] { return QString(); });
}

QFuture<Result<Backup>> ServerSite::copyToDesktop(QString name, QString folder, std::shared_ptr<JobControl> control) const
{
    return runInBackground(
        [server = m_server, name, folder, control] { return RemoteTransfer::download(server, name, folder, *control); });
}

} // namespace coffre
