#include "LogCommand.h"

#include "CliTarget.h"
#include "TextTable.h"
#include "audit/AuditLog.h"
#include "util/HumanSize.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace coffre {
namespace {

QString duration(qint64 ms)
{
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    if (ms < 60000)
        return QStringLiteral("%1 s").arg(double(ms) / 1000, 0, 'f', 1);
    return QStringLiteral("%1 min %2 s").arg(ms / 60000).arg((ms / 1000) % 60);
}

int runLog(const CliContext& cli)
{
    const Result<Profile> target = CliTarget::resolve(cli.parser);
    if (!target)
        return cli.usage(target.error().message);
    std::optional<QDateTime> since;
    if (cli.parser.isSet(QStringLiteral("since"))) {
        since = LogCommand::parseSince(cli.parser.value(QStringLiteral("since")));
        if (!since)
            return cli.usage(LogCommand::tr("--since takes a date (2026-05-01, 2026-05-01T02:30), today, yesterday, or an age "
                                            "such as 7d, 12h, 2w."));
    }
    QStringList actions;
    for (const QString& value : cli.parser.values(QStringLiteral("action")))
        actions += value.split(u',', Qt::SkipEmptyParts);
    const QString outcome = cli.parser.value(QStringLiteral("outcome"));
    const Result<QList<AuditEntry>> read = AuditLog::read(target->repository);
    if (!read)
        return cli.fail(read.error());
    QList<AuditEntry> entries;
    for (const AuditEntry& entry : *read) {
        if ((since && entry.time < *since) || (!actions.isEmpty() && !actions.contains(entry.action)) ||
            (!outcome.isEmpty() && entry.outcome != outcome))
            continue;
        entries << entry;
    }
    if (cli.json()) {
        QJsonArray array;
        for (const AuditEntry& entry : entries)
            array.append(entry.toJson());
        return cli.succeed(array);
    }
    if (entries.isEmpty()) {
        cli.out << (read->isEmpty() ? LogCommand::tr("The audit log of %1 is empty.")
                                    : LogCommand::tr("No line of the audit log of %1 matches."))
                       .arg(target->repository)
                << Qt::endl;
        return ExitSuccess;
    }
    TextTable table({LogCommand::tr("TIME"), LogCommand::tr("ACTION"), LogCommand::tr("OUTCOME"), LogCommand::tr("BACKUP"),
                     LogCommand::tr("SIZE"), LogCommand::tr("TOOK"), LogCommand::tr("BY"), LogCommand::tr("MESSAGE")});
    for (const AuditEntry& entry : entries)
        table.addRow({entry.time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                      entry.kind == u"scheduled" ? entry.action + QStringLiteral(" (scheduled)") : entry.action, entry.outcome,
                      entry.backup.isEmpty() ? QStringLiteral("-") : entry.backup, entry.bytes > 0 ? humanSize(entry.bytes) : QStringLiteral("-"),
                      duration(entry.durationMs), entry.user + u'@' + entry.host, entry.message});
    cli.out << table.render();
    return ExitSuccess;
}

} // namespace

std::optional<QDateTime> LogCommand::parseSince(const QString& text, const QDateTime& now)
{
    const QString value = text.trimmed().toLower();
    if (value == u"today")
        return QDateTime(now.date(), QTime(0, 0));
    if (value == u"yesterday")
        return QDateTime(now.date().addDays(-1), QTime(0, 0));
    static const QRegularExpression age(QStringLiteral("^(\\d+)\\s*([mhdw])$"));
    if (const QRegularExpressionMatch m = age.match(value); m.hasMatch()) {
        const qint64 n = m.captured(1).toLongLong();
        const qint64 unit = m.captured(2) == u"m" ? 60 : m.captured(2) == u"h" ? 3600 : m.captured(2) == u"d" ? 86400 : 7 * 86400;
        return now.addSecs(-n * unit);
    }
    if (const QDate date = QDate::fromString(value, Qt::ISODate); date.isValid())
        return QDateTime(date, QTime(0, 0));
    QDateTime time = QDateTime::fromString(text.trimmed(), Qt::ISODate);
    if (time.isValid())
        return time;
    return std::nullopt;
}

CliCommand LogCommand::command()
{
    return {QStringLiteral("log"),
            tr("The audit log of the repository: every create, restore, undo, delete, prune, download, upload, export and "
               "import, by whom, how it ended."),
            QString(),
            [] {
                return QList<QCommandLineOption>{
                    {QStringLiteral("since"), tr("Only from this date or age on: 2026-05-01, today, 7d, 12h."), QStringLiteral("DATE")},
                    {QStringLiteral("action"), tr("Only this action (create, restore, undo, delete, prune, download, upload, export, "
                                                  "import); repeatable."),
                     QStringLiteral("ACTION")},
                    {QStringLiteral("outcome"), tr("Only this outcome: ok, failed or canceled."), QStringLiteral("OUTCOME")}};
            },
            runLog};
}

} // namespace coffre
