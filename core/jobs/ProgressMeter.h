#pragma once

#include <QElapsedTimer>
#include <QString>

namespace coffre {

class JobControl;

// Turns a job's byte counters into what people read: percent, rate and time left. The rate is
// smoothed so that the time left does not jump about with each sample.
class ProgressMeter
{
public:
    ProgressMeter();
    void sample(const JobControl& control);

    int percent() const;                // 0..100, or -1 while the total is unknown
    double bytesPerSecond() const { return m_rate; }
    qint64 secondsLeft() const;         // -1 when unknown
    QString summary() const;            // "420 MB of 930 MB · 85 MB/s · about 6 s left"

private:
    QElapsedTimer m_clock;
    qint64 m_lastMs = 0;
    qint64 m_lastBytes = 0;
    qint64 m_done = 0;
    qint64 m_total = 0;
    double m_rate = 0;
};

} // namespace coffre
