#include "ScheduleStatus.h"

#include <QStatusBar>

namespace coffre {

ScheduleStatus::ScheduleStatus(QStatusBar* bar) : QLabel(bar)
{
    setObjectName(QStringLiteral("scheduleStatus"));
    setContentsMargins(4, 0, 4, 0);
    bar->addPermanentWidget(this);
    m_clock.setInterval(30 * 1000); // "next: today 02:30" turns into "tomorrow" on its own
    connect(&m_clock, &QTimer::timeout, this, &ScheduleStatus::refresh);
    hide();
}

QString ScheduleStatus::describe(const Schedule& schedule, const std::optional<AuditEntry>& lastRun, const QDateTime& now)
{
    QStringList parts;
    parts << (schedule.isSet() ? tr("Scheduled %1").arg(schedule.describe()) : tr("Not scheduled"));
    if (lastRun) {
        const QString outcome = lastRun->ok() ? (lastRun->message.isEmpty() ? tr("OK") : tr("OK with warnings"))
                                : lastRun->outcome == u"canceled" ? tr("canceled")
                                                                  : tr("FAILED");
        parts << tr("last: %1 %2").arg(outcome, ScheduleText::when(lastRun->time, now));
    }
    if (schedule.isSet())
        parts << tr("next: %1").arg(ScheduleText::when(schedule.nextAfter(now), now));
    return parts.join(QStringLiteral(" · "));
}

void ScheduleStatus::showSchedule(const QString& profile, const Schedule& schedule, const std::optional<AuditEntry>& lastRun)
{
    m_profile = profile;
    m_schedule = schedule;
    m_lastRun = lastRun;
    m_clock.start();
    refresh();
    show();
}

void ScheduleStatus::showNothing()
{
    m_clock.stop();
    clear();
    hide();
}

void ScheduleStatus::refresh()
{
    m_line = describe(m_schedule, m_lastRun, QDateTime::currentDateTime());
    setText(m_line);
    updateGeometry();
    QTimer::singleShot(0, this, &ScheduleStatus::showFitting); // once the status bar has made room, or not
    const bool failed = m_lastRun && !m_lastRun->ok();
    setStyleSheet(failed ? QStringLiteral("QLabel { color: #c62828; font-weight: bold; }") : QString());
    QString tip = m_schedule.isSet()
                      ? tr("Backups of %1 run by themselves %2 (coffre-cli --profile %1 schedule show).").arg(m_profile, m_schedule.describe())
                      : tr("Profile › Schedule…, or coffre-cli --profile %1 schedule set --daily 02:30, makes backups run by themselves.")
                            .arg(m_profile);
    if (m_lastRun && !m_lastRun->message.isEmpty())
        tip += u'\n' + tr("Last run: %1").arg(m_lastRun->message);
    m_tip = tip;
    setToolTip(tip);
}

QSize ScheduleStatus::hintFor(const QString& text) const
{
    ensurePolished(); // a failed run's line is bold
    const QMargins margins = contentsMargins();
    return {fontMetrics().horizontalAdvance(text) + margins.left() + margins.right() + 2 * margin() + 1, QLabel::sizeHint().height()};
}

QSize ScheduleStatus::sizeHint() const
{
    return hintFor(m_line);
}

QSize ScheduleStatus::minimumSizeHint() const
{
    return hintFor(m_line.section(QStringLiteral(" · "), 0, 0));
}

void ScheduleStatus::resizeEvent(QResizeEvent* event)
{
    QLabel::resizeEvent(event);
    showFitting();
}

void ScheduleStatus::showFitting()
{
    const bool whole = width() >= sizeHint().width();
    const QString shown = whole ? m_line : m_line.section(QStringLiteral(" · "), 0, 0);
    if (text() != shown) {
        setText(shown);
        setToolTip(whole ? m_tip : m_line + u'\n' + m_tip);
    }
}

} // namespace coffre
