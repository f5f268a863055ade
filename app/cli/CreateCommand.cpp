#include "CreateCommand.h"

#include "CliJobRunner.h"
#include "CliTarget.h"
#include "audit/AuditLog.h"
#include "catalog/ScanJson.h"
#include "notify/BackupWarnings.h"
#include "notify/Notifier.h"
#include "jobs/BackupJob.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSysInfo>

namespace coffre {
namespace {

QList<QCommandLineOption> createOptions()
{
    return {
        {QStringLiteral("name"), CreateCommand::tr("Name of the backup (default: backup_YYYYMMDD_HHMMSS)."), QStringLiteral("NAME")},
        {QStringLiteral("note"), CreateCommand::tr("A note kept with the backup."), QStringLiteral("TEXT")},
        {QStringLiteral("no-db"), CreateCommand::tr("Leave the database out.")},
        {QStringLiteral("no-sources"), CreateCommand::tr("Leave the source folders out.")},
        {QStringLiteral("no-documents"), CreateCommand::tr("Leave the documents bucket out.")},
        {QStringLiteral("plain-sql"), CreateCommand::tr("Also keep the database as plain SQL, for reading by eye.")},
        {QStringLiteral("gzip"), CreateCommand::tr("Compress with gzip instead of zstd, for old tooling.")},
        {QStringLiteral("scheduled"), CreateCommand::tr("Mark the backup as scheduled (for timers and cron) and notify as the "
                                                        "profile says (coffre-cli notify).")},
        {QStringLiteral("notify"), CreateCommand::tr("Notify as the profile says, as a scheduled run does.")},
    };
}

// The backup as list, info and scan describe it (a desktop reads its manifest back), and how long it took.
QJsonObject toJson(const Backup& backup)
{
    QJsonObject o = ScanJson::backupToJson(backup, true);
    o.insert(QStringLiteral("duration_ms"), backup.manifest ? backup.manifest->durationMs : 0);
    return o;
}


int runCreate(const CliContext& cli)
{
    const Result<Profile> target = CliTarget::resolve(cli.parser);
    if (!target)
        return cli.usage(target.error().message);
    BackupRequest request;
    request.profile = *target;
    request.name = cli.parser.value(QStringLiteral("name"));
    request.note = cli.parser.value(QStringLiteral("note"));
    request.includeDatabase = !cli.parser.isSet(QStringLiteral("no-db")) && !target->database.isEmpty();
    request.includeSources = !cli.parser.isSet(QStringLiteral("no-sources"));
    request.includeDocuments = !cli.parser.isSet(QStringLiteral("no-documents"));
    if (request.includeDocuments && !target->documents.isEmpty())
        request.documentsSecret = CliPassword::offsiteSecret(target->documents);
    request.plainSql = cli.parser.isSet(QStringLiteral("plain-sql"));
    request.gzip = cli.parser.isSet(QStringLiteral("gzip"));
    request.kind = cli.parser.isSet(QStringLiteral("scheduled")) ? BackupKind::Scheduled : BackupKind::Manual;
    // A profile that copies off-site, or `--repository s3://…` (the backup then lives there only).
    request.copyOffsite = !target->offsite.isEmpty() && (target->copyOffsite || CliTarget::repositoryIsOffsite(cli.parser));
    request.keepLocalCopy = !CliTarget::repositoryIsOffsite(cli.parser);
    if (request.copyOffsite)
        request.offsiteSecret = CliPassword::offsiteSecret(target->offsite);
    if (cli.parser.isSet(QStringLiteral("no-db")) && cli.parser.isSet(QStringLiteral("no-sources")) &&
        (!request.includeDocuments || target->documents.isEmpty()))
        return cli.usage(CreateCommand::tr("--no-db and --no-sources together leave nothing to back up."));
    const bool json = cli.json();
    const Result<Backup> result = runWithPassword<Backup>(
        *target, request.includeDatabase, !json && CliJobRunner::stderrIsTerminal(),
        [&request](const QString& password, std::shared_ptr<JobControl> control) {
            BackupRequest withPassword = request;
            withPassword.password = password;
            return BackupJob::start(withPassword, control);
        });
    // Warnings only for a backup kept here: one that went off-site only was judged there.
    const QStringList warnings = result && request.keepLocalCopy
                                     ? BackupWarnings::afterCreate(target->repository, result->name, target->notify)
                                     : QStringList();
    if (cli.parser.isSet(QStringLiteral("scheduled")) || cli.parser.isSet(QStringLiteral("notify")))
        CreateCommand::notify(cli, *target, QStringLiteral("backup"), result ? result->name : QString(),
                              result ? Status() : Status(result.error()), warnings);
    if (!result)
        return cli.fail(result.error());
    if (json) {
        QJsonObject answer = toJson(*result);
        answer.insert(QStringLiteral("warnings"), QJsonArray::fromStringList(warnings));
        return cli.succeed(answer);
    }
    for (const QString& warning : warnings) // stderr: cron mails it; stdout stays the name
        cli.err << "coffre-cli: " << CreateCommand::tr("warning: %1").arg(warning) << Qt::endl;
    cli.out << result->name << Qt::endl;
    if (request.copyOffsite) // stdout stays the name alone: scripts read it
        cli.err << CreateCommand::tr("Copied to %1; every checksum matched.").arg(target->offsite.url()) << Qt::endl;
    return ExitSuccess;
}

} // namespace

void CreateCommand::notify(const CliContext& cli, const Profile& profile, const QString& event, const QString& backup,
                           const Status& outcome, const QStringList& warnings)
{
    Notification notification;
    notification.event = event;
    notification.profile = profile.name;
    notification.host = QSysInfo::machineHostName();
    notification.time = QDateTime::currentDateTime();
    notification.backup = backup;
    notification.warnings = warnings;
    notification.outcome = outcome                                            ? (warnings.isEmpty() ? QStringLiteral("ok") : QStringLiteral("warning"))
                           : outcome.error().code == ErrorCode::Canceled ? QStringLiteral("canceled")
                                                                         : QStringLiteral("failed");
    notification.message = outcome ? warnings.join(u' ') : AuditLog::maskSecrets(outcome.error().toLogString());
    if (!profile.notify.sendsAnything() || !notification.worthSending(profile.notify))
        return;
    for (const QString& failure : Notifier::send(profile.notify, notification))
        cli.err << "coffre-cli: " << CreateCommand::tr("could not notify: %1").arg(failure) << Qt::endl;
}

CliCommand CreateCommand::command()
{
    return {QStringLiteral("create"), tr("Back up the database and the source folders now."), QString(), createOptions,
            runCreate};
}

} // namespace coffre
