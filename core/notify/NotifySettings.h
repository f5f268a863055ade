#pragma once

#include "Result.h"

#include <QCoreApplication>
#include <QJsonObject>

namespace coffre {

// Who hears about a profile's backups, and when a backup that worked still deserves a warning.
struct NotifySettings
{
    QString webhook;          // a JSON POST (Slack, Teams, a relay) on failure, and on success when asked
    QString mailTo;           // addresses, comma-separated, through the local sendmail
    bool onSuccess = false;
    int diskPercent = 80;     // warn when the repository's disk is this full (0: never)
    int shrinkPercent = 50;   // warn when the dump or a folder shrank by more than this share (0: never)

    bool sendsAnything() const { return !webhook.isEmpty() || !mailTo.isEmpty(); }
    bool operator==(const NotifySettings&) const = default;
    QString describe() const; // "webhook https://…, mail ops@example.org; failures only"

    QJsonObject toJson() const;
    static Result<NotifySettings> fromJson(const QJsonObject& object);
    Status validate() const;
};

class NotifyText
{
    Q_DECLARE_TR_FUNCTIONS(NotifySettings)
};

} // namespace coffre
