#include "NotifySettings.h"

#include <QRegularExpression>
#include <QUrl>

namespace coffre {

QString NotifySettings::describe() const
{
    QStringList where;
    if (!webhook.isEmpty())
        where << NotifyText::tr("webhook %1").arg(QUrl(webhook).toDisplayString(QUrl::RemoveUserInfo | QUrl::RemovePath | QUrl::RemoveQuery));
    if (!mailTo.isEmpty())
        where << NotifyText::tr("mail to %1").arg(mailTo);
    if (where.isEmpty())
        return NotifyText::tr("no webhook or mail");
    return where.join(QStringLiteral(", ")) + QStringLiteral("; ") +
           (onSuccess ? NotifyText::tr("every backup") : NotifyText::tr("failures and warnings only"));
}

QJsonObject NotifySettings::toJson() const
{
    QJsonObject o{{QStringLiteral("on_success"), onSuccess},
                  {QStringLiteral("disk_percent"), diskPercent},
                  {QStringLiteral("shrink_percent"), shrinkPercent}};
    if (!webhook.isEmpty())
        o.insert(QStringLiteral("webhook"), webhook);
    if (!mailTo.isEmpty())
        o.insert(QStringLiteral("mail_to"), mailTo);
    return o;
}

Result<NotifySettings> NotifySettings::fromJson(const QJsonObject& o)
{
    NotifySettings settings;
    settings.webhook = o.value(QLatin1String("webhook")).toString();
    settings.mailTo = o.value(QLatin1String("mail_to")).toString();
    settings.onSuccess = o.value(QLatin1String("on_success")).toBool();
    settings.diskPercent = o.value(QLatin1String("disk_percent")).toInt(settings.diskPercent);
    settings.shrinkPercent = o.value(QLatin1String("shrink_percent")).toInt(settings.shrinkPercent);
    if (Status valid = settings.validate(); !valid)
        return valid.error();
    return settings;
}

Status NotifySettings::validate() const
{
    if (!webhook.isEmpty()) {
        const QUrl url(webhook, QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != u"https" && url.scheme() != u"http") || url.host().isEmpty())
            return Error{NotifyText::tr("“%1” is not a web address for the webhook: give https://…").arg(webhook), {}};
    }
    // One address or several; never a line break, which would let a value add mail headers.
    static const QRegularExpression address(QStringLiteral("^[^\\s@,<>\"]+@[^\\s@,<>\"]+$"));
    for (const QString& each : mailTo.split(u',', Qt::SkipEmptyParts)) {
        if (!address.match(each.trimmed()).hasMatch())
            return Error{NotifyText::tr("“%1” is not a mail address.").arg(each.trimmed()), {}};
    }
    if (diskPercent < 0 || diskPercent > 100 || shrinkPercent < 0 || shrinkPercent > 100)
        return Error{NotifyText::tr("The thresholds are percentages, from 0 (never) to 100."), {}};
    return {};
}

} // namespace coffre
