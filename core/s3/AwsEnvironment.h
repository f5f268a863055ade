#pragma once

#include "Result.h"
#include "S3Location.h"

#include <QCoreApplication>
#include <QProcessEnvironment>

namespace coffre::s3 {

// Fills what a location leaves empty the way the AWS tools do: AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION / AWS_DEFAULT_REGION,
// AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, AWS_PROFILE, and the shared files ~/.aws/credentials
// and ~/.aws/config (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE). A secret is never read
// from Coffre's own settings: it comes from there, or from the keychain through `secret`.
class AwsEnvironment
{
    Q_DECLARE_TR_FUNCTIONS(AwsEnvironment)

public:
    explicit AwsEnvironment(QProcessEnvironment environment = QProcessEnvironment::systemEnvironment());

    // `secret`: the secret of location.accessKeyId when the caller has it (keychain, stdin).
    Result<S3Endpoint> resolve(const S3Location& location, const QString& secret = {}) const;

private:
    using Section = QHash<QString, QString>;
    QHash<QString, Section> readIni(const QString& path) const;
    QString homeFile(const QString& variable, const QString& name) const;

    QProcessEnvironment m_environment;
};

} // namespace coffre::s3
