#include "TableTails.h"

#include <algorithm>

namespace coffre {

TableTails::TableTails(qint64 minimumTail) : m_minimumTail(qMax<qint64>(minimumTail, 64)) {}

void TableTails::setShape(int dumpId, const DumpBlockReader::TableShape& shape)
{
    QMutexLocker lock(&m_mutex);
    m_loads[dumpId].shape = shape;
}

void TableTails::claimed(int dumpId)
{
    QMutexLocker lock(&m_mutex);
    m_loads[dumpId].loading = true;
}

void TableTails::startHead(int dumpId, bool canShare)
{
    QMutexLocker lock(&m_mutex);
    Load& load = m_loads[dumpId];
    load.decided = true;
    load.canShare = canShare;
}

qint64 TableTails::headEnd(int dumpId, qint64 offset)
{
    QMutexLocker lock(&m_mutex);
    Load& load = m_loads[dumpId];
    if (load.limit >= 0)
        return load.limit;
    // Reserved in steps (a lock per step, not per row): a tail starts beyond the reservation.
    load.reserved = qMax(load.reserved, offset + m_minimumTail / 4);
    return load.reserved;
}

TableTails::Tail TableTails::finishHead(int dumpId, const std::function<bool()>& stop)
{
    QMutexLocker lock(&m_mutex);
    Load& load = m_loads[dumpId];
    load.headDone = true;
    while (load.tail == TailState::Loading) {
        if (stop())
            return Tail::Stopped;
        m_changed.wait(&m_mutex, 100);
    }
    switch (load.tail) {
    case TailState::Staged:
        return Tail::Staged;
    case TailState::Failed:
        return Tail::Failed;
    default:
        return Tail::None;
    }
}

void TableTails::released(int dumpId)
{
    QMutexLocker lock(&m_mutex);
    m_loads[dumpId].loading = false;
}

bool TableTails::offerable(const Load& load) const
{
    return load.loading && load.canShare && !load.headDone && load.limit < 0 && load.shape &&
           load.shape->length - load.reserved >= 2 * m_minimumTail;
}

std::optional<TableTails::Offer> TableTails::takeTail()
{
    QMutexLocker lock(&m_mutex);
    const auto left = [](const Load& load) { return load.shape->length - load.reserved; };
    int best = -1;
    for (const auto& [dumpId, load] : m_loads) {
        if (offerable(load) && (best < 0 || left(load) > left(m_loads.at(best))))
            best = dumpId;
    }
    if (best < 0)
        return std::nullopt;
    Load& load = m_loads.at(best);
    // Half of what the head has not reserved: the head then reads as much as the tail's COPY,
    // and appending the staged rows costs it less than parsing them.
    const qint64 target = load.reserved + (load.shape->length - load.reserved) / 2;
    const QList<qint64>& starts = load.shape->rowStarts;
    const auto start = std::lower_bound(starts.cbegin(), starts.cend(), target);
    if (start == starts.cend() || load.shape->length - *start < m_minimumTail) {
        load.canShare = false; // rows too long to cut here: never offered again
        return std::nullopt;
    }
    load.limit = *start;
    load.tail = TailState::Loading;
    m_taken << Offer{best, *start, load.shape->length - *start};
    return m_taken.last();
}

QList<TableTails::Offer> TableTails::taken()
{
    QMutexLocker lock(&m_mutex);
    return m_taken;
}

bool TableTails::mayOfferMore()
{
    QMutexLocker lock(&m_mutex);
    return std::any_of(m_loads.cbegin(), m_loads.cend(), [this](const auto& entry) {
        const Load& load = entry.second;
        return load.loading && !load.headDone && load.limit < 0 && (!load.decided || offerable(load));
    });
}

void TableTails::tailDone(int dumpId, bool staged)
{
    QMutexLocker lock(&m_mutex);
    m_loads[dumpId].tail = staged ? TailState::Staged : TailState::Failed;
    m_changed.wakeAll();
}

} // namespace coffre
