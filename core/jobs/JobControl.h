#pragma once

#include <QMutex>
#include <QString>
#include <QStringList>

#include <atomic>

namespace coffre {

// Shared between a job running on a worker thread and whoever follows it (the window's jobs
// panel, the CLI's progress line): progress counters, the current phase, the log, and the
// cancel request. Followers poll it; the job never waits for them.
class JobControl
{
public:
    void addBytesDone(qint64 bytes) { m_bytesDone.fetch_add(bytes, std::memory_order_relaxed); }
    void setBytesTotal(qint64 bytes) { m_bytesTotal.store(bytes, std::memory_order_relaxed); }
    // A job's next phase counts its own bytes (a backup, then its off-site copy).
    void restartBytes(qint64 total)
    {
        m_bytesDone.store(0, std::memory_order_relaxed);
        m_bytesTotal.store(total, std::memory_order_relaxed);
    }
    qint64 bytesDone() const { return m_bytesDone.load(std::memory_order_relaxed); }
    qint64 bytesTotal() const { return m_bytesTotal.load(std::memory_order_relaxed); }
    // Files found while scanning, before any byte total is known: progress from the first second.
    void addFilesFound(qint64 files) { m_filesFound.fetch_add(files, std::memory_order_relaxed); }
    qint64 filesFound() const { return m_filesFound.load(std::memory_order_relaxed); }

    void setPhase(const QString& phase);
    QString phase() const;

    // A line for the log: what the job does and what its child processes said.
    void log(const QString& line);
    QStringList logLines() const;

    void cancel() { m_canceled.store(true); }
    bool isCanceled() const { return m_canceled.load(); }

private:
    std::atomic<qint64> m_bytesDone{0};
    std::atomic<qint64> m_bytesTotal{0};
    std::atomic<qint64> m_filesFound{0};
    std::atomic<bool> m_canceled{false};
    mutable QMutex m_mutex;
    QString m_phase;
    QStringList m_log;
};

} // namespace coffre
