#include "Background.h"

#include <atomic>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace coffre {
namespace {
std::atomic<int> g_niceness{0};
thread_local int t_niceness = 0;
} // namespace

QThreadPool* backgroundPool()
{
    // Jobs mostly wait (on child processes, disks, the database server): their number, not the
    // number of cores, sets how many threads they need. Nested work (a backup's dump and archives,
    // a restore's extraction) runs here too and must never wait for a free thread.
    static QThreadPool* pool = [] {
        auto* threads = new QThreadPool;
        threads->setMaxThreadCount(64);
        threads->setExpiryTimeout(60 * 1000);
        return threads;
    }();
    return pool;
}

void setBackgroundNiceness(int niceness)
{
    g_niceness.store(niceness);
}

void applyBackgroundNiceness()
{
    const int wanted = g_niceness.load();
    if (wanted == t_niceness)
        return;
    // On Linux a nice value belongs to a thread (its tid), not to the whole process.
    if (::setpriority(PRIO_PROCESS, id_t(::syscall(SYS_gettid)), wanted) == 0)
        t_niceness = wanted;
}

} // namespace coffre
