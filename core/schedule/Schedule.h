#pragma once

#include "Result.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>

namespace coffre {

// When a profile's backups run by themselves: every hour (on the hour), every day at a time, or
// every week on a day at a time, in the machine's local time.
struct Schedule
{
    enum class Every { Never, Hourly, Daily, Weekly };
    Every every = Every::Never;
    QTime at = QTime(2, 30);   // daily and weekly
    int weekday = Qt::Monday;  // weekly: 1 (Monday) … 7 (Sunday)
    // A restore drill of the latest backup (`drill --latest --due`) after the scheduled run once
    // the last successful one is this many days old; 0: none.
    int drillDays = 0;

    bool isSet() const { return every != Every::Never; }
    bool operator==(const Schedule&) const = default;

    // "daily at 02:30", "hourly", "weekly on Monday at 03:00"; empty when not set.
    QString describe() const;
    // "a restore drill every 7 days"; empty when none.
    QString describeDrill() const;
    // The first run strictly after `now` (local time); invalid when not set.
    QDateTime nextAfter(const QDateTime& now) const;
    // systemd's OnCalendar= ("*-*-* 02:30:00", "*-*-* *:00:00", "Mon *-*-* 03:00:00").
    QString onCalendar() const;
    // cron's five time fields ("30 2 * * *", "0 * * * *", "0 3 * * 1").
    QString cronFields() const;

    QJsonObject toJson() const; // {"every": "daily", "at": "02:30", "day": "mon"}
    static Result<Schedule> fromJson(const QJsonObject& object);
    // What `schedule set` takes: "HH:MM", and a day as mon…sun (or its full English name).
    static Result<QTime> parseTime(const QString& text);
    static Result<int> parseWeekday(const QString& text);
    static QString weekdayWord(int weekday); // "mon"

private:
    QJsonObject timeToJson() const;
    static Result<Schedule> timeFromJson(const QJsonObject& object);
};

class ScheduleText
{
    Q_DECLARE_TR_FUNCTIONS(Schedule)

public:
    // "today 02:30", "tomorrow 02:30", "yesterday 14:00", "Mon 12 May 03:00": how the window and
    // `schedule show` say when a run was or will be, from `now`.
    static QString when(const QDateTime& time, const QDateTime& now);
};

} // namespace coffre
