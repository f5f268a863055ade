#pragma once

#include <QString>
#include <QStringList>

namespace coffre {

// Where a server's coffre-cli is reached: through the user's own OpenSSH client, so that their
// keys, agent, ~/.ssh/config (Host aliases, ProxyJump) and known_hosts all apply. Nothing of
// Coffre listens on the server.
struct SshDestination
{
    QString host;            // "deploy@web1", or a Host alias of ~/.ssh/config
    int port = 0;            // 0: ssh's own choice (config, then 22)
    QString identityFile;    // empty: ssh's own choice (agent, config, default keys)
    QString configFile;      // empty: ~/.ssh/config; else passed as `ssh -F`
    QString remoteCli = QStringLiteral("coffre-cli"); // the program on the server
    QString remoteProfile;   // the profile on the server; empty: its only one

    bool isEmpty() const { return host.isEmpty(); }
    bool operator==(const SshDestination&) const = default;

    // ssh's options, without the destination: batch mode (never a prompt that nobody sees),
    // one shared connection per server (ControlMaster), a bounded connect time.
    QStringList sshOptions() const;
    // The whole `ssh` argument list that runs `coffre-cli [--profile P] ARGS` on the server.
    QStringList commandLine(const QStringList& cliArguments) const;
    // For messages: "deploy@web1:2222".
    QString displayName() const;

    // One word for a POSIX shell: ssh hands the server's shell a single string.
    static QString shellQuote(const QString& word);
    // The folder of the shared connections' sockets, private to the user; empty when it cannot
    // be made safe (then each request opens its own connection).
    static QString controlFolder();
};

} // namespace coffre
