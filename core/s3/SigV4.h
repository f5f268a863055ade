#pragma once

#include <QByteArray>
#include <QByteArrayList>
#include <QDateTime>
#include <QList>
#include <QString>

#include <utility>

namespace coffre::s3 {

struct Credentials
{
    QString accessKeyId;
    QString secretAccessKey;
    QString sessionToken; // temporary credentials (STS) only
    bool isEmpty() const { return accessKeyId.isEmpty() || secretAccessKey.isEmpty(); }
};

using HeaderList = QList<std::pair<QByteArray, QByteArray>>;

// One request as AWS Signature Version 4 sees it. The path and the query are given decoded
// (an object key's own bytes): SigV4 encodes them once, as S3 wants, and the wire URL must be
// built with uriEncode() too so that what is signed is what is sent.
struct SignableRequest
{
    QByteArray method;
    QByteArray path = "/";
    HeaderList query;   // decoded names and values, in any order
    HeaderList headers; // as sent; names in any case
    QByteArray payloadHash = "UNSIGNED-PAYLOAD"; // hex SHA-256 of the body, or UNSIGNED-PAYLOAD
};

// AWS Signature Version 4 (docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html)
// with S3's rules: the path is neither normalised nor encoded twice. normalizePath exists for
// the generic services of the published test vectors only.
class SigV4
{
public:
    SigV4(Credentials credentials, QString region, QString service = QStringLiteral("s3"));
    bool normalizePath = false;

    // Signs with an Authorization header: adds x-amz-date, x-amz-content-sha256 (S3 only) and
    // x-amz-security-token, then signs every header the request carries.
    void signWithHeader(SignableRequest& request, const QDateTime& now) const;
    // Presigned URL form: adds the X-Amz-* query parameters, X-Amz-Signature last.
    void signWithQuery(SignableRequest& request, const QDateTime& now, int expiresSeconds) const;

    // The steps, public for the published test vectors.
    QByteArray canonicalRequest(const SignableRequest& request, const QByteArrayList& signedHeaders) const;
    QByteArray stringToSign(const QByteArray& canonicalRequest, const QDateTime& now) const;
    QByteArray signature(const QByteArray& stringToSign, const QDateTime& now) const;
    QByteArray authorization(const QByteArrayList& signedHeaders, const QByteArray& signature, const QDateTime& now) const;
    // Every header name of the request, lower-cased, sorted, once each.
    static QByteArrayList headerNames(const SignableRequest& request);

    // RFC 3986 encoding of everything but A-Z a-z 0-9 - _ . ~ (and '/' when keepSlash).
    static QByteArray uriEncode(const QByteArray& bytes, bool keepSlash);
    // The encoded query string in canonical order ("a=1&b=2"), for the wire as well.
    static QByteArray canonicalQuery(const HeaderList& query);
    static QByteArray sha256Hex(const QByteArray& bytes);
    static QByteArray amzDate(const QDateTime& now); // 20150830T123600Z

private:
    QByteArray scope(const QDateTime& now) const;
    QByteArray canonicalPath(const QByteArray& path) const;

    Credentials m_credentials;
    QString m_region;
    QString m_service;
};

} // namespace coffre::s3
