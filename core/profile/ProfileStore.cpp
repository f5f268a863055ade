#include "ProfileStore.h"

#include "catalog/BundleNames.h"
#include "util/AtomicFile.h"

#include <QDir>
#include <QFileInfo>
#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>
#include <QJsonDocument>
#include <QSet>
#include <QStandardPaths>

namespace coffre {
namespace {

QStringList toStringList(const QJsonValue& value)
{
    QStringList list;
    for (const QJsonValue& item : value.toArray())
        list << item.toString();
    return list;
}

} // namespace

ProfileStore::ProfileStore(QString folder) : m_folder(std::move(folder)) {}

QString ProfileStore::defaultFolder()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation)).filePath(QStringLiteral("profiles"));
}

QString ProfileStore::pathOf(const QString& name) const
{
    return QDir(m_folder).filePath(name + QStringLiteral(".json"));
}

QStringList ProfileStore::names() const
{
    QStringList names;
    for (const QString& file : QDir(m_folder).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        const QString name = file.chopped(5);
        if (BundleNames::isValidName(name))
            names << name;
    }
    return names;
}

Result<Profile> ProfileStore::load(const QString& name) const
{
    if (!BundleNames::isValidName(name))
        return Error{tr("“%1” is not a valid profile name.").arg(name), {}};
    QFile file(pathOf(name));
    if (!file.exists())
        return Error{tr("There is no profile named “%1”.").arg(name), file.fileName()};
    if (!file.open(QIODevice::ReadOnly))
        return Error{tr("The profile “%1” cannot be read.").arg(name), file.fileName() + u' ' + file.errorString()};
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!doc.isObject())
        return Error{tr("The profile file of “%1” is not valid JSON.").arg(name),
                     file.fileName() + QStringLiteral(": ") + parseError.errorString()};
    Result<Profile> profile = fromJson(doc.object());
    if (profile && profile->name != name)
        return Error{tr("The profile file “%1” names another profile (“%2”).").arg(file.fileName(), profile->name), {}};
    return profile;
}

Status ProfileStore::save(const Profile& profile) const
{
    if (Status valid = validate(profile); !valid)
        return valid;
    if (!QDir().mkpath(m_folder))
        return Error{tr("Cannot create the settings folder “%1”.").arg(m_folder), {}};
    return AtomicFile::write(pathOf(profile.name), QJsonDocument(toJson(profile)).toJson(QJsonDocument::Indented));
}

Status ProfileStore::remove(const QString& name) const
{
    if (!BundleNames::isValidName(name) || !QFile::remove(pathOf(name)))
        return Error{tr("The profile “%1” could not be removed.").arg(name), pathOf(name)};
    return {};
}

Status ProfileStore::validate(const Profile& profile)
{
    if (!BundleNames::isValidName(profile.name))
        return Error{tr("A profile name uses only letters, digits, '-', '_' and '.', and does not start with '.'."), {}};
    if (profile.isOnServer())
        return validateServer(profile.server);
    if (profile.repository.isEmpty())
        return Error{tr("Choose the folder where backups are kept."), {}};
    if (s3::S3Location::looksLikeS3(profile.repository))
        return Error{tr("The backup folder is a folder of this computer; object storage (%1) goes in the off-site settings.").arg(profile.repository), {}};
    if (!QDir::isAbsolutePath(profile.repository))
        return Error{tr("The backup folder must be an absolute path."), profile.repository};
    if (profile.database.isEmpty() && profile.sources.isEmpty())
        return Error{tr("The profile backs up nothing: give a database or at least one source folder."), {}};
    if (Status notify = profile.notify.validate(); !notify)
        return notify;
    QSet<QString> labels;
    for (const SourceRoot& source : profile.sources) {
        if (!BundleNames::isValidName(source.label))
            return Error{tr("The source label “%1” may use only letters, digits, '-', '_' and '.'.").arg(source.label), {}};
        if (labels.contains(source.label))
            return Error{tr("Two source folders are labelled “%1”.").arg(source.label), {}};
        labels.insert(source.label);
        if (!QDir::isAbsolutePath(source.path))
            return Error{tr("The source folder “%1” must be an absolute path.").arg(source.path), {}};
    }
    return checkRepositoryOutsideSources(profile);
}

