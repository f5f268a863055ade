#include "SigV4.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>

#include <algorithm>

namespace coffre::s3 {

namespace {

QByteArray hmac(const QByteArray& key, const QByteArray& message)
{
    return QMessageAuthenticationCode::hash(message, key, QCryptographicHash::Sha256);
}

// Header values are trimmed and runs of spaces (folded lines included) become one space.
QByteArray canonicalHeaderValue(const QByteArray& value)
{
    QByteArray out;
    out.reserve(value.size());
    bool space = false;
    for (char c : value.trimmed()) {
        const bool blank = c == ' ' || c == '\t' || c == '\n' || c == '\r';
        if (blank) {
            space = true;
            continue;
        }
        if (space && !out.isEmpty())
            out += ' ';
        space = false;
        out += c;
    }
    return out;
}

// RFC 3986 remove_dot_segments plus collapsed slashes, for non-S3 services only.
QByteArray normalized(const QByteArray& path)
{
    QByteArrayList kept;
    for (const QByteArray& segment : path.split('/')) {
        if (segment.isEmpty() || segment == ".")
            continue;
        if (segment == "..") {
            if (!kept.isEmpty())
                kept.removeLast();
            continue;
        }
        kept.append(segment);
    }
    QByteArray out = '/' + kept.join('/');
    if (path.endsWith('/') && !kept.isEmpty())
        out += '/';
    return out;
}

} // namespace

SigV4::SigV4(Credentials credentials, QString region, QString service)
    : m_credentials(std::move(credentials)), m_region(std::move(region)), m_service(std::move(service))
{
}

QByteArray SigV4::uriEncode(const QByteArray& bytes, bool keepSlash)
{
    static const char hex[] = "0123456789ABCDEF";
    QByteArray out;
    out.reserve(bytes.size() * 3);
    for (unsigned char c : bytes) {
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                                || c == '-' || c == '_' || c == '.' || c == '~';
        if (unreserved || (keepSlash && c == '/')) {
            out += char(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

QByteArray SigV4::canonicalQuery(const HeaderList& query)
{
    QByteArrayList pairs;
    pairs.reserve(query.size());
    HeaderList encoded;
    for (const auto& [name, value] : query)
        encoded.emplaceBack(uriEncode(name, false), uriEncode(value, false));
    std::sort(encoded.begin(), encoded.end());
    for (const auto& [name, value] : encoded)
        pairs.append(name + '=' + value);
    return pairs.join('&');
}

QByteArray SigV4::sha256Hex(const QByteArray& bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
}

QByteArray SigV4::amzDate(const QDateTime& now)
{
    return now.toUTC().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")).toLatin1();
}

QByteArray SigV4::scope(const QDateTime& now) const
{
    return amzDate(now).left(8) + '/' + m_region.toUtf8() + '/' + m_service.toUtf8() + "/aws4_request";
}

QByteArray SigV4::canonicalPath(const QByteArray& path) const
{
    return uriEncode(normalizePath ? normalized(path) : path, true);
}

QByteArrayList SigV4::headerNames(const SignableRequest& request)
{
    QByteArrayList names;
    for (const auto& header : request.headers)
        names.append(header.first.toLower());
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

QByteArray SigV4::canonicalRequest(const SignableRequest& request, const QByteArrayList& signedHeaders) const
{
    QByteArray headers;
    for (const QByteArray& name : signedHeaders) {
        QByteArrayList values; // repeated headers: joined with commas, in the order sent
        for (const auto& [headerName, value] : request.headers)
            if (headerName.toLower() == name)
                values.append(canonicalHeaderValue(value));
        headers += name + ':' + values.join(',') + '\n';
    }
    return request.method + '\n' + canonicalPath(request.path) + '\n' + canonicalQuery(request.query) + '\n'
           + headers + '\n' + signedHeaders.join(';') + '\n' + request.payloadHash;
}

QByteArray SigV4::stringToSign(const QByteArray& canonicalRequest, const QDateTime& now) const
{
    return "AWS4-HMAC-SHA256\n" + amzDate(now) + '\n' + scope(now) + '\n' + sha256Hex(canonicalRequest);
}

QByteArray SigV4::signature(const QByteArray& stringToSign, const QDateTime& now) const
{
    QByteArray key = hmac("AWS4" + m_credentials.secretAccessKey.toUtf8(), amzDate(now).left(8));
    key = hmac(key, m_region.toUtf8());
    key = hmac(key, m_service.toUtf8());
    key = hmac(key, "aws4_request");
    return hmac(key, stringToSign).toHex();
}

QByteArray SigV4::authorization(const QByteArrayList& signedHeaders, const QByteArray& signature, const QDateTime& now) const
{
    return "AWS4-HMAC-SHA256 Credential=" + m_credentials.accessKeyId.toUtf8() + '/' + scope(now)
           + ", SignedHeaders=" + signedHeaders.join(';') + ", Signature=" + signature;
}

void SigV4::signWithHeader(SignableRequest& request, const QDateTime& now) const
{
    request.headers.emplaceBack("x-amz-date", amzDate(now));
    if (m_service == QLatin1String("s3"))
        request.headers.emplaceBack("x-amz-content-sha256", request.payloadHash);
    if (!m_credentials.sessionToken.isEmpty())
        request.headers.emplaceBack("x-amz-security-token", m_credentials.sessionToken.toUtf8());
    const QByteArrayList names = headerNames(request);
    const QByteArray sig = signature(stringToSign(canonicalRequest(request, names), now), now);
    request.headers.emplaceBack("Authorization", authorization(names, sig, now));
}

void SigV4::signWithQuery(SignableRequest& request, const QDateTime& now, int expiresSeconds) const
{
    const QByteArrayList names = headerNames(request);
    request.query.emplaceBack("X-Amz-Algorithm", "AWS4-HMAC-SHA256");
    request.query.emplaceBack("X-Amz-Credential", m_credentials.accessKeyId.toUtf8() + '/' + scope(now));
    request.query.emplaceBack("X-Amz-Date", amzDate(now));
    request.query.emplaceBack("X-Amz-Expires", QByteArray::number(expiresSeconds));
    if (!m_credentials.sessionToken.isEmpty())
        request.query.emplaceBack("X-Amz-Security-Token", m_credentials.sessionToken.toUtf8());
    request.query.emplaceBack("X-Amz-SignedHeaders", names.join(';'));
    const QByteArray sig = signature(stringToSign(canonicalRequest(request, names), now), now);
    request.query.emplaceBack("X-Amz-Signature", sig);
}

} // namespace coffre::s3
