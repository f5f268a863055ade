#include "RemoteCli.h"

#include "jobs/JobControl.h"
#include "util/ChildProcess.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QElapsedTimer>
#include <QProcess>

#include <optional>

#include <unistd.h>

namespace coffre {
namespace {

constexpr int PollMs = 100;
constexpr int CancelGraceMs = 30000; // a server-side cancel removes its staging: give it time

// Applies one progress event to the job the window or the terminal follows.
class ProgressRelay
{
public:
    explicit ProgressRelay(JobControl& control) : m_control(control) {}
    void apply(const QJsonObject& event)
    {
        const QString phase = event.value(QStringLiteral("phase")).toString();
        if (!phase.isEmpty() && phase != m_phase)
            m_control.setPhase(m_phase = phase);
        m_control.setBytesTotal(event.value(QStringLiteral("bytes_total")).toInteger());
        const qint64 done = event.value(QStringLiteral("bytes_done")).toInteger();
        if (done > m_done)
            m_control.addBytesDone(done - m_done);
        m_done = std::max(m_done, done);
        const qint64 files = event.value(QStringLiteral("files_found")).toInteger();
        if (files > m_files)
            m_control.addFilesFound(files - m_files);
        m_files = std::max(m_files, files);
    }

private:
    JobControl& m_control;
    QString m_phase;
    qint64 m_done = 0;
    qint64 m_files = 0;
};

Error protocolError(const SshDestination& server, const QString& detail)
{
    return Error{RemoteCli::tr("The server %1 answered something Coffre does not understand.").arg(server.displayName()), detail,
                 ErrorCode::ServerProtocol};
}

} // namespace

Error RemoteCli::describeFailure(const SshDestination& server, int exitCode, const QByteArray& stderrBytes)
{
    const QString text = QString::fromUtf8(stderrBytes).trimmed();
    const QString where = server.displayName();
    auto has = [&text](const char* words) { return text.contains(QLatin1String(words), Qt::CaseInsensitive); };
    if (exitCode == 127) // the server's shell did not find the program
        return Error{tr("coffre-cli is not installed on %1 (or not as “%2”). Install the coffre-cli package there, "
                        "or give its path in the server settings.")
                         .arg(where, server.remoteCli),
                     text, ErrorCode::ServerCliMissing};
    if (exitCode != 255)
        return Error{};
    if (has("REMOTE HOST IDENTIFICATION HAS CHANGED") || has("Host key for") || has("Offending"))
        return Error{tr("The host key of %1 has CHANGED since the last connection. This may be an attack, or a reinstalled "
                        "server: check with its administrator. Coffre refuses to connect; once verified, remove the old "
                        "key with: ssh-keygen -R %2")
                         .arg(where, server.host),
                     text, ErrorCode::HostKeyChanged};
    if (has("Host key verification failed") || (has("No ") && has("host key is known")))
        return Error{tr("The host key of %1 is not known yet: verify its fingerprint before connecting (in the window: Profile › "
                        "Edit profile… › Test connection; in a terminal: ssh %2 once).")
                         .arg(where, server.host),
                     text, ErrorCode::HostKeyUnknown};
    if (has("Permission denied") || has("Too many authentication failures") || has("no mutual signature"))
        return Error{tr("%1 refused the connection: the SSH key was not accepted. Check the user name and that your public "
                        "key is in the server's ~/.ssh/authorized_keys.")
                         .arg(where),
                     text, ErrorCode::AuthenticationRefused};
    return Error{tr("Cannot reach %1 over SSH: check the host name, the port and the network.").arg(where), text,
                 ErrorCode::HostUnreachable};
}

Result<QJsonValue> RemoteCli::run(const SshDestination& server, const QStringList& arguments, JobControl& control,
                                  RemoteStreams streams, const QString& password)
{
    QStringList remoteArguments = arguments;
    const bool sendPassword = !password.isEmpty() && streams.stdinFd < 0;
    if (sendPassword)
        remoteArguments << QStringLiteral("--password-stdin");
    if (streams.stdoutFd < 0)
        remoteArguments << QStringLiteral("--progress=json");
    if (streams.stdinFd < 0)
        remoteArguments << QStringLiteral("--cancel-on-eof");
    QProcess ssh;
    ssh.setProgram(QStringLiteral("ssh"));
    ssh.setArguments(server.commandLine(remoteArguments));
    ChildProcess::dieWithParent(ssh);
    if (streams.stdinFd >= 0 || streams.stdoutFd >= 0) {
        // After QProcess wired its pipes in the child: the backup's stream replaces one of them.
        const auto previous = ssh.childProcessModifier();
        ssh.setChildProcessModifier([previous, streams] {
            previous();
            if (streams.stdinFd >= 0)
                ::dup2(streams.stdinFd, STDIN_FILENO);
            if (streams.stdoutFd >= 0)
                ::dup2(streams.stdoutFd, STDOUT_FILENO);
        });
    }
    control.log(QStringLiteral("$ ssh %1 %2 %3").arg(server.displayName(), server.remoteCli, arguments.join(u' ')));
    ssh.start();
    const bool started = ssh.waitForStarted(10000);
    for (const int fd : {streams.stdinFd, streams.stdoutFd})
        if (fd >= 0)
            ::close(fd);
    if (!started)
        return Error{tr("Could not start ssh: is the OpenSSH client installed?"), ssh.errorString()};
    if (sendPassword)
        ssh.write(password.toUtf8() + '\n'); // the stdin stays open: its end is the cancel

    ProgressRelay relay(control);
    QByteArray pending, stderrText;
    std::optional<Result<QJsonValue>> answer;
    QElapsedTimer canceledFor;
    auto readLines = [&] {
        pending += ssh.readAllStandardOutput();
        qsizetype end;
        while ((end = pending.indexOf('\n')) >= 0) {
            const QByteArray line = pending.left(end).trimmed();
            pending.remove(0, end + 1);
            if (line.isEmpty())
                continue;
            const QJsonObject event = QJsonDocument::fromJson(line).object();
            const QString kind = event.value(QStringLiteral("event")).toString();
            if (kind == u"progress") {
                relay.apply(event);
            } else if (kind == u"result") {
                answer = Result<QJsonValue>(event.value(QStringLiteral("result")));
            } else if (kind == u"error") {
                const QJsonObject e = event.value(QStringLiteral("error")).toObject();
                answer = Result<QJsonValue>(Error{e.value(QStringLiteral("message")).toString(),
                                                  e.value(QStringLiteral("detail")).toString(),
                                                  e.value(QStringLiteral("code")).toString()});
            } else {
                answer = Result<QJsonValue>(protocolError(server, QString::fromUtf8(line.left(200))));
            }
        }
        const QByteArray errors = ssh.readAllStandardError();
        stderrText = (stderrText + errors).right(ChildProcess::StderrKeptBytes);
        for (const QByteArray& line : errors.split('\n'))
            if (!line.trimmed().isEmpty())
                control.log(QStringLiteral("%1: %2").arg(server.host, QString::fromUtf8(line)));
    };
    while (ssh.state() != QProcess::NotRunning) {
        ssh.waitForReadyRead(PollMs);
        readLines();
        if (control.isCanceled() && !canceledFor.isValid()) {
            canceledFor.start();
            ssh.closeWriteChannel(); // the server's coffre-cli cancels and cleans up
        }
        if (canceledFor.isValid() && canceledFor.elapsed() > CancelGraceMs) {
            ssh.kill();
            ssh.waitForFinished(5000);
        }
    }
    readLines();
    // What the server did wins over the cancel: a restore that finished as Cancel was pressed
    // has replaced the live data, and the window must say so (and offer Undo).
    if (answer)
        return *answer;
    if (control.isCanceled())
        return Error{tr("Canceled."), {}, ErrorCode::Canceled};
    const int exitCode = ssh.exitStatus() == QProcess::NormalExit ? ssh.exitCode() : -1;
    if (Error ssh = describeFailure(server, exitCode, stderrText); !ssh.code.isEmpty())
        return ssh;
    if (exitCode == 0 && streams.stdoutFd >= 0)
        return QJsonValue(); // the answer was the stream itself
    // The server's own words, e.g. "coffre-cli: There is no backup named …" on an export stream.
    const QString said = QString::fromUtf8(stderrText.right(2000)).trimmed();
    QString message = said.section(u'\n', -1);
    if (message.startsWith(QLatin1String("coffre-cli: ")))
        message = message.mid(12);
    if (message.isEmpty())
        message = tr("The command failed on %1 (exit status %2).").arg(server.displayName()).arg(exitCode);
    return Error{message, said.contains(u'\n') ? said : QString()};
}

Result<ServerCliInfo> RemoteCli::connect(const SshDestination& server)
{
    JobControl control;
    const Result<QJsonValue> answer = run(server, {QStringLiteral("version")}, control);
    if (!answer) {
        // A coffre-cli from before the protocol does not know `version`, or --progress: too old.
        if (answer.error().code == u"usage" || answer.error().code.isEmpty())
            return Error{tr("The coffre-cli on %1 is too old to be driven from this desktop (it needs protocol %2). "
                            "Update the coffre-cli package on the server.")
                             .arg(server.displayName())
                             .arg(OldestServerProtocol),
                         answer.error().toLogString(), ErrorCode::ServerCliIncompatible};
        return answer.error();
    }
    const QJsonObject o = answer->toObject();
    ServerCliInfo info{o.value(QStringLiteral("version")).toString(), o.value(QStringLiteral("protocol")).toInt()};
    const int oldestItSpeaks = o.value(QStringLiteral("oldest_protocol")).toInt(info.protocol);
    if (info.protocol < OldestServerProtocol || oldestItSpeaks > NewestServerProtocol)
        return Error{tr("The coffre-cli on %1 (version %2, protocol %3) does not speak this desktop's protocol (%4 to %5). "
                        "Install the same Coffre version on both.")
                         .arg(server.displayName(), info.version)
                         .arg(info.protocol)
                         .arg(OldestServerProtocol)
                         .arg(NewestServerProtocol),
                     {}, ErrorCode::ServerCliIncompatible};
    return info;
}

} // namespace coffre
