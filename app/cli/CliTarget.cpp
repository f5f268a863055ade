#include "CliTarget.h"

#include "catalog/BundleNames.h"
#include "catalog/Catalog.h"
#include "profile/ProfileStore.h"

#include <QDir>
#include <QFileInfo>

namespace coffre {

QList<QCommandLineOption> CliTarget::options()
{
    return {
        {QStringLiteral("profile"), tr("Work on the stored profile NAME."), QStringLiteral("NAME")},
        {QStringLiteral("repository"), tr("The folder that holds the backups."), QStringLiteral("DIR")},
        {QStringLiteral("db"), tr("The database, as a libpq connection string or URI (no password: use ~/.pgpass)."),
         QStringLiteral("CONNINFO")},
        {QStringLiteral("source"), tr("A source folder to back up; repeatable."), QStringLiteral("LABEL=PATH")},
        {QStringLiteral("exclude"), tr("A name or pattern to leave out; repeatable."), QStringLiteral("PATTERN")},
    };
}

Result<Profile> CliTarget::resolve(const QCommandLineParser& parser)
{
    const ProfileStore store;
    Profile profile;
    const bool adHoc = parser.isSet(QStringLiteral("repository")) || parser.isSet(QStringLiteral("db")) ||
                       parser.isSet(QStringLiteral("source"));
    if (parser.isSet(QStringLiteral("profile"))) {
        Result<Profile> stored = store.load(parser.value(QStringLiteral("profile")));
        if (!stored)
            return stored.error();
        profile = *stored;
    } else if (!adHoc) {
        const QStringList names = store.names();
        if (names.size() != 1)
            return Error{names.isEmpty()
                             ? tr("No profile exists yet: give --profile NAME, or --repository DIR for an ad-hoc run.")
                             : tr("Several profiles exist; choose one with --profile NAME (%1).").arg(names.join(u", ")),
                         {}};
        Result<Profile> only = store.load(names.first());
        if (!only)
            return only.error();
        profile = *only;
    } else {
        profile.name = QStringLiteral("ad-hoc");
    }

    if (parser.isSet(QStringLiteral("repository")))
        profile.repository = QDir(parser.value(QStringLiteral("repository"))).absolutePath();
    if (parser.isSet(QStringLiteral("db"))) {
        profile.database = DatabaseTarget();
        profile.database.conninfo = parser.value(QStringLiteral("db"));
    }
    if (parser.isSet(QStringLiteral("source"))) {
        profile.sources.clear();
        for (const QString& spec : parser.values(QStringLiteral("source"))) {
            const qsizetype equals = spec.indexOf(u'=');
            const QString label = spec.left(equals);
            if (equals <= 0 || !BundleNames::isValidName(label) || equals + 1 == spec.size())
                return Error{tr("--source takes LABEL=PATH, with a label of letters, digits, '-', '_' or '.' "
                                "(found “%1”).")
                                 .arg(spec),
                             {}};
            profile.sources.append({label, QDir(spec.mid(equals + 1)).absolutePath()});
        }
    }
    profile.exclusions += parser.values(QStringLiteral("exclude"));
    if (profile.repository.isEmpty())
        return Error{tr("No repository: give --repository DIR or a --profile that has one."), {}};
    return profile;
}

Result<Backup> CliTarget::completeBackup(const Profile& profile, const QString& name)
{
    if (!BundleNames::isValidName(name) || !QFileInfo(QDir(profile.repository).filePath(name)).isDir())
        return Error{tr("There is no backup named “%1” in %2.").arg(name, profile.repository), {}, ErrorCode::NotFound};
    Backup backup = Catalog::inspect(profile.repository, name);
    if (Status complete = backup.checkComplete(); !complete)
        return complete.error();
    return backup;
}

} // namespace coffre
