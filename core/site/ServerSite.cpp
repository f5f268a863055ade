#include "ServerSite.h"

#include "catalog/ScanJson.h"
#include "profile/ProfileStore.h"
#include "remote/RemoteCli.h"
#include "remote/RemoteTransfer.h"
#include "util/Background.h"

#include <QJsonArray>
#include <QJsonObject>

namespace coffre {
namespace {

// The server's coffre-cli reads the backup there; what comes back is what the dialog shows.
class ServerBrowser : public BackupBrowser
{
public:
    ServerBrowser(SshDestination server, QString name) : m_server(std::move(server)), m_name(std::move(name)) {}

    Result<FileTree> files(JobControl& control) const override
    {
        const Result<QJsonValue> answer = ask({QStringLiteral("--tree")}, control);
        if (!answer)
            return answer.error();
        FileTree tree;
        const QJsonObject roots = answer->toObject().value(QStringLiteral("roots")).toObject();
        for (auto root = roots.begin(); root != roots.end(); ++root) {
            QList<ArchiveEntry> entries;
            for (const QJsonValue& e : root.value().toArray()) {
                const QString type = e[QStringLiteral("type")].toString();
                entries.append({e[QStringLiteral("path")].toString(),
                                type == u"d"   ? ArchiveEntry::Type::Directory
                                : type == u"l" ? ArchiveEntry::Type::Symlink
                                : type == u"-" ? ArchiveEntry::Type::File
                                               : ArchiveEntry::Type::Other,
                                e[QStringLiteral("size")].toInteger(), e[QStringLiteral("modified")].toInteger(),
                                e[QStringLiteral("link")].toString()});
            }
            tree.add(root.key(), entries);
        }
        tree.finish();
        return tree;
    }

    Result<FilePreview> preview(const QString& path) const override
    {
        JobControl control;
        const Result<QJsonValue> answer = ask({QStringLiteral("--path"), path}, control);
        if (!answer)
            return answer.error();
        const QJsonObject o = answer->toObject();
        FilePreview preview;
        preview.size = o.value(QStringLiteral("size")).toInteger();
        preview.binary = o.value(QStringLiteral("binary")).toBool();
        preview.bytes = QByteArray::fromBase64(o.value(QStringLiteral("bytes_base64")).toString().toLatin1());
        return preview;
    }

    Result<QList<DumpObject>> databaseObjects(JobControl& control) const override
    {
        const Result<QJsonValue> answer = ask({QStringLiteral("--database")}, control);
        if (!answer)
            return answer.error();
        QList<DumpObject> objects;
        for (const QJsonValue& o : answer->toArray())
            objects.append({o[QStringLiteral("type")].toString(), o[QStringLiteral("schema")].toString(),
                            o[QStringLiteral("name")].toString(), o[QStringLiteral("owner")].toString(),
                            o[QStringLiteral("rows")].toInteger(-1)});
        return objects;
    }

    Result<TreeChanges> compare(JobControl& control) const override
    {
        const Result<QJsonValue> answer = RemoteCli::run(m_server, {QStringLiteral("diff"), m_name}, control);
        if (!answer)
            return answer.error();
        const QJsonObject o = answer->toObject();
        auto strings = [&o](const char* key) {
            QStringList list;
            for (const QJsonValue& v : o.value(QLatin1String(key)).toArray())
                list << v.toString();
            return list;
        };
        TreeChanges changes;
        changes.added = strings("added");
        changes.removed = strings("removed");
        changes.changed = strings("changed");
        changes.missingRoots = strings("missingFolders");
        changes.unchanged = o.value(QStringLiteral("unchanged")).toInteger();
        return changes;
    }

    bool canExtract() const override { return false; } // Download copies the whole backup instead
    Result<QStringList> extract(const QStringList&, const QString&, JobControl&) const override
    {
        return Error{ServerSite::tr("Files are extracted from a backup on this computer: download it first."), {}};
    }

private:
    Result<QJsonValue> ask(const QStringList& options, JobControl& control) const
    {
        return RemoteCli::run(m_server, QStringList{QStringLiteral("browse"), m_name} + options, control);
    }

