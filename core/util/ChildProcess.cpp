#include "ChildProcess.h"

#include "jobs/JobControl.h"

#include <QFileInfo>
#include <QProcess>

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

namespace coffre {

namespace {
constexpr int PollMs = 100;       // how often a stop request is noticed
constexpr qint64 ReadChunk = 1 << 20;
} // namespace

Status ChildProcess::run(const QString& program, const QStringList& arguments, const QProcessEnvironment& environment,
                         const OutputSink& onOutput, JobControl& control, const StopCheck& stop)
{
    const QString name = QFileInfo(program).fileName();
    QProcess process;
    process.setProcessEnvironment(environment);
    process.setReadChannel(QProcess::StandardOutput);
    dieWithParent(process);
    QByteArray stderrText;
    control.log(QStringLiteral("$ %1 %2").arg(program, arguments.join(u' ')));
    process.start(program, arguments, QIODevice::ReadOnly);
    if (!process.waitForStarted(10000))
        return Error{tr("Could not start %1.").arg(name), process.errorString()};

    auto drainStderr = [&] {
        const QByteArray text = process.readAllStandardError();
        if (!text.isEmpty()) {
            stderrText += text;
            if (stderrText.size() > StderrKeptBytes)
                stderrText = stderrText.right(StderrKeptBytes);
            for (const QByteArray& line : text.split('\n')) {
                if (!line.trimmed().isEmpty())
                    control.log(name + QStringLiteral(": ") + QString::fromUtf8(line));
            }
        }
    };
    Status sinkStatus;
    bool stopped = false;
    while (true) {
        if (stop()) {
            stopped = true;
            break;
        }
        const bool finished = process.state() == QProcess::NotRunning;
        process.waitForReadyRead(finished ? 0 : PollMs);
        drainStderr();
        while (process.bytesAvailable() > 0) {
            const QByteArray chunk = process.read(ReadChunk);
            if (sinkStatus = onOutput(chunk); !sinkStatus)
                break;
        }
        if (!sinkStatus || (finished && process.bytesAvailable() == 0))
            break;
    }
    if (stopped || !sinkStatus) {
        process.kill();
        process.waitForFinished(5000);
        drainStderr();
        return stopped ? Status(Error{tr("Stopped."), {}, QStringLiteral("stopped")}) : sinkStatus;
    }
    process.waitForFinished(-1);
    drainStderr();
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        const QString tail = QString::fromUtf8(stderrText.right(2000)).trimmed();
        return Error{tr("%1 failed (exit status %2).").arg(name).arg(process.exitCode()), tail};
    }
    return {};
}

void ChildProcess::dieWithParent(QProcess& process, bool ownGroup)
{
    const pid_t parent = ::getpid();
    process.setChildProcessModifier([parent, ownGroup] {
        if (ownGroup)
            ::setpgid(0, 0);
        // SIGTERM, not SIGKILL: pg_restore --jobs and pg_dump --jobs then stop their worker
        // processes and cancel their queries on the server, which a SIGKILL would leave running.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) // the parent died before prctl: nobody would kill us later
            ::_exit(127);
    });
}

void ChildProcess::killGroup(QProcess& process, int graceMs)
{
    const qint64 pid = process.processId();
    if (pid <= 0)
        return;
    ::kill(-pid_t(pid), SIGTERM);
    if (!process.waitForFinished(graceMs)) {
        ::kill(-pid_t(pid), SIGKILL);
        process.waitForFinished(5000);
    }
    ::kill(-pid_t(pid), SIGKILL); // what the leader left behind when it exited on SIGTERM
}

} // namespace coffre
