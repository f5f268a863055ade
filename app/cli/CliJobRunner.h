#pragma once

#include "Result.h"
#include "jobs/JobControl.h"

#include <QCoreApplication>
#include <QFuture>

#include <functional>
#include <memory>

namespace coffre {

// Waits for a job in the CLI: a progress line on a terminal (nothing otherwise, for cron),
// and Ctrl-C turned into a clean cancel of the job.
class CliJobRunner
{
    Q_DECLARE_TR_FUNCTIONS(CliJobRunner)

public:
    explicit CliJobRunner(std::shared_ptr<JobControl> control, bool showProgress);
    // Runs the event loop until `future` is finished.
    void wait(const QFuture<void>& future);

    static bool stderrIsTerminal();

private:
    void draw();

    std::shared_ptr<JobControl> m_control;
    bool m_showProgress;
    class ProgressMeter* m_meter = nullptr;
};

// The password of a profile from the OS keychain, when the profile keeps it there; asked on the
// terminal otherwise, and only when the server wants one and there is a person to ask.
class CliPassword
{
    Q_DECLARE_TR_FUNCTIONS(CliPassword)

public:
    static QString fromKeychain(const QString& profile);
    static QString askOnTerminal(const QString& prompt); // empty when there is no terminal
};

} // namespace coffre
