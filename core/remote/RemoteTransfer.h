#pragma once

#include "Result.h"
#include "SshDestination.h"
#include "catalog/Backup.h"

#include <QCoreApplication>

namespace coffre {

class JobControl;

// Copies backups between this computer and a server, as one .tar stream through ssh
// (`export NAME --to -` on one side, `import -` on the other): nothing is staged in a temporary
// file, and the receiving side checks every checksum before the backup appears in its list.
// Blocking: for a worker thread.
class RemoteTransfer
{
    Q_DECLARE_TR_FUNCTIONS(RemoteTransfer)

public:
    // The server's backup `name` into the local folder `repository`.
    static Result<Backup> download(const SshDestination& server, const QString& name, const QString& repository,
                                   JobControl& control);
    // A local backup into the server profile's repository; returns its name there.
    static Result<QString> upload(const SshDestination& server, const Backup& backup, JobControl& control);

private:
    static Result<Backup> receive(const SshDestination& server, const QString& name, const QString& repository, JobControl& control);
    static Result<QString> send(const SshDestination& server, const Backup& backup, JobControl& control);
};

} // namespace coffre
