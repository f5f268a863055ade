#pragma once

#include "Result.h"
#include "catalog/Backup.h"
#include "profile/Profile.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace coffre {

// What a command works on: a stored profile (--profile), an ad-hoc target (--repository, --db,
// --source, --exclude), or a profile adjusted by those options.
class CliTarget
{
    Q_DECLARE_TR_FUNCTIONS(CliTarget)

public:
    static QList<QCommandLineOption> options();
    // Fails with a usage error (wrong name, nothing to work on) that the caller reports with exit status 2.
    static Result<Profile> resolve(const QCommandLineParser& parser);
    // `--repository s3://…`: the commands act on the off-site copies (OffsiteCommands); the
    // profile's local repository, or else fetchFolder(), is where backups are made and fetched.
    static bool repositoryIsOffsite(const QCommandLineParser& parser);
    static QString fetchFolder();
    // The complete backup `name` of the profile's repository, or why there is none.
    static Result<Backup> completeBackup(const Profile& profile, const QString& name);
    // The stored profile a setting belongs to (a schedule, notifications): the one --profile
    // names, else the only one stored (`noneNamed` when there are several). Never an ad-hoc target,
    // whose options a timer could not repeat, nor a server profile unless named (it runs there).
    static Result<Profile> storedProfile(const QCommandLineParser& parser, const QString& noneNamed);

private:
    static Status applyDocuments(const QCommandLineParser& parser, Profile& profile);
};

} // namespace coffre
