#pragma once

#include "Result.h"
#include "SshDestination.h"

#include <QCoreApplication>
#include <QList>

namespace coffre {

// One key a server offered, as ssh-keyscan printed it.
struct HostKey
{
    QString line;        // "[127.0.0.1]:2222 ssh-ed25519 AAAA…": a known_hosts line
    QString type;        // "ED25519", as ssh names it in its question
    QString fingerprint; // "SHA256:…"

    // What ssh itself says before asking: "ED25519 key fingerprint is SHA256:…".
    QString fingerprintSentence() const;
};

// Where ssh looks for a destination: the real host name and port (after ~/.ssh/config) and
// the known_hosts file it reads and trusts.
struct HostKeyPlace
{
    QString host;        // the HostKeyAlias when there is one: ssh checks the key under that name
    bool isAlias = false; // then the name is written bare, whatever the port (ssh looks it up so)
    QString scannedHost; // the HostName ssh connects to
    int port = 22;
    QString knownHostsFile; // the first UserKnownHostsFile

    // "web1", or "[web1]:2222": how known_hosts names the host.
    QString knownHostsName() const;
};

struct HostKeyScan
{
    HostKeyPlace place;
    QList<HostKey> keys;
};

// Trust on first use, but never silently: scan() fetches a server's host keys and their
// fingerprints for the person to check, trust() writes exactly those keys into known_hosts
// once they said yes. ssh then connects in batch mode as usual. Blocking: for a worker thread.
class HostKeys
{
    Q_DECLARE_TR_FUNCTIONS(HostKeys)

public:
    static Result<HostKeyPlace> resolve(const SshDestination& destination);
    static Result<HostKeyScan> scan(const SshDestination& destination);
    // Appends the keys of `keys` (their type and key fields) under the destination's
    // known_hosts name to its known_hosts file, creating its folder (0700) when missing.
    static Status trust(const SshDestination& destination, const QList<HostKey>& keys);
};

} // namespace coffre
