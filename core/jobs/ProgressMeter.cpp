#include "ProgressMeter.h"

#include "JobControl.h"
#include "util/HumanSize.h"

#include <QCoreApplication>

#include <algorithm>

namespace coffre {

ProgressMeter::ProgressMeter()
{
    m_clock.start();
}

void ProgressMeter::sample(const JobControl& control)
{
    m_done = control.bytesDone();
    m_total = control.bytesTotal();
    const qint64 now = m_clock.elapsed();
    const qint64 interval = now - m_lastMs;
    if (interval < 200)
        return;
    const double instant = double(m_done - m_lastBytes) * 1000.0 / double(interval);
    m_rate = m_rate <= 0 ? instant : 0.7 * m_rate + 0.3 * instant;
    m_lastMs = now;
    m_lastBytes = m_done;
}

int ProgressMeter::percent() const
{
    if (m_total <= 0)
        return -1;
    return int(std::clamp<qint64>(m_done * 100 / m_total, 0, 100));
}

qint64 ProgressMeter::secondsLeft() const
{
    if (m_total <= 0 || m_rate < 1)
        return -1;
    return qMax<qint64>(0, qint64(double(m_total - m_done) / m_rate));
}

QString ProgressMeter::summary() const
{
    QString text = QCoreApplication::translate("ProgressMeter", "%1 of %2").arg(humanSize(m_done), humanSize(m_total));
    if (m_rate >= 1)
        text += QStringLiteral(" · ") + QCoreApplication::translate("ProgressMeter", "%1/s").arg(humanSize(qint64(m_rate)));
    if (const qint64 left = secondsLeft(); left >= 0 && m_done < m_total)
        text += QStringLiteral(" · ") + QCoreApplication::translate("ProgressMeter", "about %1 s left").arg(left);
    return text;
}

} // namespace coffre
