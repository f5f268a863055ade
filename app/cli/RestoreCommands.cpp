#include "RestoreCommands.h"

#include "CliJobRunner.h"
#include "drill/DrillJob.h"
#include "CliTarget.h"
#include "CreateCommand.h"
#include "catalog/Catalog.h"
#include "jobs/RestoreCleanup.h"
#include "jobs/RestoreJob.h"
#include "jobs/RestorePreview.h"
#include "jobs/VerifyJob.h"
#include "postgres/DatabaseAdmin.h"
#include "postgres/DatabaseSettings.h"
#include "storage/RepositoryLock.h"
#include "util/Background.h"
#include "util/HumanSize.h"
#include "util/RemoveTree.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QtConcurrent>

#include <functional>

#include <unistd.h>

namespace coffre {
namespace {

// The backup named on the command line, or with --latest the newest complete one.
Result<Backup> chooseBackup(const CliContext& cli, const Profile& profile)
{
    const QStringList names = cli.parser.positionalArguments().mid(1);
    if (cli.parser.isSet(QStringLiteral("latest")) == !names.isEmpty())
        return Error{RestoreCommands::tr("Name one backup, or give --latest."), {}, QStringLiteral("usage")};
    const Result<RepositoryScan> scan = Catalog::scan(profile.repository);
    if (!scan)
        return scan.error();
    for (const Backup& backup : scan->backups) { // newest first
        if (names.isEmpty() ? backup.status == BackupStatus::Complete : backup.name == names.first())
            return backup;
    }
    return Error{names.isEmpty() ? RestoreCommands::tr("There is no complete backup in %1.").arg(profile.repository)
                                 : RestoreCommands::tr("There is no backup named “%1” in %2.").arg(names.first(), profile.repository),
                 {}, ErrorCode::NotFound};
}

// "Type OUI": --confirm OUI, or the word typed at the terminal; never a default. The summary is
// made only for a person to read (it may ask the server).
int confirm(const CliContext& cli, const std::function<QString()>& summary)
{
    if (cli.parser.isSet(QStringLiteral("confirm"))) {
        if (cli.parser.value(QStringLiteral("confirm")) != RestoreRequest::Confirmation)
            return cli.usage(RestoreCommands::tr("--confirm takes the word OUI, in capitals."));
        return ExitSuccess;
    }
    if (!::isatty(STDIN_FILENO))
        return cli.usage(RestoreCommands::tr("Without a terminal, give --confirm OUI to go on."));
    cli.err << summary() << Qt::endl << RestoreCommands::tr("Type OUI (yes, in French) to go on: ") << Qt::flush;
    QTextStream in(stdin);
    const QString answer = in.readLine().trimmed();
    if (answer != RestoreRequest::Confirmation) {
        if (answer.compare(RestoreRequest::Confirmation, Qt::CaseInsensitive) == 0)
            cli.err << RestoreCommands::tr("OUI is typed in capitals.") << ' ';
        cli.err << RestoreCommands::tr("Nothing was changed.") << Qt::endl;
        return ExitFailure;
    }
    return ExitSuccess;
}

QString describeTarget(const RestoreRequest& request)
{
    QStringList lines{RestoreCommands::tr("Restoring %1 (%2) will replace:").arg(request.backup.name,
                                                                                 request.backup.created.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")))};
    if (!request.asDatabase.isEmpty())
        lines << RestoreCommands::tr("  nothing in the database: it goes into a new database “%1”").arg(request.asDatabase);
    // Without a password at hand (it is asked later), the database is said to be out of reach.
    const QString preview = RestorePreview::describe(request, CliPassword::fromKeychainIfKept(request.profile));
    for (const QString& line : preview.split(u'\n', Qt::SkipEmptyParts))
        lines << QStringLiteral("  ") + line;
    lines << RestoreCommands::tr("What is there now is kept beside it (…before_restore_…), and can be put back with undo-restore.");
    return lines.join(u'\n');
}

// Whether the target database has no user table (or does not exist): seed 002's start-up
// restore. Decided from the catalogs, never from a message: Coffre's, libpq's and the server's
// are translated. Any failure to tell is an error, never a "no".
Result<bool> databaseIsEmpty(const Profile& profile, const QString& password)
{
    Result<PgConnection> connection = PgConnection::open(profile.database, password);
    if (!connection) {
        // libpq gives a failed connection no SQLSTATE: whether the database exists is asked of
        // the maintenance database, by its exact name.
        const QString name = PgConnection::databaseNameOf(profile.database, password);
        Result<DatabaseAdmin> admin = DatabaseAdmin::connect(profile.database, password);
        if (name.isEmpty() || !admin)
            return connection.error();
        const Result<quint32> oid = admin.value().oidOf(name);
        if (!oid)
            return oid.error();
        if (*oid != 0)
            return connection.error(); // it exists, and cannot be reached
        return true;
    }
    Result<QString> tables = connection.value().scalar(QStringLiteral(
        "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'p') "
        "and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'"));
    if (!tables)
        return tables.error();
    return *tables == u"0";
}

QJsonObject outcomeToJson(const RestoreOutcome& outcome)
{
    const RestoreJournal& j = outcome.journal;
    QJsonArray folders;
    for (const RestoreJournal::Folder& folder : j.folders)
        folders.append(QJsonObject{{QStringLiteral("path"), folder.path},
                                   {QStringLiteral("before"), folder.hadOriginal ? QJsonValue(folder.before) : QJsonValue()}});
    QJsonObject json{{QStringLiteral("backup"), j.backup},
            {QStringLiteral("stamp"), j.stamp},
            {QStringLiteral("database"), j.database},
            {QStringLiteral("database_before"), j.databaseBefore},
            {QStringLiteral("folders"), folders},
            {QStringLiteral("safety_backup"), outcome.safetyBackup},
            {QStringLiteral("database_inspection"), outcome.databaseInspection},
            {QStringLiteral("warnings"), QJsonArray::fromStringList(outcome.warnings)}};
    if (const std::optional<BucketRestoreSummary>& bucket = outcome.bucket)
        json.insert(QStringLiteral("bucket"), QJsonObject{{QStringLiteral("location"), bucket->location},
                                                          {QStringLiteral("put_back"), QJsonArray::fromStringList(bucket->putBack)},
                                                          {QStringLiteral("unchanged"), bucket->unchanged},
                                                          {QStringLiteral("added"), QJsonArray::fromStringList(bucket->added)},
                                                          {QStringLiteral("added_removed"), bucket->addedRemoved},
                                                          {QStringLiteral("safety_backup"), bucket->safetyBackup}});
    return json;
}

void printBucket(const CliContext& cli, const BucketRestoreSummary& bucket)
{
    cli.out << RestoreCommands::tr("Put back %n object(s) in %1; %2 were unchanged.", nullptr, int(bucket.putBack.size()))
                   .arg(bucket.location)
                   .arg(bucket.unchanged)
            << Qt::endl;
    if (!bucket.added.isEmpty()) {
        cli.out << (bucket.addedRemoved
                        ? RestoreCommands::tr("Removed %n object(s) added since the backup:", nullptr, int(bucket.added.size()))
                        : RestoreCommands::tr("Kept %n object(s) added since the backup (--remove-new-objects removes them):", nullptr,
                                              int(bucket.added.size())))
                << Qt::endl;
        for (const QString& key : bucket.added)
            cli.out << QStringLiteral("  ") << key << Qt::endl;
    }
    if (!bucket.safetyBackup.isEmpty())
        cli.out << RestoreCommands::tr("What the bucket held before is in the backup %1.").arg(bucket.safetyBackup) << Qt::endl;
}

int runRestore(const CliContext& cli)
{
    const Result<Profile> target = CliTarget::resolve(cli.parser);
    if (!target)
        return cli.usage(target.error().message);
    const QString recovered = RestoreJob::recover(*target, CliPassword::fromKeychainIfKept(*target));
    if (!recovered.isEmpty())
        cli.err << recovered << Qt::endl;
    const Result<Backup> backup = chooseBackup(cli, *target);
    if (!backup)
        return backup.error().code == u"usage" ? cli.usage(backup.error().message) : cli.fail(backup.error());

    RestoreRequest request;
    request.profile = *target;
    request.backup = *backup;
    request.asDatabase = cli.parser.value(QStringLiteral("as-database"));
    const QStringList only = cli.parser.values(QStringLiteral("only"));
    if (Status complete = backup->checkComplete(); !complete)
        return cli.fail(complete.error());
    const Manifest* m = backup->manifest.get();
    request.database = m->database && !target->database.isEmpty() && (only.isEmpty() || only.contains(QStringLiteral("database")));
    for (const SourcePart& part : m->sources) {
        if (only.isEmpty() || only.contains(QStringLiteral("sources")) || only.contains(part.label))
            request.sources << part.label;
    }
    // The documents bucket: "documents" or "bucket:documents"; by default when the profile names one.
    for (const ObjectsPart& part : m->objects) {
        const bool asked = only.contains(part.label) || only.contains(QStringLiteral("bucket:") + part.label);
        if (asked || (only.isEmpty() && !target->documents.isEmpty() && part.label == QLatin1String(Profile::DocumentsLabel)))
            request.bucket = part.label;
    }
    for (const QString& part : only) {
        const bool bucket = part == request.bucket || part == QStringLiteral("bucket:") + request.bucket;
        if (part != u"database" && part != u"sources" && !request.sources.contains(part) && !(bucket && !request.bucket.isEmpty()))
            return cli.usage(
                RestoreCommands::tr("--only takes database, sources, documents or a folder label of the backup (not “%1”).").arg(part));
    }
    request.removeNewObjects = cli.parser.isSet(QStringLiteral("remove-new-objects"));
    if (!request.bucket.isEmpty())
        request.documentsSecret = CliPassword::offsiteSecret(target->documents);
    if (!request.asDatabase.isEmpty()) {
        request.sources.clear();
        request.bucket.clear();
    }
    if (cli.parser.isSet(QStringLiteral("if-empty"))) {
        const Result<bool> empty = databaseIsEmpty(*target, CliPassword::fromKeychainIfKept(*target));
        if (!empty)
            return cli.fail(empty.error());
        if (!*empty) {
            if (cli.json())
                return cli.succeed(QJsonObject{{QStringLiteral("restored"), false}, {QStringLiteral("reason"), QStringLiteral("not-empty")}});
            cli.out << RestoreCommands::tr("The database already has tables: nothing was restored.") << Qt::endl;
            return ExitSuccess;
        }
    }
    if (cli.parser.isSet(QStringLiteral("preview")))
        return cli.json() ? cli.succeed(QJsonObject{{QStringLiteral("preview"),
                                                     RestorePreview::describe(request, CliPassword::fromKeychainIfKept(*target))}})
                          : (cli.out << describeTarget(request) << Qt::endl, int(ExitSuccess));
    if (const int confirmed = confirm(cli, [&request] { return describeTarget(request); }); confirmed != ExitSuccess)
        return confirmed;

    const Result<RestoreOutcome> outcome = runWithPassword<RestoreOutcome>(
        *target, request.database, CliJobRunner::stderrIsTerminal(), [&request](const QString& password, std::shared_ptr<JobControl> control) {
            RestoreRequest withPassword = request;
            withPassword.password = password;
            return RestoreJob::start(withPassword, control);
        });
    if (!outcome)
        return cli.fail(outcome.error());
    const RestoreJournal& j = outcome->journal;
    if (cli.json())
        return cli.succeed(outcomeToJson(*outcome));
    cli.out << RestoreCommands::tr("Restored %1.").arg(backup->name) << Qt::endl;
    if (!j.databaseBefore.isEmpty() && !j.database.isEmpty())
        cli.out << RestoreCommands::tr("Previous database kept as %1.").arg(j.databaseBefore) << Qt::endl;
    for (const RestoreJournal::Folder& folder : j.folders) {
        if (folder.hadOriginal)
            cli.out << RestoreCommands::tr("Previous folder kept as %1.").arg(folder.before) << Qt::endl;
    }
    if (!outcome->safetyBackup.isEmpty())
        cli.out << RestoreCommands::tr("The database was restored in place; its previous state is in the backup %1.")
                       .arg(outcome->safetyBackup)
                << Qt::endl;
    if (!outcome->databaseInspection.isEmpty())
        cli.out << RestoreCommands::tr("The backup's database is in “%1”.").arg(outcome->databaseInspection) << Qt::endl;
    if (outcome->bucket)
        printBucket(cli, *outcome->bucket);
    for (const QString& warning : outcome->warnings)
        cli.err << warning << Qt::endl;
    return ExitSuccess;
}

int runVerify(const CliContext& cli)
{
    const Result<Profile> target = CliTarget::resolve(cli.parser);
    if (!target)
        return cli.usage(target.error().message);
    const Result<Backup> backup = chooseBackup(cli, *target);
    if (!backup)
        return backup.error().code == u"usage" ? cli.usage(backup.error().message) : cli.fail(backup.error());
    auto control = std::make_shared<JobControl>();
    QFuture<Status> future = runInBackground([b = *backup, control] { return VerifyJob::run(b, *control); });
    CliJobRunner(control, CliJobRunner::stderrIsTerminal()).wait(QFuture<void>(future));
    if (!future.result())
        return cli.fail(future.result().error());
    if (cli.json())
        return cli.succeed(QJsonObject{{QStringLiteral("name"), backup->name},
                                       {QStringLiteral("files"), qint64(backup->manifest->files.size())},
                                       {QStringLiteral("bytes"), backup->manifest->filesTotalBytes()}});
    cli.out << RestoreCommands::tr("%1: all %2 files match their checksums (%3).")
                   .arg(backup->name)
                   .arg(backup->manifest->files.size())
                   .arg(humanSize(backup->manifest->filesTotalBytes()))
            << Qt::endl;
    return ExitSuccess;
}

// A restore drill: proves the backup restorable into a scratch database, touching nothing live.
// `drill --due`, what a scheduled run adds: whether the last good drill is old enough for another.
bool drillIsDue(const CliContext& cli, const Profile& profile)
{
    const int days = profile.schedule.drillDays;
    if (days <= 0) {
        cli.out << RestoreCommands::tr("No restore drill is scheduled for %1 (schedule set --drill-every DAYS).").arg(profile.name) << Qt::endl;
        return false;
    }
    QDateTime last;
    for (const QDateTime& proven : DrillJob::provenRestorable(profile.repository))
        last = last.isValid() ? qMax(last, proven) : proven;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    // An hour's slack: a daily run at 02:30 drills every Nth night, not every N+1th.
    if (last.isValid() && last.secsTo(now) < qint64(days) * 86400 - 3600) {
        cli.out << RestoreCommands::tr("The last good restore drill was on %1; the next is due from %2.")
                       .arg(QLocale().toString(last.toLocalTime(), QLocale::ShortFormat),
                            QLocale().toString(last.addDays(days).addSecs(-3600).toLocalTime(), QLocale::ShortFormat))
                << Qt::endl;
        return false;
    }
    return true;
}

int runDrill(const CliContext& cli)
{
    const Result<Profile> target = CliTarget::resolve(cli.parser);
    if (!target)
        return cli.usage(target.error().message);
    const bool due = cli.parser.isSet(QStringLiteral("due"));
    if (due && !drillIsDue(cli, *target))
        return ExitSuccess;
    const Result<Backup> backup = chooseBackup(cli, *target);
    if (!backup) {
        if (due)
            CreateCommand::notify(cli, *target, QStringLiteral("drill"), QString(), backup.error());
        return backup.error().code == u"usage" ? cli.usage(backup.error().message) : cli.fail(backup.error());
    }
    const bool database = backup->manifest && backup->manifest->database && !target->database.isEmpty();
    const Result<DrillResult> drilled = runWithPassword<DrillResult>(
        *target, database, !cli.json() && CliJobRunner::stderrIsTerminal(),
        [profile = *target, b = *backup](const QString& password, std::shared_ptr<JobControl> control) {
            return runInBackground([profile, b, password, control] { return DrillJob::run(profile, b, password, *control); });
        });
    if (due) // nobody is watching a scheduled drill: a failure is sent like a failed backup
        CreateCommand::notify(cli, *target, QStringLiteral("drill"), backup->name, drilled ? Status() : Status(drilled.error()));
    if (!drilled)
        return cli.fail(drilled.error());
    if (cli.json())
        return cli.succeed(QJsonObject{{QStringLiteral("name"), drilled->backup}, {QStringLiteral("ok"), true},
                                       {QStringLiteral("tables"), drilled->tables}, {QStringLiteral("rows"), drilled->rows},
                                       {QStringLiteral("files"), drilled->sourceFiles}, {QStringLiteral("duration_ms"), drilled->durationMs}});
    cli.out << RestoreCommands::tr("%1 is proven restorable: %2").arg(drilled->backup, drilled->message) << Qt::endl;
    return ExitSuccess;
}

int runUndo(const CliContext& cli)
{
    const Result<Profile> target = CliTarget::resolve(cli.parser);
    if (!target)
        return cli.usage(target.error().message);
    const Result<RestoreJournal> undone = runWithPassword<RestoreJournal>(
        *target, !target->database.isEmpty(), false, [&target](const QString& password, std::shared_ptr<JobControl> control) {
            const QString documentsSecret = CliPassword::offsiteSecret(target->documents);
            return runInBackground([profile = *target, password, control, documentsSecret] {
                return RestoreJob::undo(profile, password, *control, documentsSecret);
            });
        });
    if (!undone)
        return cli.fail(undone.error());
    if (cli.json())
        return cli.succeed(QJsonObject{{QStringLiteral("backup"), undone->backup}, {QStringLiteral("stamp"), undone->stamp}});
    if (undone->folders.isEmpty() && undone->database.isEmpty())
        cli.out << RestoreCommands::tr("The restore of %1 (%2) was undone: the bucket is as it was before.").arg(undone->backup, undone->stamp)
                << Qt::endl;
    else
        cli.out << RestoreCommands::tr("The restore of %1 (%2) was undone: the previous state is back; the restored one is kept as …undone_%2.")
                       .arg(undone->backup, undone->stamp)
                << Qt::endl;
    return ExitSuccess;
}

int runCleanup(const CliContext& cli)
{
    const Result<Profile> target = CliTarget::resolve(cli.parser);
    if (!target)
        return cli.usage(target.error().message);
    // Held to the end: an undo in the window must not swap back a copy this is removing.
    const Result<std::unique_ptr<RepositoryLock>> lock = RepositoryLock::acquire(target->repository);
    if (!lock)
        return cli.fail(lock.error());
    const Result<RestoreCopies> copies = RestoreCleanup::find(*target);
    if (!copies)
        return cli.fail(Error{copies.error().message, {}});
    QStringList names;
    for (const RestoreCopies::Copy& copy : copies->copies)
        names << copy.name;
    const QString summary = RestoreCommands::tr("This removes for good, and ends Undo:\n  %1").arg(names.join(QStringLiteral("\n  ")));
    // A mount point inside a copy is refused before the question: nothing to agree to.
    if (const Status unmounted = RestoreCleanup::checkNoMounts(*copies); !unmounted)
        return cli.fail(unmounted.error());
    if (const int confirmed = confirm(cli, [&summary] { return summary; }); confirmed != ExitSuccess)
        return confirmed;
    JobControl control;
    if (Status removed = RestoreCleanup::remove(*copies, *target, CliPassword::fromKeychainIfKept(*target), control); !removed)
        return cli.fail(removed.error());
    cli.out << RestoreCommands::tr("Removed the before-restore copies of %1.").arg(copies->stamp) << Qt::endl;
    return ExitSuccess;
}

QCommandLineOption confirmOption()
{
    return {QStringLiteral("confirm"), RestoreCommands::tr("Confirm without a prompt: the word OUI."), QStringLiteral("OUI")};
}

} // namespace

CliCommand RestoreCommands::restore()
{
    return {QStringLiteral("restore"), tr("Restore a backup; what it replaces is kept and can be put back."), QStringLiteral("NAME"),
            [] {
                return QList<QCommandLineOption>{
                    {QStringLiteral("only"), tr("Restore only this part: database, sources, documents (the bucket), or a folder label; "
                                                "repeatable."),
                     QStringLiteral("PART")},
                    {QStringLiteral("remove-new-objects"),
                     tr("Also remove the objects added to the documents bucket since the backup (they are kept otherwise).")},
                    {QStringLiteral("as-database"), tr("Restore the database under this new name, for inspection."), QStringLiteral("NAME")},
                    {QStringLiteral("latest"), tr("Restore the newest complete backup.")},
                    {QStringLiteral("if-empty"), tr("Restore only when the database has no tables (for a start-up script).")},
                    {QStringLiteral("preview"), tr("Only say what the restore would replace; change nothing.")},
                    confirmOption()};
            },
            runRestore};
}

CliCommand RestoreCommands::verify()
{
    return {QStringLiteral("verify"), tr("Check every file of a backup against its checksum."), QStringLiteral("NAME"),
            [] { return QList<QCommandLineOption>{{QStringLiteral("latest"), tr("Check the newest complete backup.")}}; }, runVerify};
}

CliCommand RestoreCommands::drill()
{
    return {QStringLiteral("drill"),
            tr("Prove a backup restorable: its database restored into a scratch database, row counts checked, dropped; "
               "its folders' archives read through. Nothing live is touched."),
            QStringLiteral("NAME"),
            [] {
                return QList<QCommandLineOption>{
                    {QStringLiteral("latest"), tr("Drill the newest complete backup.")},
                    {QStringLiteral("due"), tr("Only when the profile's schedule asks for drills and the last good one is old enough "
                                               "(what the scheduled run adds); a failure is notified.")}};
            },
            runDrill};
}

CliCommand RestoreCommands::undoRestore()
{
    return {QStringLiteral("undo-restore"), tr("Put back what the last restore replaced."), QString(), {}, runUndo};
}

CliCommand RestoreCommands::cleanupRestore()
{
    return {QStringLiteral("cleanup-restore"), tr("Remove the before-restore copies of the last restore, for good."), QString(),
            [] { return QList<QCommandLineOption>{confirmOption()}; }, runCleanup};
}

} // namespace coffre
