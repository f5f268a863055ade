#include "DatabaseTarget.h"

#include <QRegularExpression>

#include <libpq-fe.h>

#include <cstring>

namespace coffre {

bool DatabaseTarget::isEmpty() const
{
    return conninfo.isEmpty() && service.isEmpty() && host.isEmpty() && dbname.isEmpty();
}

bool DatabaseTarget::conninfoHoldsPassword() const
{
    if (conninfo.isEmpty())
        return false;
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.toUtf8().constData(), &error);
    PQfreemem(error);
    bool holds = false;
    for (PQconninfoOption* o = options; o && o->keyword; ++o)
        if (std::strcmp(o->keyword, "password") == 0 && o->val && *o->val)
            holds = true;
    PQconninfoFree(options);
    return holds;
}

QList<QPair<QByteArray, QByteArray>> DatabaseTarget::libpqParameters() const
{
    QList<QPair<QByteArray, QByteArray>> params;
    auto add = [&params](const char* key, const QString& value) {
        if (!value.isEmpty())
            params.append({QByteArray(key), value.toUtf8()});
    };
    add("dbname", conninfo); // expanded by libpq; the fields below override what it says
    add("service", service);
    add("host", host);
    if (port > 0)
        add("port", QString::number(port));
    add("dbname", dbname);
    add("user", user);
    add("sslmode", sslmode);
    return params;
}

QString DatabaseTarget::displayName() const
{
    if (!service.isEmpty() && host.isEmpty() && dbname.isEmpty())
        return QStringLiteral("service=") + service;
    QString text;
    if (!user.isEmpty())
        text += user + u'@';
    text += host.isEmpty() ? QStringLiteral("localhost") : host;
    if (port > 0)
        text += u':' + QString::number(port);
    if (!dbname.isEmpty())
        text += u'/' + dbname;
    if (!conninfo.isEmpty() && host.isEmpty() && dbname.isEmpty()) {
        // Shown in messages and logs: a password written into the string must not travel with it.
        QString shown = conninfo;
        static const QRegularExpression keyword(QStringLiteral("(password|sslpassword)\\s*=\\s*('([^'\\\\]|\\\\.)*'|\\S+)"),
                                                QRegularExpression::CaseInsensitiveOption);
        static const QRegularExpression uri(QStringLiteral("^(\\w+://[^:/@]*):[^@]*@"));
        shown.replace(keyword, QStringLiteral("\\1=***"));
        shown.replace(uri, QStringLiteral("\\1:***@"));
        shown.replace(QRegularExpression(QStringLiteral("([?&]password=)[^&]*")), QStringLiteral("\\1***"));
        return shown;
    }
    return text;
}

} // namespace coffre
