#include "ListCommands.h"

#include "CliTarget.h"
#include "TextTable.h"
#include "catalog/BackupDescription.h"
#include "catalog/Catalog.h"
#include "catalog/ScanJson.h"
#include "notify/BackupWarnings.h"
#include "profile/ProfileStore.h"
#include "util/HumanSize.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace coffre {
namespace {

int runList(const CliContext& cli)
{
    const Result<Profile> target = CliTarget::resolve(cli.parser);
    if (!target)
        return cli.usage(target.error().message);
    const Result<RepositoryScan> scan = Catalog::scan(target->repository);
    if (!scan)
        return cli.fail(scan.error());

    const QHash<QString, QStringList> warnings = BackupWarnings::forList(scan->backups, target->notify.shrinkPercent);
    if (cli.json()) {
        QJsonArray array;
        for (const Backup& backup : scan->backups) {
            QJsonObject o = ScanJson::backupToJson(backup, false);
            if (warnings.contains(backup.name))
                o.insert(QStringLiteral("warnings"), QJsonArray::fromStringList(warnings.value(backup.name)));
            array.append(o);
        }
        return cli.succeed(array);
    }
    if (scan->backups.isEmpty()) {
        cli.out << ListCommands::tr("No backups in %1.").arg(scan->repository) << Qt::endl;
        return ExitSuccess;
    }
    TextTable table({ListCommands::tr("NAME"), ListCommands::tr("CREATED"), ListCommands::tr("SIZE"),
                     ListCommands::tr("KIND"), ListCommands::tr("STATUS"), ListCommands::tr("CONTENTS")});
    QStringList problems;
    for (const Backup& backup : scan->backups) {
        const std::optional<BackupKind> kind = backup.kind();
        table.addRow({backup.name, backup.created.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                      humanSize(backup.sizeBytes), kind ? kindToString(*kind) : QStringLiteral("-"),
                      backup.provenRestorable.isValid()
                          ? ListCommands::tr("%1, proven %2").arg(statusToString(backup.status),
                                                                  backup.provenRestorable.toLocalTime().toString(QStringLiteral("yyyy-MM-dd")))
                          : statusToString(backup.status),
                      backup.components().join(QStringLiteral(", "))});
        if (!backup.problem.isEmpty())
            problems << QStringLiteral("%1: %2").arg(backup.name, backup.problem);
        for (const QString& warning : warnings.value(backup.name))
            problems << ListCommands::tr("%1: warning: %2").arg(backup.name, warning);
    }
    if (const QString full = BackupWarnings::disk(scan->disk, target->notify.diskPercent); !full.isEmpty())
        problems << ListCommands::tr("Warning: %1").arg(full);
    cli.out << table.render();
    if (!problems.isEmpty())
        cli.out << u'\n' << problems.join(u'\n') << u'\n';
    cli.out << ListCommands::tr("%n backup(s), %1 in %2; %3 free on that disk.", nullptr, int(scan->backups.size()))
                   .arg(humanSize(scan->totalBytes), scan->repository, humanSize(scan->disk.availableBytes))
            << Qt::endl;
    return ExitSuccess;
}

int runProfiles(const CliContext& cli)
{
    const ProfileStore store;
    QJsonArray array;
    TextTable table({ListCommands::tr("PROFILE"), ListCommands::tr("DATABASE"), ListCommands::tr("SOURCES"),
                     ListCommands::tr("REPOSITORY")});
    for (const QString& name : store.names()) {
        const Result<Profile> profile = store.load(name);
        if (!profile) {
            cli.err << name << ": " << profile.error().message << Qt::endl;
            continue;
        }
        QStringList sources;
        for (const SourceRoot& source : profile->sources)
            sources << source.label;
        const QString database = profile->database.isEmpty() ? QStringLiteral("-") : profile->database.displayName();
        table.addRow({name, database, sources.join(u','), profile->repository});
        array.append(QJsonObject{{QStringLiteral("name"), name},
                                 {QStringLiteral("database"), database},
                                 {QStringLiteral("sources"), QJsonArray::fromStringList(sources)},
                                 {QStringLiteral("repository"), profile->repository}});
    }
    if (cli.json())
        return cli.succeed(array);
    if (array.isEmpty())
        cli.out << ListCommands::tr("No profiles yet in %1.").arg(store.folder()) << Qt::endl;
    else
        cli.out << table.render();
    return ExitSuccess;
}

// A profile made from the ad-hoc options: how a server gets its profile without a window.
int runSaveProfile(const CliContext& cli)
{
    const QStringList names = cli.parser.positionalArguments().mid(1);
    if (names.size() != 1)
        return cli.usage(ListCommands::tr("Name the profile to save."));
    if (cli.parser.isSet(QStringLiteral("profile")))
        return cli.usage(ListCommands::tr("save-profile takes --repository, --db, --source and --exclude, not --profile."));
    Result<Profile> target = CliTarget::resolve(cli.parser);
    if (!target)
        return cli.usage(target.error().message);
    Profile profile = *target;
    profile.name = names.first();
    ProfileStore store;
    const bool replacing = store.names().contains(profile.name);
    if (replacing && !cli.parser.isSet(QStringLiteral("force")))
        return cli.fail(Error{ListCommands::tr("A profile named “%1” exists already: give --force to replace it.").arg(profile.name), {}});
    if (const Status saved = store.save(profile); !saved)
        return cli.fail(saved.error());
    if (cli.json())
        return cli.succeed(ProfileStore::toJson(profile));
    cli.out << ListCommands::tr("Saved the profile “%1” in %2.").arg(profile.name, store.folder()) << Qt::endl;
    return ExitSuccess;
}

// The whole scan with every manifest, the disk and the last restore: what a desktop lists from a server.
int runScan(const CliContext& cli)
{
    const Result<Profile> target = CliTarget::resolve(cli.parser);
    if (!target)
        return cli.usage(target.error().message);
    if (!cli.json())
        return cli.usage(ListCommands::tr("scan answers in JSON only: give --json (list is for people)."));
    const Result<RepositoryScan> scan = Catalog::scan(target->repository);
    if (!scan)
        return cli.fail(scan.error());
    QJsonObject o = ScanJson::toJson(*scan);
    o.insert(QStringLiteral("profile"), ProfileStore::toJson(*target));
    return cli.succeed(o);
}

// Everything the manifest says, for people or (with --json) as the manifest itself.
int runInfo(const CliContext& cli)
{
    const Result<Profile> target = CliTarget::resolve(cli.parser);
    if (!target)
        return cli.usage(target.error().message);
    const QStringList names = cli.parser.positionalArguments().mid(1);
    if (names.size() != 1)
        return cli.usage(ListCommands::tr("Name one backup."));
    if (!QFileInfo(QDir(target->repository).filePath(names.first())).isDir())
        return cli.fail(Error{ListCommands::tr("There is no backup named “%1” in %2.").arg(names.first(), target->repository), {}, ErrorCode::NotFound});
    const Backup backup = Catalog::inspect(target->repository, names.first());
    if (cli.json()) {
        return cli.succeed(ScanJson::backupToJson(backup, true));
    }
    cli.out << BackupDescription::text(backup);
    return ExitSuccess;
}

} // namespace

