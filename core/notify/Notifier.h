#pragma once

#include "NotifySettings.h"
#include "Result.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QStringList>

namespace coffre {

// What happened to a backup, as a webhook, a mail or a desktop notification says it.
struct Notification
{
    QString event = QStringLiteral("backup"); // what ran: "backup", or "drill" (a scheduled restore drill)
    QString profile;
    QString host;
    QString backup;                           // its name; empty when it failed before having one
    QString outcome;                          // "ok", "warning", "failed", "canceled"
    QString message;                          // the error, or what the warnings say
    QDateTime time;
    QStringList warnings;

    bool worthSending(const NotifySettings& settings) const { return outcome != u"ok" || settings.onSuccess; }
    QString subject() const; // "[Coffre] shop on web1: backup failed"
    QString text() const;    // for a mail or a chat message
    // {event, profile, host, backup, outcome, message, time, warnings, text}; "text" lets a
    // Slack or Teams incoming webhook show it as it is.
    QJsonObject toJson() const;
};

// Sends notifications from the command line (a scheduled run has no window): a JSON POST to a
// webhook (Qt Network) and/or a mail through the local sendmail (`sendmail -t`; COFFRE_SENDMAIL
// names another program). Blocking; call it from a thread with no event loop running, as the CLI does.
class Notifier
{
    Q_DECLARE_TR_FUNCTIONS(Notifier)

public:
    // Every channel of `settings`; returns what could not be sent, for stderr (it never fails the job).
    static QStringList send(const NotifySettings& settings, const Notification& notification);
    static Status postWebhook(const QString& url, const Notification& notification, int timeoutMs = 15000);
    static Status sendMail(const QString& to, const Notification& notification);
    static QString sendmailProgram();
    static QByteArray mailMessage(const QString& to, const Notification& notification);
};

} // namespace coffre
