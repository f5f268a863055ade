#include "AwsEnvironment.h"

#include <QDir>
#include <QFile>

namespace coffre::s3 {

AwsEnvironment::AwsEnvironment(QProcessEnvironment environment) : m_environment(std::move(environment)) {}

QString AwsEnvironment::homeFile(const QString& variable, const QString& name) const
{
    const QString path = m_environment.value(variable);
    if (!path.isEmpty())
        return path;
    return m_environment.value(QStringLiteral("HOME"), QDir::homePath()) + QStringLiteral("/.aws/") + name;
}

// The AWS files are INI: "[section]" then "key = value"; nested "s3 =" blocks are skipped.
QHash<QString, AwsEnvironment::Section> AwsEnvironment::readIni(const QString& path) const
{
    QHash<QString, Section> sections;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return sections;
    QString current;
    while (!file.atEnd()) {
        const QString raw = QString::fromUtf8(file.readLine());
        const QString line = raw.trimmed();
        if (line.isEmpty() || line.startsWith(u'#') || line.startsWith(u';') || raw.startsWith(u' ') || raw.startsWith(u'\t'))
            continue;
        if (line.startsWith(u'[') && line.endsWith(u']')) {
            current = line.mid(1, line.size() - 2).trimmed();
            if (current.startsWith(QLatin1String("profile ")))
                current = current.mid(8).trimmed();
            continue;
        }
        const qsizetype equals = line.indexOf(u'=');
        if (equals > 0)
            sections[current].insert(line.left(equals).trimmed(), line.mid(equals + 1).trimmed());
    }
    return sections;
}

Result<S3Endpoint> AwsEnvironment::resolve(const S3Location& location, const QString& secret) const
{
    const QString profileName = !location.awsProfile.isEmpty() ? location.awsProfile
                                : m_environment.value(QStringLiteral("AWS_PROFILE"), QStringLiteral("default"));
    const auto credentialFile = readIni(homeFile(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"), QStringLiteral("credentials")));
    const auto configFile = readIni(homeFile(QStringLiteral("AWS_CONFIG_FILE"), QStringLiteral("config")));
    const Section fileCredentials = credentialFile.value(profileName);
    const Section fileConfig = configFile.value(profileName);

    S3Endpoint endpoint;
    endpoint.caFile = location.caFile;
    endpoint.region = location.region;
    for (const QString& source : {m_environment.value(QStringLiteral("AWS_REGION")),
                                  m_environment.value(QStringLiteral("AWS_DEFAULT_REGION")), fileConfig.value(QStringLiteral("region"))})
        if (endpoint.region.isEmpty())
            endpoint.region = source;
    if (endpoint.region.isEmpty())
        endpoint.region = QStringLiteral("us-east-1");

    QString base = location.endpoint;
    for (const QString& source : {m_environment.value(QStringLiteral("AWS_ENDPOINT_URL_S3")),
                                  m_environment.value(QStringLiteral("AWS_ENDPOINT_URL")), fileConfig.value(QStringLiteral("endpoint_url"))})
        if (base.isEmpty())
            base = source;
    const bool onAws = base.isEmpty();
    if (onAws)
        base = QStringLiteral("https://s3.%1.amazonaws.com").arg(endpoint.region);
    endpoint.base = QUrl(base);
    if (!endpoint.base.isValid() || endpoint.base.host().isEmpty()
        || (endpoint.base.scheme() != QLatin1String("http") && endpoint.base.scheme() != QLatin1String("https")))
        return Error{tr("\"%1\" is not an endpoint address: write https://host[:port].").arg(base)};
    endpoint.pathStyle = location.addressing == S3Location::Addressing::Path
                         || (location.addressing == S3Location::Addressing::Auto && (!onAws || location.bucket.contains(u'.')));

    // The secret: given, from the environment, or from the shared credentials file.
    Credentials& credentials = endpoint.credentials;
    const QString environmentKey = m_environment.value(QStringLiteral("AWS_ACCESS_KEY_ID"));
    const QString wantedKey = location.accessKeyId;
    if (!wantedKey.isEmpty() && !secret.isEmpty()) {
        credentials = {wantedKey, secret, {}};
    } else if (!environmentKey.isEmpty() && (wantedKey.isEmpty() || wantedKey == environmentKey)
               && m_environment.contains(QStringLiteral("AWS_SECRET_ACCESS_KEY"))) {
        credentials = {environmentKey, m_environment.value(QStringLiteral("AWS_SECRET_ACCESS_KEY")),
                       m_environment.value(QStringLiteral("AWS_SESSION_TOKEN"))};
    } else {
        QList<Section> candidates{fileCredentials};
        if (!wantedKey.isEmpty())
            candidates += credentialFile.values(); // the section holding that key, whatever its name
        for (const Section& section : candidates) {
            const QString key = section.value(QStringLiteral("aws_access_key_id"));
            if (!key.isEmpty() && (wantedKey.isEmpty() || key == wantedKey)) {
                credentials = {key, section.value(QStringLiteral("aws_secret_access_key")), section.value(QStringLiteral("aws_session_token"))};
                break;
            }
        }
    }
    if (credentials.isEmpty()) {
        if (!wantedKey.isEmpty())
            return Error{tr("No secret is known for the access key %1: save it with the profile (it goes to the system keychain), "
                            "or set AWS_SECRET_ACCESS_KEY, or put it in ~/.aws/credentials.").arg(wantedKey),
                         {}, QStringLiteral("s3-credentials-missing")};
        return Error{tr("No S3 credentials: give an access key with the profile, or set AWS_ACCESS_KEY_ID and "
                        "AWS_SECRET_ACCESS_KEY, or put them in ~/.aws/credentials."),
                     {}, QStringLiteral("s3-credentials-missing")};
    }
    return endpoint;
}

} // namespace coffre::s3