Status ProfileStore::validateServer(const SshDestination& server)
{
    // ssh would take "-oProxyCommand=…" for an option; a space would split the destination.
    if (server.host.startsWith(u'-') || server.host.contains(QRegularExpression(QStringLiteral("\\s"))))
        return Error{tr("“%1” is not an SSH destination: give user@host or a Host of ~/.ssh/config.").arg(server.host), {}};
    if (server.port < 0 || server.port > 65535)
        return Error{tr("The SSH port must be between 1 and 65535."), {}};
    if (server.remoteCli.isEmpty())
        return Error{tr("Give the path of coffre-cli on the server (coffre-cli when it is on the PATH)."), {}};
    if (!server.remoteProfile.isEmpty() && !BundleNames::isValidName(server.remoteProfile))
        return Error{tr("“%1” is not a profile name.").arg(server.remoteProfile), {}};
    return {};
}

Status ProfileStore::checkRepositoryOutsideSources(const Profile& profile)
{
    // Through symlinks too: a repository reached by another path is still inside.
    auto real = [](const QString& path) {
        const QString canonical = QFileInfo(path).canonicalFilePath();
        return QDir::cleanPath(canonical.isEmpty() ? path : canonical);
    };
    const QString repository = real(profile.repository);
    for (const SourceRoot& source : profile.sources) {
        const QString root = real(source.path);
        if (repository == root || repository.startsWith(root == u"/" ? root : root + u'/'))
            return Error{tr("The backup folder “%1” is inside the source folder “%2”: each backup would hold the ones before it. "
                            "Choose a backup folder outside it.")
                             .arg(profile.repository, source.path),
                         {}};
    }
    return {};
}

QJsonObject ProfileStore::toJson(const Profile& p)
{
    QJsonArray sources;
    for (const SourceRoot& s : p.sources)
        sources.append(QJsonObject{{QStringLiteral("label"), s.label}, {QStringLiteral("path"), s.path}});
    const DatabaseTarget& db = p.database;
    QJsonObject database{{QStringLiteral("conninfo"), db.conninfo}, {QStringLiteral("service"), db.service},
                         {QStringLiteral("host"), db.host},         {QStringLiteral("port"), db.port},
                         {QStringLiteral("dbname"), db.dbname},     {QStringLiteral("user"), db.user},
                         {QStringLiteral("sslmode"), db.sslmode}};
    if (p.isOnServer())
        return {{QStringLiteral("name"), p.name},
                {QStringLiteral("server"), QJsonObject{{QStringLiteral("host"), p.server.host},
                                                       {QStringLiteral("port"), p.server.port},
                                                       {QStringLiteral("identity_file"), p.server.identityFile},
                                                       {QStringLiteral("ssh_config"), p.server.configFile},
                                                       {QStringLiteral("coffre_cli"), p.server.remoteCli},
                                                       {QStringLiteral("profile"), p.server.remoteProfile}}}};
    QJsonObject object{{QStringLiteral("name"), p.name},
            {QStringLiteral("database"), database},
            {QStringLiteral("sources"), sources},
            {QStringLiteral("exclusions"), QJsonArray::fromStringList(p.exclusions)},
            {QStringLiteral("repository"), p.repository},
            {QStringLiteral("post_restore_commands"), QJsonArray::fromStringList(p.postRestoreCommands)},
            {QStringLiteral("password_in_keychain"), p.passwordInKeychain}};
    if (!p.offsite.isEmpty()) {
        QJsonObject offsite = p.offsite.toJson();
        offsite.insert(QStringLiteral("copy_after_create"), p.copyOffsite);
        object.insert(QStringLiteral("offsite"), offsite);
    }
    if (!p.documents.isEmpty())
        object.insert(QStringLiteral("documents"), p.documents.toJson());
    if (!(p.retention == RetentionRules()))
        object.insert(QStringLiteral("retention"), p.retention.toJson());
    if (!(p.offsiteRetention == RetentionRules()))
        object.insert(QStringLiteral("offsite_retention"), p.offsiteRetention.toJson());
    if (p.schedule.isSet())
        object.insert(QStringLiteral("schedule"), p.schedule.toJson());
    if (!(p.notify == NotifySettings()))
        object.insert(QStringLiteral("notify"), p.notify.toJson());
    return object;
}

