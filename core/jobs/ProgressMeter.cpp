#include "ProgressMeter.h"

#include "JobControl.h"
#include "util/HumanSize.h"

#include <QCoreApplication>
#include <QLocale>

#include <algorithm>
#include <limits>

namespace coffre {

namespace {
constexpr qint64 WindowMs = 5000;         // the rate is the mean over this much time
constexpr qint64 MinimumSpanMs = 1000;    // no rate from less
constexpr qint64 TimeLeftAfterMs = 3000;  // no time left before the rate has been measured this long
} // namespace

ProgressMeter::ProgressMeter()
{
    m_clock.start();
}

void ProgressMeter::sample(const JobControl& control)
{
    m_done = control.bytesDone();
    m_total = control.bytesTotal();
    m_filesFound = control.filesFound();
    const qint64 now = m_clock.elapsed();
    if (m_done > 0 && m_measuringSinceMs < 0)
        m_measuringSinceMs = now;
    m_window.append({now, m_done});
    while (m_window.size() > 2 && now - m_window[1].first >= WindowMs)
        m_window.removeFirst();
    const qint64 span = now - m_window.first().first;
    if (span >= MinimumSpanMs)
        m_rate = double(m_done - m_window.first().second) * 1000.0 / double(span);
}

int ProgressMeter::percent() const
{
    if (m_total <= 0)
        return -1;
    return int(std::clamp<qint64>(m_done * 100 / m_total, 0, 100));
}

qint64 ProgressMeter::secondsLeft() const
{
    if (m_total <= 0 || m_rate < 1 || m_measuringSinceMs < 0 || m_clock.elapsed() - m_measuringSinceMs < TimeLeftAfterMs)
        return -1;
    return qMax<qint64>(0, qint64(double(m_total - m_done) / m_rate));
}

QString ProgressMeter::timeLeft(qint64 seconds)
{
    if (seconds < 90)
        return QCoreApplication::translate("ProgressMeter", "about %1 s left").arg(qMax<qint64>(1, seconds));
    if (seconds < 90 * 60)
        return QCoreApplication::translate("ProgressMeter", "about %1 min left").arg((seconds + 30) / 60);
    return QCoreApplication::translate("ProgressMeter", "about %1 h left").arg(QLocale().toString(double(seconds) / 3600.0, 'f', 1));
}

QString ProgressMeter::summary() const
{
    if (m_total <= 0) {
        // Still scanning or starting: say what is known, never "0 bytes of 0 bytes".
        if (m_done > 0)
            return QCoreApplication::translate("ProgressMeter", "%1 so far").arg(humanSize(m_done));
        const int files = int(std::min<qint64>(m_filesFound, std::numeric_limits<int>::max()));
        if (files > 0)
            return QCoreApplication::translate("ProgressMeter", "%n file(s) found", nullptr, files);
        return {};
    }
    QString text = QCoreApplication::translate("ProgressMeter", "%1 of %2").arg(humanSize(m_done), humanSize(m_total));
    if (m_rate >= 1)
        text += QStringLiteral(" · ") + QCoreApplication::translate("ProgressMeter", "%1/s").arg(humanSize(qint64(m_rate)));
    if (const qint64 left = secondsLeft(); left >= 0 && m_done < m_total)
        text += QStringLiteral(" · ") + timeLeft(left);
    return text;
}

} // namespace coffre
