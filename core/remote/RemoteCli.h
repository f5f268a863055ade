#pragma once

#include "Result.h"
#include "SshDestination.h"

#include <QCoreApplication>
#include <QJsonValue>

#include <functional>

namespace coffre {

class JobControl;

// The protocol versions of a server's coffre-cli this desktop can drive (app/cli/CliOutput.h).
inline constexpr int OldestServerProtocol = 1;
inline constexpr int NewestServerProtocol = 1;

// What `coffre-cli version --json` says on the server.
struct ServerCliInfo
{
    QString version;
    int protocol = 0;
};

// How the remote command's standard streams are wired when they carry a backup (.tar):
// -1 keeps the protocol's pipes; otherwise the descriptor given to ssh's stdin or stdout.
// run() owns them: it closes its copies once ssh has them, so that the other end of each
// pipe sees the stream end when ssh does.
struct RemoteStreams
{
    int stdinFd = -1;
    int stdoutFd = -1;
};

// Runs one coffre-cli command on a server over ssh and speaks its JSON lines protocol
// (docs/PROTOCOL.md): progress events go into the JobControl, the result or error event is the
// answer. Blocking: for a worker thread. Cancel closes the command's standard input, which
// the server's coffre-cli (--cancel-on-eof) takes as a clean cancel; ssh is killed only if
// the server does not answer in time.
class RemoteCli
{
    Q_DECLARE_TR_FUNCTIONS(RemoteCli)

public:
    // A `password` (the database's, typed on this desktop) goes on the command's standard input.
    static Result<QJsonValue> run(const SshDestination& server, const QStringList& arguments, JobControl& control,
                                  RemoteStreams streams = {}, const QString& password = {});
    // Connects (or reuses the shared connection) and checks the protocol version.
    static Result<ServerCliInfo> connect(const SshDestination& server);

    // ssh's exit status 255 and its stderr, in plain words (unreachable, refused key, unknown or
    // changed host key), or a missing coffre-cli (127). Empty code: not an ssh failure.
    static Error describeFailure(const SshDestination& server, int exitCode, const QByteArray& stderrText);
};

namespace ErrorCode {
inline const QString HostUnreachable = QStringLiteral("host-unreachable");
inline const QString AuthenticationRefused = QStringLiteral("authentication-refused");
inline const QString HostKeyUnknown = QStringLiteral("host-key-unknown");
inline const QString HostKeyChanged = QStringLiteral("host-key-changed");
inline const QString ServerCliMissing = QStringLiteral("server-cli-missing");
inline const QString ServerCliIncompatible = QStringLiteral("server-cli-incompatible");
inline const QString ServerProtocol = QStringLiteral("server-protocol");
} // namespace ErrorCode

} // namespace coffre
