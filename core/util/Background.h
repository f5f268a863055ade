#pragma once

#include <QThreadPool>
#include <QtConcurrent>

#include <utility>

namespace coffre {

// The threads that run Coffre's long work: jobs, scans, child processes. Never Qt's global pool:
// Qt 6.4's raster paint engine splits large fills over QThreadPool::globalInstance() and waits for
// them on the GUI thread, so a global pool busy with a backup froze every repaint of the window
// until the backup ended (seen under a real X server: the GUI thread blocked in
// QRasterPaintEngine::drawLines -> QSemaphore::acquire for the whole job).
QThreadPool* backgroundPool();

// The window asks for its background work to run at a lower CPU priority (a positive nice value,
// inherited by pg_dump and pg_restore): on a busy two-core desktop the GUI thread and the X server
// then get the processor as soon as they need it. Idle cores still go to the jobs.
void setBackgroundNiceness(int niceness);
// Called at the start of each background task: applies the niceness to the current thread.
void applyBackgroundNiceness();

// QtConcurrent::run on backgroundPool(): what every job and every slow look-up starts with.
template<typename Function>
auto runInBackground(Function&& function)
{
    return QtConcurrent::run(backgroundPool(), [function = std::forward<Function>(function)]() mutable {
        applyBackgroundNiceness();
        return function();
    });
}

} // namespace coffre
