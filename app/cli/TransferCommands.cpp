#include "TransferCommands.h"

#include "CliJobRunner.h"
#include "CliTarget.h"
#include "audit/AuditLog.h"
#include "jobs/ExportJob.h"
#include "jobs/ImportJob.h"
#include "util/Background.h"
#include "util/HumanSize.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonObject>

#include <unistd.h>

namespace coffre {
namespace {

// `export NAME --to -`: the .tar on stdout, for a pipe (ssh, `import -`); what people read goes to stderr.
int exportToStdout(const CliContext& cli, const Profile& profile, const QString& name)
{
    if (cli.json())
        return cli.usage(TransferCommands::tr("--to - writes the backup itself on stdout: it cannot be combined with --json."));
    if (::isatty(STDOUT_FILENO))
        return cli.usage(TransferCommands::tr("--to - writes a .tar on stdout: send it to a file or a pipe, not to the terminal."));
    const Result<Backup> backup = CliTarget::completeBackup(profile, name);
    if (!backup)
        return cli.fail(backup.error());
    cli.out.flush();
    // Data leaving the repository (a desktop's download over ssh, or a pipe): on its audit log.
    AuditRecord audit(profile.repository, AuditAction::Export, profile.name, name);
    const Result<qint64> written = runWithPassword<qint64>(profile, false, CliJobRunner::stderrIsTerminal(),
                                                           [b = *backup](const QString&, std::shared_ptr<JobControl> control) {
                                                               return runInBackground([b, control] {
                                                                   return ExportJob::runToStream(b, STDOUT_FILENO, *control);
                                                               });
                                                           });
    audit.finish(written, written ? *written : 0, TransferCommands::tr("to standard output"));
    if (!written)
        return cli.fail(written.error());
    return ExitSuccess;
}

int runExport(const CliContext& cli)
{
    const Result<Profile> target = CliTarget::resolve(cli.parser);
    if (!target)
        return cli.usage(target.error().message);
    const QStringList names = cli.parser.positionalArguments().mid(1);
    const QString destination = cli.parser.value(QStringLiteral("to"));
    if (names.size() != 1 || destination.isEmpty())
        return cli.usage(TransferCommands::tr("Name one backup and the file to write with --to (.zip or .tar)."));
    if (destination == u"-")
        return exportToStdout(cli, *target, names.first());
    if (!ExportJob::formatOf(destination))
        return cli.usage(TransferCommands::tr("--to names a .zip or a .tar file."));
    const Result<Backup> backup = CliTarget::completeBackup(*target, names.first());
    if (!backup)
        return cli.fail(backup.error());
    ExportRequest request{*backup, QFileInfo(destination).absoluteFilePath(), cli.parser.isSet(QStringLiteral("force"))};
    const Result<qint64> written = runWithPassword<qint64>(*target, false, CliJobRunner::stderrIsTerminal(),
                                                           [request](const QString&, std::shared_ptr<JobControl> control) {
                                                               return ExportJob::start(request, control);
                                                           });
    if (!written)
        return cli.fail(written.error());
    if (cli.json())
        return cli.succeed(QJsonObject{{QStringLiteral("name"), backup->name},
                                       {QStringLiteral("file"), request.destination},
                                       {QStringLiteral("size_bytes"), *written}});
    cli.out << TransferCommands::tr("Saved %1 to %2 (%3); every checksum was verified.")
                   .arg(backup->name, request.destination, humanSize(*written))
            << Qt::endl;
    return ExitSuccess;
}

int runImport(const CliContext& cli)
{
    const Result<Profile> target = CliTarget::resolve(cli.parser);
    if (!target)
        return cli.usage(target.error().message);
    const QStringList files = cli.parser.positionalArguments().mid(1);
    if (files.size() != 1)
        return cli.usage(TransferCommands::tr("Name one file to import (.zip or .tar, as export writes them)."));
    const bool fromStdin = files.first() == QLatin1String(ImportJob::StandardInput);
    if (fromStdin && ::isatty(STDIN_FILENO))
        return cli.usage(TransferCommands::tr("import - reads a .tar from stdin: pipe it in (e.g. from export NAME --to -)."));
    const QString file = fromStdin ? files.first() : QFileInfo(files.first()).absoluteFilePath();
    const Result<Backup> imported = runWithPassword<Backup>(*target, false, CliJobRunner::stderrIsTerminal(),
                                                            [&](const QString&, std::shared_ptr<JobControl> control) {
                                                                return ImportJob::start(target->repository, file, control);
                                                            });
    if (!imported)
        return cli.fail(imported.error());
    if (cli.json())
        return cli.succeed(QJsonObject{{QStringLiteral("name"), imported->name},
                                       {QStringLiteral("size_bytes"), imported->sizeBytes},
                                       {QStringLiteral("repository"), target->repository}});
    cli.out << TransferCommands::tr("Imported %1 (%2) into %3; every checksum was verified.")
                   .arg(imported->name, humanSize(imported->sizeBytes), target->repository)
            << Qt::endl;
    return ExitSuccess;
}

} // namespace

CliCommand TransferCommands::exportBackup()
{
    return {QStringLiteral("export"), tr("Save a backup as one .zip or .tar file (to hand over or copy elsewhere)."),
            QStringLiteral("NAME --to FILE"),
            [] {
                return QList<QCommandLineOption>{
                    {QStringLiteral("to"), tr("The file to write; .zip or .tar decides the format; - writes a .tar on stdout."), QStringLiteral("FILE")},
                    {QStringLiteral("force"), tr("Replace the file if it exists.")}};
            },
            runExport};
}

CliCommand TransferCommands::importBackup()
{
    return {QStringLiteral("import"), tr("Add an exported backup (.zip or .tar; - reads a .tar from stdin) to the repository, after checking it."),
            QStringLiteral("FILE"), {}, runImport};
}

} // namespace coffre
