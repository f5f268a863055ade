#include "Notifier.h"

#include <QEventLoop>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QStandardPaths>
#include <QTimer>

namespace coffre {
namespace {

QString outcomeWords(const QString& event, const QString& outcome)
{
    if (event == u"drill") // a scheduled restore drill
        return outcome == u"failed" ? Notifier::tr("restore drill failed")
               : outcome == u"canceled" ? Notifier::tr("restore drill canceled")
                                        : Notifier::tr("proven restorable");
    if (outcome == u"failed")
        return Notifier::tr("backup failed");
    if (outcome == u"canceled")
        return Notifier::tr("backup canceled");
    if (outcome == u"warning")
        return Notifier::tr("backup made, with warnings");
    return Notifier::tr("backup made");
}

// RFC 2047, for a subject that is not plain ASCII.
QByteArray headerWord(const QString& text)
{
    const QByteArray utf8 = text.toUtf8();
    for (const char c : utf8)
        if (uchar(c) >= 0x80)
            return "=?UTF-8?B?" + utf8.toBase64() + "?=";
    return utf8;
}

} // namespace

QString Notification::subject() const
{
    return QStringLiteral("[Coffre] %1 on %2: %3").arg(profile, host, outcomeWords(event, outcome));
}

QString Notification::text() const
{
    QString text = backup.isEmpty() ? Notifier::tr("%1 on %2: %3.").arg(profile, host, outcomeWords(event, outcome))
                                    : Notifier::tr("%1 on %2: %3 (%4).").arg(profile, host, outcomeWords(event, outcome), backup);
    if (!message.isEmpty() && warnings.isEmpty())
        text += u' ' + message;
    for (const QString& warning : warnings)
        text += QStringLiteral("\n- ") + warning;
    return text;
}

QJsonObject Notification::toJson() const
{
    return {{QStringLiteral("event"), event},
            {QStringLiteral("profile"), profile},
            {QStringLiteral("host"), host},
            {QStringLiteral("backup"), backup},
            {QStringLiteral("outcome"), outcome},
            {QStringLiteral("message"), message},
            {QStringLiteral("time"), time.toOffsetFromUtc(time.offsetFromUtc()).toString(Qt::ISODate)},
            {QStringLiteral("warnings"), QJsonArray::fromStringList(warnings)},
            {QStringLiteral("text"), text()}};
}

QStringList Notifier::send(const NotifySettings& settings, const Notification& notification)
{
    QStringList failures;
    if (!settings.webhook.isEmpty()) {
        if (Status posted = postWebhook(settings.webhook, notification); !posted)
            failures << posted.error().toLogString();
    }
    if (!settings.mailTo.isEmpty()) {
        if (Status mailed = sendMail(settings.mailTo, notification); !mailed)
            failures << mailed.error().toLogString();
    }
    return failures;
}

Status Notifier::postWebhook(const QString& url, const Notification& notification, int timeoutMs)
{
    QNetworkAccessManager network;
    QNetworkRequest request{QUrl(url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("Coffre"));
    request.setTransferTimeout(timeoutMs);
    QNetworkReply* reply = network.post(request, QJsonDocument(notification.toJson()).toJson(QJsonDocument::Compact));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString why = reply->error() == QNetworkReply::NoError ? QString() : reply->errorString();
    reply->deleteLater();
    // Never the URL itself in the message: a Slack or Teams webhook's path is its secret.
    const QString host = QUrl(url).host();
    if (status < 200 || status >= 300)
        return Error{tr("The webhook at %1 did not take the notification.").arg(host),
                     status > 0 ? QStringLiteral("HTTP %1").arg(status) : why};
    return {};
}

QString Notifier::sendmailProgram()
{
    if (const QString given = qEnvironmentVariable("COFFRE_SENDMAIL"); !given.isEmpty())
        return given;
    for (const QString& path : {QStringLiteral("/usr/sbin/sendmail"), QStringLiteral("/usr/lib/sendmail")})
        if (QFileInfo(path).isExecutable())
            return path;
    return QStandardPaths::findExecutable(QStringLiteral("sendmail"));
}

QByteArray Notifier::mailMessage(const QString& to, const Notification& notification)
{
    QByteArray message;
    message += "To: " + to.toUtf8() + "\n";
    message += "Subject: " + headerWord(notification.subject()) + "\n";
    message += "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n";
    message += "Auto-Submitted: auto-generated\n";
    message += "X-Coffre-Outcome: " + notification.outcome.toUtf8() + "\n\n";
    message += notification.text().toUtf8() + "\n\n";
    message += tr("Time: %1\nProfile: %2\nHost: %3\n")
                   .arg(notification.time.toString(Qt::ISODate), notification.profile, notification.host)
                   .toUtf8();
    message += tr("History: coffre-cli --profile %1 log --since 7d\n").arg(notification.profile).toUtf8();
    return message;
}

Status Notifier::sendMail(const QString& to, const Notification& notification)
{
    const QString program = sendmailProgram();
    if (program.isEmpty())
        return Error{tr("No sendmail here to mail %1: install a mail transfer agent (e.g. msmtp-mta or postfix).").arg(to), {}};
    QProcess sendmail;
    sendmail.start(program, {QStringLiteral("-t"), QStringLiteral("-i")});
    if (!sendmail.waitForStarted(5000))
        return Error{tr("%1 could not be started.").arg(program), sendmail.errorString()};
    sendmail.write(mailMessage(to, notification));
    sendmail.closeWriteChannel();
    if (!sendmail.waitForFinished(60000)) {
        sendmail.kill();
        sendmail.waitForFinished(2000);
        return Error{tr("%1 did not finish within a minute.").arg(program), {}};
    }
    if (sendmail.exitStatus() != QProcess::NormalExit || sendmail.exitCode() != 0)
        return Error{tr("%1 could not send the mail to %2.").arg(program, to),
                     QString::fromLocal8Bit(sendmail.readAllStandardError()).trimmed()};
    return {};
}

} // namespace coffre
