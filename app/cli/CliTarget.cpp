#include "CliTarget.h"

#include "catalog/BundleNames.h"
#include "catalog/Catalog.h"
#include "profile/ProfileStore.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace coffre {

QList<QCommandLineOption> CliTarget::options()
{
    return {
        {QStringLiteral("profile"), tr("Work on the stored profile NAME."), QStringLiteral("NAME")},
        {QStringLiteral("repository"), tr("The folder that holds the backups; s3://BUCKET/FOLDER works on the off-site copies."),
         QStringLiteral("DIR")},
        {QStringLiteral("offsite"), tr("Where off-site copies go: s3://BUCKET/FOLDER (keys from AWS_ACCESS_KEY_ID, "
                                       "AWS_SECRET_ACCESS_KEY or ~/.aws/credentials)."),
         QStringLiteral("URL")},
        {QStringLiteral("s3-endpoint"), tr("The object storage's address for a MinIO, R2 or other S3 service (default: AWS, "
                                           "or AWS_ENDPOINT_URL)."),
         QStringLiteral("URL")},
        {QStringLiteral("s3-region"), tr("The storage's region (default: AWS_REGION, else us-east-1)."), QStringLiteral("REGION")},
        {QStringLiteral("documents"), tr("The application's uploaded documents: s3://BUCKET/FOLDER, snapshotted with each backup and "
                                         "put back by restore. --s3-endpoint, --s3-region and --s3-ca-file apply to it too, unless "
                                         "--documents-endpoint is given."),
         QStringLiteral("URL")},
        {QStringLiteral("documents-endpoint"), tr("The address of the documents' storage when it is not the off-site one (a MinIO "
                                                  "beside the application)."),
         QStringLiteral("URL")},
        {QStringLiteral("s3-ca-file"), tr("PEM certificates to trust for a private storage server."), QStringLiteral("FILE")},
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

    // An s3:// argument is object storage, never a folder named "s3:" here.
    for (const QString& option : {QStringLiteral("repository"), QStringLiteral("offsite")}) {
        const QString value = parser.value(option);
        if (!parser.isSet(option) || (option == u"repository" && !s3::S3Location::looksLikeS3(value)))
            continue;
        const auto location = s3::S3Location::parse(value);
        if (!location.ok())
            return location.error();
        if (location->bucket != profile.offsite.bucket || location->prefix != profile.offsite.prefix)
            profile.offsite = *location;
    }
    if (parser.isSet(QStringLiteral("repository")) && !repositoryIsOffsite(parser))
        profile.repository = QDir(parser.value(QStringLiteral("repository"))).absolutePath();
    if (parser.isSet(QStringLiteral("s3-endpoint")))
        profile.offsite.endpoint = parser.value(QStringLiteral("s3-endpoint"));
    if (parser.isSet(QStringLiteral("s3-region")))
        profile.offsite.region = parser.value(QStringLiteral("s3-region"));
    if (parser.isSet(QStringLiteral("s3-ca-file")))
        profile.offsite.caFile = parser.value(QStringLiteral("s3-ca-file"));
    if (Status documents = applyDocuments(parser, profile); !documents)
        return documents.error();
    if (repositoryIsOffsite(parser) && profile.repository.isEmpty())
        profile.repository = fetchFolder();
    if (parser.isSet(QStringLiteral("db"))) {
        profile.database = DatabaseTarget();
        profile.database.conninfo = parser.value(QStringLiteral("db"));
        if (profile.database.conninfoHoldsPassword())
            return Error{tr("--db holds a password: Coffre never takes one there (it shows in the process list and in the shell's "
                            "history, and pg_dump would not get it). Remove it, and give the password with --password-stdin, "
                            "in ~/.pgpass, or at the prompt."),
                         {}};
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

// --documents names the bucket; its storage is --documents-endpoint's, else the --s3-* options of
// the same command line describe it (one MinIO for both, the usual ad-hoc case). A location
// stored in the profile keeps its own settings: --s3-endpoint given for an off-site copy must not
// send the documents to another server.
Status CliTarget::applyDocuments(const QCommandLineParser& parser, Profile& profile)
{
    const bool given = parser.isSet(QStringLiteral("documents"));
    if (given) {
        const auto location = s3::S3Location::parse(parser.value(QStringLiteral("documents")));
        if (!location.ok())
            return location.error();
        if (location->bucket != profile.documents.bucket || location->prefix != profile.documents.prefix)
            profile.documents = *location;
    }
    if (parser.isSet(QStringLiteral("documents-endpoint"))) {
        if (profile.documents.isEmpty())
            return Error{tr("--documents-endpoint needs a documents bucket: give --documents s3://BUCKET/FOLDER."), {}};
        profile.documents.endpoint = parser.value(QStringLiteral("documents-endpoint"));
    } else if (given && profile.documents.endpoint.isEmpty()) {
        profile.documents.endpoint = parser.value(QStringLiteral("s3-endpoint"));
        if (parser.isSet(QStringLiteral("s3-region")) && profile.documents.region.isEmpty())
            profile.documents.region = parser.value(QStringLiteral("s3-region"));
        if (parser.isSet(QStringLiteral("s3-ca-file")) && profile.documents.caFile.isEmpty())
            profile.documents.caFile = parser.value(QStringLiteral("s3-ca-file"));
    }
    return {};
}

bool CliTarget::repositoryIsOffsite(const QCommandLineParser& parser)
{
    return parser.isSet(QStringLiteral("repository")) && s3::S3Location::looksLikeS3(parser.value(QStringLiteral("repository")));
}

QString CliTarget::fetchFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) + QStringLiteral("/coffre/from-offsite");
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

Result<Profile> CliTarget::storedProfile(const QCommandLineParser& parser, const QString& noneNamed)
{
    const ProfileStore store;
    QString name = parser.value(QStringLiteral("profile"));
    if (name.isEmpty()) {
        const QStringList names = store.names();
        if (names.size() != 1)
            return Error{noneNamed, {}};
        name = names.first();
    }
    Result<Profile> profile = store.load(name);
    // `--profile NAME` runs a server profile's command on its server (Cli); the default profile does not.
    if (profile && profile->isOnServer())
        return Error{tr("%1 is a server profile: give --profile %1 so that this runs on its server.").arg(name), {}};
    return profile;
}

} // namespace coffre
