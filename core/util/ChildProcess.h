#pragma once

#include "Result.h"

#include <QCoreApplication>
#include <QProcessEnvironment>

#include <functional>

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
};

} // namespace coffre
