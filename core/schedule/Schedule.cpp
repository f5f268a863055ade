#include "Schedule.h"

#include <QLocale>
#include <QRegularExpression>

namespace coffre {
namespace {

const char* const Days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
const char* const SystemdDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

} // namespace

QString Schedule::describe() const
{
    switch (every) {
    case Every::Never:
        return {};
    case Every::Hourly:
        return ScheduleText::tr("hourly");
    case Every::Daily:
        return ScheduleText::tr("daily at %1").arg(at.toString(QStringLiteral("HH:mm")));
    case Every::Weekly:
        return ScheduleText::tr("weekly on %1 at %2")
            .arg(QLocale().dayName(weekday, QLocale::LongFormat), at.toString(QStringLiteral("HH:mm")));
    }
    return {};
}

QString Schedule::describeDrill() const
{
    return drillDays > 0 ? ScheduleText::tr("a restore drill every %n day(s)", nullptr, drillDays) : QString();
}

QDateTime Schedule::nextAfter(const QDateTime& now) const
{
    const QDateTime local = now.toLocalTime();
    if (every == Every::Never)
        return {};
    if (every == Every::Hourly)
        return QDateTime(local.date(), QTime(local.time().hour(), 0)).addSecs(3600);
    // Day by day, as systemd does it: a time the clocks skip that day (02:30 when summer time
    // starts) is no run at all.
    for (QDate day = local.date(); day <= local.date().addDays(15); day = day.addDays(1)) {
        if (every == Every::Weekly && day.dayOfWeek() != weekday)
            continue;
        const QDateTime candidate(day, at);
        if (candidate.isValid() && candidate.time() == at && candidate > local)
            return candidate;
    }
    return {};
}

QString Schedule::onCalendar() const
{
    const QString time = at.toString(QStringLiteral("HH:mm:00"));
    switch (every) {
    case Every::Never:
        return {};
    case Every::Hourly:
        return QStringLiteral("*-*-* *:00:00");
    case Every::Daily:
        return QStringLiteral("*-*-* ") + time;
    case Every::Weekly:
        return QStringLiteral("%1 *-*-* %2").arg(QLatin1String(SystemdDays[weekday - 1]), time);
    }
    return {};
}

QString Schedule::cronFields() const
{
    switch (every) {
    case Every::Never:
        return {};
    case Every::Hourly:
        return QStringLiteral("0 * * * *");
    case Every::Daily:
        return QStringLiteral("%1 %2 * * *").arg(at.minute()).arg(at.hour());
    case Every::Weekly:
        return QStringLiteral("%1 %2 * * %3").arg(at.minute()).arg(at.hour()).arg(weekday % 7); // cron: 0 is Sunday
    }
    return {};
}

QJsonObject Schedule::toJson() const
{
    QJsonObject o = timeToJson();
    if (drillDays > 0 && !o.isEmpty())
        o.insert(QStringLiteral("drill_days"), drillDays);
    return o;
}

QJsonObject Schedule::timeToJson() const
{
    switch (every) {
    case Every::Never:
        return {};
    case Every::Hourly:
        return {{QStringLiteral("every"), QStringLiteral("hourly")}};
    case Every::Daily:
        return {{QStringLiteral("every"), QStringLiteral("daily")}, {QStringLiteral("at"), at.toString(QStringLiteral("HH:mm"))}};
    case Every::Weekly:
        return {{QStringLiteral("every"), QStringLiteral("weekly")},
                {QStringLiteral("at"), at.toString(QStringLiteral("HH:mm"))},
                {QStringLiteral("day"), weekdayWord(weekday)}};
    }
    return {};
}

Result<Schedule> Schedule::fromJson(const QJsonObject& o)
{
    Result<Schedule> schedule = timeFromJson(o);
    if (schedule)
        schedule.value().drillDays = qMax(0, o.value(QLatin1String("drill_days")).toInt(0));
    return schedule;
}

Result<Schedule> Schedule::timeFromJson(const QJsonObject& o)
{
    Schedule schedule;
    const QString every = o.value(QLatin1String("every")).toString();
    if (every.isEmpty())
        return schedule;
    if (every == u"hourly") {
        schedule.every = Every::Hourly;
        return schedule;
    }
    const Result<QTime> at = parseTime(o.value(QLatin1String("at")).toString());
    if (!at)
        return at.error();
    schedule.at = *at;
    if (every == u"daily") {
        schedule.every = Every::Daily;
        return schedule;
    }
    if (every == u"weekly") {
        const Result<int> day = parseWeekday(o.value(QLatin1String("day")).toString());
        if (!day)
            return day.error();
        schedule.every = Every::Weekly;
        schedule.weekday = *day;
        return schedule;
    }
    return Error{ScheduleText::tr("“%1” is not a schedule: hourly, daily or weekly.").arg(every), {}};
}

Result<QTime> Schedule::parseTime(const QString& text)
{
    static const QRegularExpression hhmm(QStringLiteral("^(\\d{1,2}):(\\d{2})$"));
    const QRegularExpressionMatch m = hhmm.match(text.trimmed());
    const QTime time = m.hasMatch() ? QTime(m.captured(1).toInt(), m.captured(2).toInt()) : QTime();
    if (!time.isValid())
        return Error{ScheduleText::tr("“%1” is not a time of day: give HH:MM, from 00:00 to 23:59.").arg(text), {}};
    return time;
}

Result<int> Schedule::parseWeekday(const QString& text)
{
    const QString word = text.trimmed().toLower();
    for (int day = 1; day <= 7; ++day) {
        const QString full = QLocale(QLocale::English).dayName(day, QLocale::LongFormat).toLower();
        if (word.size() >= 3 && full.startsWith(word))
            return day;
    }
    return Error{ScheduleText::tr("“%1” is not a day of the week: give mon, tue, wed, thu, fri, sat or sun.").arg(text), {}};
}

QString Schedule::weekdayWord(int weekday)
{
    return QLatin1String(Days[qBound(1, weekday, 7) - 1]);
}

QString ScheduleText::when(const QDateTime& time, const QDateTime& now)
{
    const QDateTime local = time.toLocalTime();
    const QString clock = local.toString(QStringLiteral("HH:mm"));
    const qint64 days = now.toLocalTime().date().daysTo(local.date());
    if (days == 0)
        return tr("today %1").arg(clock);
    if (days == 1)
        return tr("tomorrow %1").arg(clock);
    if (days == -1)
        return tr("yesterday %1").arg(clock);
    return QStringLiteral("%1 %2").arg(QLocale().toString(local.date(), QStringLiteral("ddd d MMM")), clock);
}

} // namespace coffre