Result<Profile> ProfileStore::fromJson(const QJsonObject& o)
{
    Profile p;
    p.name = o.value(QLatin1String("name")).toString();
    if (o.contains(QLatin1String("server"))) {
        const QJsonObject server = o.value(QLatin1String("server")).toObject();
        p.server.host = server.value(QLatin1String("host")).toString();
        p.server.port = server.value(QLatin1String("port")).toInt();
        p.server.identityFile = server.value(QLatin1String("identity_file")).toString();
        p.server.configFile = server.value(QLatin1String("ssh_config")).toString();
        p.server.remoteCli = server.value(QLatin1String("coffre_cli")).toString(QStringLiteral("coffre-cli"));
        p.server.remoteProfile = server.value(QLatin1String("profile")).toString();
        p.exclusions.clear();
        if (p.server.host.isEmpty())
            return Error{tr("The profile “%1” names a server without its address.").arg(p.name), {}};
        if (Status valid = validate(p); !valid)
            return valid.error();
        return p;
    }
    const QJsonObject db = o.value(QLatin1String("database")).toObject();
    p.database.conninfo = db.value(QLatin1String("conninfo")).toString();
    p.database.service = db.value(QLatin1String("service")).toString();
    p.database.host = db.value(QLatin1String("host")).toString();
    p.database.port = db.value(QLatin1String("port")).toInt();
    p.database.dbname = db.value(QLatin1String("dbname")).toString();
    p.database.user = db.value(QLatin1String("user")).toString();
    p.database.sslmode = db.value(QLatin1String("sslmode")).toString();
    for (const QJsonValue& s : o.value(QLatin1String("sources")).toArray())
        p.sources.append({s[QLatin1String("label")].toString(), s[QLatin1String("path")].toString()});
    if (o.contains(QLatin1String("exclusions")))
        p.exclusions = toStringList(o.value(QLatin1String("exclusions")));
    p.repository = o.value(QLatin1String("repository")).toString();
    p.postRestoreCommands = toStringList(o.value(QLatin1String("post_restore_commands")));
    p.passwordInKeychain = o.value(QLatin1String("password_in_keychain")).toBool();
    for (const auto& [key, location] : {std::pair{QLatin1String("offsite"), &p.offsite}, std::pair{QLatin1String("documents"), &p.documents}}) {
        if (!o.contains(key))
            continue;
        const auto parsed = s3::S3Location::fromJson(o.value(key).toObject());
        if (!parsed.ok())
            return Error{tr("The profile “%1”: %2").arg(p.name, parsed.error().message), {}};
        *location = *parsed;
    }
    p.copyOffsite = o.value(QLatin1String("offsite")).toObject().value(QLatin1String("copy_after_create")).toBool();
    p.retention = RetentionRules::fromJson(o.value(QLatin1String("retention")).toObject());
    p.offsiteRetention = RetentionRules::fromJson(o.value(QLatin1String("offsite_retention")).toObject());
    const Result<Schedule> schedule = Schedule::fromJson(o.value(QLatin1String("schedule")).toObject());
    const Result<NotifySettings> notify = NotifySettings::fromJson(o.value(QLatin1String("notify")).toObject());
    if (!schedule || !notify)
        return Error{tr("The profile “%1”: %2").arg(p.name, (schedule ? notify.error() : schedule.error()).message), {}};
    p.schedule = *schedule;
    p.notify = *notify;
    if (Status valid = validate(p); !valid)
        return valid.error();
    return p;
}

} // namespace coffre