CliCommand ListCommands::info()
{
    return {QStringLiteral("info"), tr("Everything a backup's manifest says: versions, tables, folders, checksums."), QStringLiteral("NAME"),
            {}, runInfo};
}

CliCommand ListCommands::saveProfile()
{
    return {QStringLiteral("save-profile"),
            tr("Save --repository, --db, --source and --exclude as a profile (how a server gets one)."), QStringLiteral("NAME"),
            [] { return QList<QCommandLineOption>{{QStringLiteral("force"), tr("Replace a profile of that name.")}}; },
            runSaveProfile};
}

CliCommand ListCommands::scan()
{
    return {QStringLiteral("scan"), tr("The repository as a desktop lists it: every backup with its manifest (JSON only)."),
            QString(), {}, runScan};
}

CliCommand ListCommands::profiles()
{
    return {QStringLiteral("profiles"), tr("List the stored profiles."), QString(),
            {}, runProfiles};
}

CliCommand ListCommands::list()
{
    return {QStringLiteral("list"), tr("List the backups of a repository with their size, date and status."), QString(),
            [] {
                return QList<QCommandLineOption>{
                    {QStringLiteral("cached"), tr("Off-site (--repository s3://…): answer from this computer's copy of the last "
                                                  "listing, without asking the storage.")}};
            },
            runList};
}

} // namespace coffre
