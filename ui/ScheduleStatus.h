#pragma once

#include "audit/AuditLog.h"
#include "schedule/Schedule.h"

#include <QLabel>
#include <QTimer>

#include <optional>

class QStatusBar;

namespace coffre {

// The status bar's word on a profile's schedule: "Scheduled daily at 02:30 · last: OK today
// 02:30 · next: tomorrow 02:30". The next run is computed here (Schedule::nextAfter, as systemd
// does), the last one comes from the audit log through the scan; the text follows the clock.
class ScheduleStatus : public QLabel
{
    Q_OBJECT

public:
    explicit ScheduleStatus(QStatusBar* bar);

    void showSchedule(const QString& profile, const Schedule& schedule, const std::optional<AuditEntry>& lastRun);
    void showNothing();
    // The words for `now`: what the label shows (tests give their own clock).
    static QString describe(const Schedule& schedule, const std::optional<AuditEntry>& lastRun, const QDateTime& now);

    // The whole line when there is room for it; where the status bar is short of room (a narrow
    // window, a longer language), only its first part ("Scheduled daily at 02:30"), the whole
    // line then in the tooltip.
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void refresh();
    void showFitting();
    QSize hintFor(const QString& text) const;

    QString m_profile;
    Schedule m_schedule;
    std::optional<AuditEntry> m_lastRun;
    QString m_line; // the whole line
    QString m_tip;
    QTimer m_clock;
};

} // namespace coffre
