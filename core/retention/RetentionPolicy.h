#pragma once

#include "catalog/Backup.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QSet>
#include <QTimeZone>

namespace coffre {

// Which backups a repository keeps, as the seeds' cron scripts did it (keep 30; keep 14; 7 days,
// 4 weeks, 12 months) and as borg and restic name it: the last N, and the newest backup of each
// of the last N days, ISO weeks, months and years. All zero: nothing is ever pruned.
struct RetentionRules
{
    int keepLast = 0;
    int daily = 0;
    int weekly = 0;
    int monthly = 0;
    int yearly = 0;
    int minimum = 3;    // never fewer complete backups than this, whatever the rules say
    int keepSafety = 2; // safety copies made before restores: the newest N, apart from the rules

    bool prunesNothing() const { return keepLast == 0 && daily == 0 && weekly == 0 && monthly == 0 && yearly == 0; }
    QString describe() const; // "last 7, 7 daily, 4 weekly, 12 monthly; at least 3"
    QJsonObject toJson() const;
    static RetentionRules fromJson(const QJsonObject& object);
    bool operator==(const RetentionRules&) const = default;
};

struct RetentionDecision
{
    Backup backup;
    bool keep = true;
    QStringList reasons; // why it stays ("last 7", "daily", "pinned", "at least 3"), or why it goes
};

class RetentionPolicy
{
    Q_DECLARE_TR_FUNCTIONS(RetentionPolicy)

public:
    // One decision per backup, newest first. Only complete backups can go: incomplete and damaged
    // ones are for people to look at. Pinned names always stay. Days, weeks… are counted in `zone`.
    static QList<RetentionDecision> decide(const QList<Backup>& backups, const RetentionRules& rules, const QSet<QString>& pinned,
                                           const QTimeZone& zone = QTimeZone::systemTimeZone());
    static qint64 bytesFreed(const QList<RetentionDecision>& decisions);
    static QStringList pruned(const QList<RetentionDecision>& decisions);
};

} // namespace coffre
