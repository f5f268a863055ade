#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QPair>
#include <QString>

namespace coffre {

class JobControl;

// Turns a job's counters into what people read: percent, rate and time left. The rate is taken
// over the last few seconds, and the time left is only shown once that rate has been measured
// for a while: a first sample taken while a job is still starting up gave "25,691 s left".
class ProgressMeter
{
public:
    ProgressMeter();
    void sample(const JobControl& control);

    int percent() const;                // 0..100, or -1 while the total is unknown
    double bytesPerSecond() const { return m_rate; }
    qint64 secondsLeft() const;         // -1 when unknown
    QString summary() const;            // "420 MB of 930 MB · 85 MB/s · about 6 s left"

    static QString timeLeft(qint64 seconds); // "about 40 s left", "about 3 min left"

private:
    QElapsedTimer m_clock;
    QList<QPair<qint64, qint64>> m_window; // (ms, bytes done) over the last WindowMs
    qint64 m_measuringSinceMs = -1;        // when bytes first moved
    qint64 m_done = 0;
    qint64 m_total = 0;
    qint64 m_filesFound = 0;
    double m_rate = 0;
};

} // namespace coffre
