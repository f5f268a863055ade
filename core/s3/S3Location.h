#pragma once

#include "Result.h"
#include "SigV4.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QString>
#include <QUrl>

namespace coffre::s3 {

// Where objects live: s3://bucket/prefix on an endpoint (AWS, MinIO, R2...). What a profile
// saves: never a secret. Empty fields are filled from the environment as the AWS tools do it
// (AwsEnvironment), so a profile may hold only "s3://bucket/prefix".
struct S3Location
{
    Q_DECLARE_TR_FUNCTIONS(S3Location)

public:
    enum class Addressing { Auto, Path, VirtualHost };

    QString bucket;
    QString prefix;      // "" or "backups/shop": no leading or trailing slash
    QString endpoint;    // "" = AWS; "http://127.0.0.1:9000", "https://<account>.r2.cloudflarestorage.com"
    QString region;      // "" = from AWS_REGION / ~/.aws/config, else us-east-1
    Addressing addressing = Addressing::Auto; // Auto: virtual-hosted on AWS, path-style elsewhere
    QString caFile;      // PEM certificates trusted besides the system's (a private MinIO)
    QString accessKeyId; // "" = from AWS_ACCESS_KEY_ID / ~/.aws/credentials
    QString awsProfile;  // a section of ~/.aws/credentials; "" = AWS_PROFILE, else "default"

    bool isEmpty() const { return bucket.isEmpty(); }
    // "s3://bucket/prefix"
    QString url() const;
    // The key of `name` under the prefix: "backups/shop/" + name.
    QString keyFor(const QString& name) const;
    // "s3://b/p" -> bucket and prefix; anything else is refused with a sentence.
    static Result<S3Location> parse(const QString& url);
    // Whether a repository argument means object storage, never a local folder ("s3:…", any case).
    static bool looksLikeS3(const QString& path);

    // As a profile stores it: no secret, ever.
    QJsonObject toJson() const;
    static Result<S3Location> fromJson(const QJsonObject& object);

    bool operator==(const S3Location&) const = default;
};

// What a request needs, once the environment has filled the gaps.
struct S3Endpoint
{
    QUrl base;           // scheme://host[:port]
    QString region;
    bool pathStyle = true;
    QString caFile;
    Credentials credentials;
};

} // namespace coffre::s3
