#include "S3Location.h"

#include <QRegularExpression>

namespace coffre::s3 {

QString S3Location::url() const
{
    return QStringLiteral("s3://") + bucket + (prefix.isEmpty() ? QString() : u'/' + prefix);
}

QString S3Location::keyFor(const QString& name) const
{
    return prefix.isEmpty() ? name : prefix + u'/' + name;
}

bool S3Location::looksLikeS3(const QString& path)
{
    return path.startsWith(QLatin1String("s3:"), Qt::CaseInsensitive);
}

Result<S3Location> S3Location::parse(const QString& url)
{
    if (!url.startsWith(QLatin1String("s3://"), Qt::CaseInsensitive))
        return Error{tr("\"%1\" is not an S3 address: write s3://bucket or s3://bucket/folder.").arg(url)};
    const QString rest = url.mid(5);
    const qsizetype slash = rest.indexOf(u'/');
    S3Location location;
    location.bucket = slash < 0 ? rest : rest.left(slash);
    QString prefix = slash < 0 ? QString() : rest.mid(slash + 1);
    while (prefix.endsWith(u'/'))
        prefix.chop(1);
    location.prefix = prefix;
    // S3's bucket rules: 3 to 63 lower-case letters, digits, dots and hyphens.
    static const QRegularExpression bucketName(QStringLiteral("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"));
    if (!bucketName.match(location.bucket).hasMatch())
        return Error{tr("\"%1\" is not a bucket name: 3 to 63 lower-case letters, digits, dots or hyphens.").arg(location.bucket)};
    if (location.prefix.contains(QLatin1String("//")) || location.prefix.startsWith(u'/'))
        return Error{tr("The folder part of \"%1\" has an empty segment (\"//\").").arg(url)};
    return location;
}

QJsonObject S3Location::toJson() const
{
    static const char* const addressingNames[] = {"auto", "path", "virtual"};
    return {{QStringLiteral("url"), url()},
            {QStringLiteral("endpoint"), endpoint},
            {QStringLiteral("region"), region},
            {QStringLiteral("addressing"), QLatin1String(addressingNames[int(addressing)])},
            {QStringLiteral("ca_file"), caFile},
            {QStringLiteral("access_key_id"), accessKeyId},
            {QStringLiteral("aws_profile"), awsProfile}};
}

Result<S3Location> S3Location::fromJson(const QJsonObject& object)
{
    auto parsed = parse(object.value(QLatin1String("url")).toString());
    if (!parsed.ok())
        return parsed;
    S3Location* location = &parsed.value();
    location->endpoint = object.value(QLatin1String("endpoint")).toString();
    location->region = object.value(QLatin1String("region")).toString();
    const QString addressing = object.value(QLatin1String("addressing")).toString();
    location->addressing = addressing == u"path" ? Addressing::Path : addressing == u"virtual" ? Addressing::VirtualHost : Addressing::Auto;
    location->caFile = object.value(QLatin1String("ca_file")).toString();
    location->accessKeyId = object.value(QLatin1String("access_key_id")).toString();
    location->awsProfile = object.value(QLatin1String("aws_profile")).toString();
    return parsed;
}

} // namespace coffre::s3
