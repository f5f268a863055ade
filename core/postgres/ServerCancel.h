#pragma once

#include <libpq-fe.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace coffre {

// While it lives, a stop asked for reaches the statement running on `connection`: a thread of its
// own asks `stopNow` ten times a second and, once it says yes, sends the server a cancel request
// (PQcancel, which libpq allows from another thread). For statements that run long on the server
// alone, such as a large tail's append, which Cancel would otherwise wait out.
class ServerCancel
{
public:
    ServerCancel(PGconn* connection, std::function<bool()> stopNow);
    ~ServerCancel();
    ServerCancel(const ServerCancel&) = delete;
    ServerCancel& operator=(const ServerCancel&) = delete;

    // Whether the cancel request was sent: the statement's error is then the user's Cancel.
    bool sent() const;

private:
    void watch();

    PGcancel* m_cancel;
    std::function<bool()> m_stopNow;
    mutable std::mutex m_mutex;
    std::condition_variable m_finished;
    bool m_done = false;
    bool m_sent = false;
    std::thread m_watcher;
};

} // namespace coffre
