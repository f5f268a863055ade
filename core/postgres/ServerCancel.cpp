#include "ServerCancel.h"

#include <chrono>

namespace coffre {

ServerCancel::ServerCancel(PGconn* connection, std::function<bool()> stopNow)
    : m_cancel(PQgetCancel(connection)), m_stopNow(std::move(stopNow))
{
    if (m_cancel && m_stopNow)
        m_watcher = std::thread([this] { watch(); });
}

ServerCancel::~ServerCancel()
{
    {
        std::lock_guard lock(m_mutex);
        m_done = true;
    }
    m_finished.notify_all();
    if (m_watcher.joinable())
        m_watcher.join();
    if (m_cancel)
        PQfreeCancel(m_cancel);
}

bool ServerCancel::sent() const
{
    std::lock_guard lock(m_mutex);
    return m_sent;
}

void ServerCancel::watch()
{
    std::unique_lock lock(m_mutex);
    while (!m_finished.wait_for(lock, std::chrono::milliseconds(100), [this] { return m_done; })) {
        if (!m_stopNow())
            continue;
        char reason[256];
        // Sent just as the statement ended, it may end the next one instead: the caller reports
        // Cancel either way (sent()), and the job stops as asked.
        m_sent = PQcancel(m_cancel, reason, int(sizeof reason)) == 1;
        return;
    }
}

} // namespace coffre
