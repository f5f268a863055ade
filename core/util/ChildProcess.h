#pragma once

#include "Result.h"

#include <QCoreApplication>
#include <QProcessEnvironment>

#include <functional>

class QProcess;

namespace coffre {

class JobControl;

// Runs a child (pg_dump, pg_restore, psql) on the calling worker thread, hands its standard
// output to `onOutput` chunk by chunk, sends its standard error to the job's log, and kills it
// when `stop` says so. Returns the child's stderr tail in the error's detail on failure.
class ChildProcess
{
    Q_DECLARE_TR_FUNCTIONS(ChildProcess)

public:
    using OutputSink = std::function<Status(const QByteArray& chunk)>;
    using StopCheck = std::function<bool()>;

    static Status run(const QString& program, const QStringList& arguments, const QProcessEnvironment& environment,
                      const OutputSink& onOutput, JobControl& control, const StopCheck& stop);

    // Call before start(): the kernel stops the child (SIGTERM) when the thread that started it,
    // and so Coffre, dies, even by SIGKILL: no pg_restore left writing into a database nobody watches.
    // With `ownGroup`, the child also leads a process group of its own, for killGroup().
    static void dieWithParent(QProcess& process, bool ownGroup = false);
    // Stops a child started with ownGroup and everything it started (npm and its children):
    // SIGTERM to the group, then SIGKILL after `graceMs`.
    static void killGroup(QProcess& process, int graceMs = 3000);

    // How much of a child's standard error is kept in memory for the error message.
    static constexpr qsizetype StderrKeptBytes = 64 * 1024;
};

} // namespace coffre
