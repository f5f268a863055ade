#include "DatabaseUrl.h"

#include <QStringList>

namespace coffre {
namespace {

// libpq decodes %XX only ('+' stays a plus sign).
QString decoded(const QString& part)
{
    return QString::fromUtf8(QByteArray::fromPercentEncoding(part.toUtf8()));
}

Result<int> portOf(const QString& text)
{
    bool ok = false;
    const int port = text.toInt(&ok);
    if (!ok || port < 1 || port > 65535)
        return Error{DatabaseUrl::tr("“%1” is not a port number.").arg(text), {}};
    return port;
}

const QStringList SslModes{QStringLiteral("disable"), QStringLiteral("allow"), QStringLiteral("prefer"),
                           QStringLiteral("require"), QStringLiteral("verify-ca"), QStringLiteral("verify-full")};

} // namespace

Result<DatabaseUrl> DatabaseUrl::parse(const QString& text)
{
    QString rest = text.trimmed();
    const int schemeEnd = rest.indexOf(QStringLiteral("://"));
    const QString scheme = rest.left(schemeEnd).toLower();
    if (schemeEnd < 0 || (scheme != u"postgres" && scheme != u"postgresql"))
        return Error{tr("A database URL starts with postgres:// or postgresql://."), {}};
    rest = rest.mid(schemeEnd + 3);
    rest = rest.left(rest.indexOf(u'#')); // a fragment means nothing to libpq
    const int queryStart = rest.indexOf(u'?');
    const QString query = queryStart < 0 ? QString() : rest.mid(queryStart + 1);
    rest = rest.left(queryStart);
    const int pathStart = rest.indexOf(u'/');
    QString authority = rest.left(pathStart);

    DatabaseUrl url;
    if (pathStart >= 0)
        url.dbname = decoded(rest.mid(pathStart + 1));
    // The last '@': a password pasted unencoded may hold one.
    if (const int at = authority.lastIndexOf(u'@'); at >= 0) {
        const QString userInfo = authority.left(at);
        const int colon = userInfo.indexOf(u':');
        url.user = decoded(userInfo.left(colon));
        if (colon >= 0)
            url.password = decoded(userInfo.mid(colon + 1));
        authority = authority.mid(at + 1);
    }
    if (authority.contains(u','))
        return Error{tr("A URL with several hosts is not supported: keep one."), {}};
    QString portText;
    if (authority.startsWith(u'[')) { // [::1]:5432
        const int close = authority.indexOf(u']');
        if (close < 0)
            return Error{tr("The IPv6 address in brackets is not closed."), {}};
        url.host = authority.mid(1, close - 1);
        const QString after = authority.mid(close + 1);
        if (!after.isEmpty() && !after.startsWith(u':'))
            return Error{tr("Unexpected text after the IPv6 address: “%1”.").arg(after), {}};
        portText = after.mid(1);
    } else {
        const int colon = authority.indexOf(u':');
        url.host = decoded(authority.left(colon));
        portText = colon < 0 ? QString() : authority.mid(colon + 1);
    }
    if (!portText.isEmpty()) {
        const Result<int> port = portOf(portText);
        if (!port)
            return port.error();
        url.port = *port;
    }
    for (const QString& pair : query.split(u'&', Qt::SkipEmptyParts)) {
        const int equals = pair.indexOf(u'=');
        const QString key = decoded(pair.left(equals));
        const QString value = equals < 0 ? QString() : decoded(pair.mid(equals + 1));
        if (key == u"sslmode") {
            if (!SslModes.contains(value))
                return Error{tr("“%1” is not an SSL mode PostgreSQL knows.").arg(value), {}};
            url.sslmode = value;
        } else if (key == u"host") {
            url.host = value;
        } else if (key == u"port") {
            const Result<int> port = portOf(value);
            if (!port)
                return port.error();
            url.port = *port;
        } else if (key == u"user") {
            url.user = value;
        } else if (key == u"password") {
            url.password = value;
        } else if (key == u"dbname") {
            url.dbname = value;
        }
        // Other parameters (connect_timeout, application_name...) have no field in a profile.
    }
    return url;
}

} // namespace coffre
