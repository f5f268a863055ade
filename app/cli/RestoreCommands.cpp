#include "RestoreCommands.h"

#include "CliJobRunner.h"
#include "CliTarget.h"
#include "catalog/Catalog.h"
#include "jobs/RestoreJob.h"
#include "jobs/VerifyJob.h"
#include "postgres/DatabaseAdmin.h"
#include "postgres/DatabaseSettings.h"
#include "storage/RepositoryLock.h"
#include "util/Background.h"
#include "util/HumanSize.h"
#include "util/RemoveTree.h"

#include <QDir>
#include <QFile>
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
                 {}};
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
        return cli.usage(RestoreCommands::tr("Without a terminal, give --confirm OUI to restore."));
    cli.err << summary() << Qt::endl << RestoreCommands::tr("Type OUI (yes, in French) to go on: ") << Qt::flush;
    QTextStream in(stdin);
    if (in.readLine().trimmed() != RestoreRequest::Confirmation) {
        cli.err << RestoreCommands::tr("Nothing was changed.") << Qt::endl;
        return ExitFailure;
    }
    return ExitSuccess;
}

QString describeTarget(const RestoreRequest& request)
{
    QStringList lines{RestoreCommands::tr("Restoring %1 (%2) will replace:").arg(request.backup.name,
                                                                                 request.backup.created.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")))};
    if (request.database) {
        if (!request.asDatabase.isEmpty())
            lines << RestoreCommands::tr("  nothing in the database: it goes into a new database “%1”").arg(request.asDatabase);
        else
            lines << RestoreCommands::tr("  the database %1").arg(request.profile.database.displayName());
        if (request.asDatabase.isEmpty()) {
            // Without a password at hand (it is asked later), the comparison is left out.
            const QString password = CliPassword::fromKeychainIfKept(request.profile);
            const QString name = PgConnection::databaseNameOf(request.profile.database, password);
            Result<DatabaseAdmin> admin = DatabaseAdmin::connect(request.profile.database, password);
            if (admin && !name.isEmpty() && admin.value().exists(name)) {
                const QString changes = DatabaseSettings::changeSummary(admin.value().connection(), name,
                                                                        request.backup.manifest->database->settings);
                if (!changes.isEmpty())
                    lines << QStringLiteral("  ") + changes;
            }
        }
    }
    for (const QString& label : request.sources) {
        for (const SourceRoot& root : request.profile.sources)
            if (root.label == label)
                lines << RestoreCommands::tr("  the folder %1").arg(root.path);
    }
    if (const QStringList kept = RestoreJob::keptFromCurrent(request); !kept.isEmpty())
        lines << RestoreCommands::tr("Kept from the current folder (not in backups): %1").arg(kept.join(QStringLiteral(", ")));
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
    for (const QString& part : only) {
        if (part != u"database" && part != u"sources" && !request.sources.contains(part))
            return cli.usage(RestoreCommands::tr("--only takes database, sources or a folder label of the backup (not “%1”).").arg(part));
    }
    if (!request.asDatabase.isEmpty())
        request.sources.clear();
    if (cli.parser.isSet(QStringLiteral("if-empty"))) {
        const Result<bool> empty = databaseIsEmpty(*target, CliPassword::fromKeychainIfKept(*target));
        if (!empty)
            return cli.fail(empty.error());
        if (!*empty) {
            cli.out << RestoreCommands::tr("The database already has tables: nothing was restored.") << Qt::endl;
            return ExitSuccess;
        }
    }
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
    cli.out << RestoreCommands::tr("Restored %1.").arg(backup->name) << Qt::endl;
    const RestoreJournal& j = outcome->journal;
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
    cli.out << RestoreCommands::tr("%1: all %2 files match their checksums (%3).")
                   .arg(backup->name)
                   .arg(backup->manifest->files.size())
                   .arg(humanSize(backup->manifest->filesTotalBytes()))
            << Qt::endl;
    return ExitSuccess;
}

int runUndo(const CliContext& cli)
{
    const Result<Profile> target = CliTarget::resolve(cli.parser);
    if (!target)
        return cli.usage(target.error().message);
    const Result<RestoreJournal> undone = runWithPassword<RestoreJournal>(
        *target, !target->database.isEmpty(), false, [&target](const QString& password, std::shared_ptr<JobControl> control) {
            return runInBackground([profile = *target, password, control] { return RestoreJob::undo(profile, password, *control); });
        });
    if (!undone)
        return cli.fail(undone.error());
    cli.out << RestoreCommands::tr("The restore of %1 (%2) was undone: the previous state is back; the restored one is kept as …undone_%2.")
                   .arg(undone->backup, undone->stamp)
            << Qt::endl;
    return ExitSuccess;
}

// The first mount point at or below `path` (from /proc/self/mountinfo), or nothing.
QString mountInside(const QString& path)
{
    QFile mounts(QStringLiteral("/proc/self/mountinfo"));
    if (!mounts.open(QIODevice::ReadOnly))
        return {};
    const QString root = QDir::cleanPath(path);
    for (const QByteArray& line : mounts.readAll().split('\n')) {
        // "36 35 98:0 /mnt1 /mnt/parent rw,... - ext3 ...": the fifth field is the mount point,
        // with spaces and other characters escaped as \ooo.
        QByteArray point = line.split(' ').value(4);
        point.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
        const QString mounted = QFile::decodeName(point);
        if (!mounted.isEmpty() && (mounted == root || mounted.startsWith(root + u'/')))
            return mounted;
    }
    return {};
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
    const QString journalPath = QDir(target->repository).filePath(QLatin1String(RestoreJournal::LastFile));
    const Result<RestoreJournal> journal = RestoreJournal::read(journalPath);
    if (!journal)
        return cli.fail(Error{RestoreCommands::tr("There are no before-restore copies to remove."), {}});
    if (Status mine = journal->belongsTo(target->name); !mine)
        return cli.fail(mine.error());
    QStringList folders, databases;
    QList<quint32> oids; // each copy is dropped only if it is still the database the journal recorded
    for (const RestoreJournal::Folder& folder : journal->folders) {
        for (const QString& path : {folder.before, folder.path + QStringLiteral(".undone_") + journal->stamp})
            if (QFileInfo::exists(path) || QFileInfo(path).isSymLink()) // a link is removed as a link (removeTree)
                folders << path;
    }
    if (!journal->database.isEmpty()) {
        databases << journal->databaseBefore
                  << (journal->databaseUndone.isEmpty() ? journal->database + QStringLiteral("_undone_") + journal->stamp
                                                        : journal->databaseUndone);
        oids << journal->databaseOid << journal->restoredOid;
    }
    // A mount point inside a copy (public/uploads on a share that could not be carried back) would
    // have its files deleted through it: refuse, before anything is removed.
    for (const QString& path : folders) {
        if (const QString mount = mountInside(path); !mount.isEmpty())
            return cli.fail(Error{RestoreCommands::tr("“%1” holds a mounted file system (%2): unmount it or move it out first. "
                                                      "Nothing was removed.")
                                      .arg(path, mount),
                                  {}});
    }
    const QString summary = RestoreCommands::tr("This removes for good, and ends Undo:\n  %1")
                                .arg((folders + databases).join(QStringLiteral("\n  ")));
    if (const int confirmed = confirm(cli, [&summary] { return summary; }); confirmed != ExitSuccess)
        return confirmed;
    for (const QString& path : folders) {
        if (Status removed = removeTree(path); !removed)
            return cli.fail(removed.error());
    }
    if (!databases.isEmpty()) {
        Result<DatabaseAdmin> admin = DatabaseAdmin::connect(target->database, CliPassword::fromKeychainIfKept(*target));
        if (!admin)
            return cli.fail(admin.error());
        for (qsizetype i = 0; i < databases.size(); ++i) {
            if (databases[i] == journal->database)
                continue; // never the live database, whatever a journal says
            if (Status dropped = admin.value().dropCreated(databases[i], oids[i]); !dropped)
                return cli.fail(dropped.error());
        }
    }
    QFile::remove(journalPath);
    cli.out << RestoreCommands::tr("Removed the before-restore copies of %1.").arg(journal->stamp) << Qt::endl;
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
                    {QStringLiteral("only"), tr("Restore only this part: database, sources, or a folder label; repeatable."), QStringLiteral("PART")},
                    {QStringLiteral("as-database"), tr("Restore the database under this new name, for inspection."), QStringLiteral("NAME")},
                    {QStringLiteral("latest"), tr("Restore the newest complete backup.")},
                    {QStringLiteral("if-empty"), tr("Restore only when the database has no tables (for a start-up script).")},
                    confirmOption()};
            },
            runRestore};
}

CliCommand RestoreCommands::verify()
{
    return {QStringLiteral("verify"), tr("Check every file of a backup against its checksum."), QStringLiteral("NAME"),
            [] { return QList<QCommandLineOption>{{QStringLiteral("latest"), tr("Check the newest complete backup.")}}; }, runVerify};
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