    SshDestination m_server;
    QString m_name;
};

} // namespace

std::shared_ptr<const BackupBrowser> ServerSite::browser(const Backup& backup) const
{
    return std::make_shared<ServerBrowser>(m_server, backup.name);
}

bool ServerSite::supports(Feature feature) const
{
    return feature == Feature::CopyToDesktop || feature == Feature::Browse || feature == Feature::UploadFromDesktop;
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
    if (!request.includeDocuments)
        arguments << QStringLiteral("--no-documents");
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
    // The server's restore takes the bucket by default: a request without it names its parts.
    const bool bucketAsked = !request.bucket.isEmpty() || !request.backup.manifest || request.backup.manifest->objects.isEmpty();
    const bool everything = request.database == (request.backup.manifest && request.backup.manifest->database.has_value()) &&
                            request.sources.size() == allSources && bucketAsked;
    if (!everything) {
        if (request.database)
            arguments << QStringLiteral("--only") << QStringLiteral("database");
        for (const QString& label : request.sources)
            arguments << QStringLiteral("--only") << label;
        if (!request.bucket.isEmpty())
            arguments << QStringLiteral("--only") << QStringLiteral("bucket:") + request.bucket;
    }
    if (request.removeNewObjects)
        arguments << QStringLiteral("--remove-new-objects");
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
        return tr("On %1:").arg(server.displayName()) + u'\n' + answer->toObject().value(QStringLiteral("preview")).toString();
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
        if (const QJsonObject bucket = o.value(QStringLiteral("bucket")).toObject(); !bucket.isEmpty()) {
            auto strings = [&bucket](const char* key) {
                QStringList list;
                for (const QJsonValue& v : bucket.value(QLatin1String(key)).toArray())
                    list << v.toString();
                return list;
            };
            outcome.bucket = BucketRestoreSummary{bucket.value(QStringLiteral("location")).toString(), strings("put_back"),
                                                  bucket.value(QStringLiteral("unchanged")).toInteger(), strings("added"),
                                                  bucket.value(QStringLiteral("added_removed")).toBool(),
                                                  bucket.value(QStringLiteral("safety_backup")).toString()};
        }
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

QFuture<Result<QString>> ServerSite::upload(Backup backup, std::shared_ptr<JobControl> control) const
{
    return runInBackground([server = m_server, backup, control] { return RemoteTransfer::upload(server, backup, *control); });
}

QFuture<Result<ScheduleInstall>> ServerSite::setSchedule(Schedule schedule) const
{
    QStringList arguments{QStringLiteral("schedule")};
    if (!schedule.isSet())
        arguments << QStringLiteral("remove");
    else if (schedule.every == Schedule::Every::Hourly)
        arguments << QStringLiteral("set") << QStringLiteral("--hourly");
    else if (schedule.every == Schedule::Every::Daily)
        arguments << QStringLiteral("set") << QStringLiteral("--daily") << schedule.at.toString(QStringLiteral("HH:mm"));
    else
        arguments << QStringLiteral("set") << QStringLiteral("--weekly") << Schedule::weekdayWord(schedule.weekday)
                  << schedule.at.toString(QStringLiteral("HH:mm"));
    if (schedule.isSet() && schedule.drillDays > 0)
        arguments << QStringLiteral("--drill-every") << QString::number(schedule.drillDays);
    return runInBackground([server = m_server, arguments]() -> Result<ScheduleInstall> {
        JobControl control;
        const Result<QJsonValue> answer = RemoteCli::run(server, arguments, control);
        if (!answer)
            return answer.error();
        const QJsonObject o = answer->toObject();
        const QJsonObject done = o.value(o.contains(QStringLiteral("installed")) ? QStringLiteral("installed") : QStringLiteral("removed")).toObject();
        auto strings = [&done](const char* key) {
            QStringList list;
            for (const QJsonValue& value : done.value(QLatin1String(key)).toArray())
                list << value.toString();
            return list;
        };
        ScheduleInstall install;
        install.method = done.value(QStringLiteral("method")).toString();
        install.active = done.value(QStringLiteral("active")).toBool();
        install.cronLine = done.value(QStringLiteral("cron_line")).toString();
        install.files = strings("files");
        install.todo = strings("todo");
        install.notes = strings("notes");
        return install;
    });
}

QFuture<Result<QList<AuditEntry>>> ServerSite::history() const
{
    return runInBackground([server = m_server]() -> Result<QList<AuditEntry>> {
        JobControl control;
        const Result<QJsonValue> answer = RemoteCli::run(server, {QStringLiteral("log")}, control);
        if (!answer)
            return answer.error();
        QList<AuditEntry> entries;
        for (const QJsonValue& line : answer->toArray())
            if (std::optional<AuditEntry> entry = AuditEntry::fromJson(line.toObject()))
                entries << *entry;
        return entries;
    });
}

} // namespace coffre
