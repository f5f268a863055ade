#include "JobControl.h"

#include <QDateTime>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcJobs, "coffre.jobs")

namespace coffre {

void JobControl::setPhase(const QString& phase)
{
    {
        const QMutexLocker lock(&m_mutex);
        m_phase = phase;
    }
    log(phase);
}

QString JobControl::phase() const
{
    const QMutexLocker lock(&m_mutex);
    return m_phase;
}

void JobControl::log(const QString& line)
{
    qCInfo(lcJobs).noquote() << line;
    const QMutexLocker lock(&m_mutex);
    m_log << QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss ")) + line;
}

QStringList JobControl::logLines() const
{
    const QMutexLocker lock(&m_mutex);
    return m_log;
}

} // namespace coffre
