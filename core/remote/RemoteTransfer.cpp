#include "RemoteTransfer.h"

#include "RemoteCli.h"
#include "audit/AuditLog.h"
#include "jobs/ExportJob.h"
#include "jobs/ImportJob.h"
#include "jobs/JobControl.h"
#include "util/Background.h"

#include <QFileInfo>
#include <QJsonObject>
#include <QThread>

#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

namespace coffre {
namespace {

// Both ends close-on-exec: no other child (a pg_dump of another job) may hold the pipe open,
// or its reader would never see the end of the stream.
struct Pipe
{
    int read = -1;
    int write = -1;
    Pipe()
    {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) == 0) {
            read = fds[0];
            write = fds[1];
            ::fcntl(write, F_SETPIPE_SZ, 1 << 20); // fewer wake-ups than 64 kB at a time; best effort
        }
    }
    ~Pipe()
    {
        closeRead();
        closeWrite();
    }
    bool ok() const { return read >= 0; }
    int releaseRead() { return std::exchange(read, -1); }
    int releaseWrite() { return std::exchange(write, -1); }
    void closeRead()
    {
        if (read >= 0)
            ::close(std::exchange(read, -1));
    }
    void closeWrite()
    {
        if (write >= 0)
            ::close(std::exchange(write, -1));
    }
};

// What the side that reads or writes the stream has done is what the person follows.
void relayProgress(const JobControl& from, JobControl& to, qint64& shown)
{
    to.setPhase(from.phase());
    to.setBytesTotal(from.bytesTotal());
    const qint64 done = from.bytesDone();
    to.addBytesDone(done - shown);
    shown = done;
}

// The first real failure: a side that only saw its stream cut says less than the other.
Error firstCause(const Error& local, const Error& remote)
{
    if (remote.code == ErrorCode::Canceled || local.code == ErrorCode::Canceled)
        return local.code == ErrorCode::Canceled ? local : remote;
    return remote.message.isEmpty() ? local : remote;
}

} // namespace

Result<Backup> RemoteTransfer::download(const SshDestination& server, const QString& name, const QString& repository,
                                        JobControl& control)
{
    AuditRecord audit(repository, AuditAction::Download, {}, name);
    const Result<Backup> copied = receive(server, name, repository, control);
    audit.finish(copied, copied ? copied->sizeBytes : 0, tr("from %1").arg(server.displayName()));
    return copied;
}

Result<QString> RemoteTransfer::upload(const SshDestination& server, const Backup& backup, JobControl& control)
{
    AuditRecord audit(QFileInfo(backup.path).absolutePath(), AuditAction::Upload, {}, backup.name);
    const Result<QString> sent = send(server, backup, control);
    audit.finish(sent, backup.sizeBytes, tr("to %1").arg(server.displayName()));
    return sent;
}

Result<Backup> RemoteTransfer::receive(const SshDestination& server, const QString& name, const QString& repository,
                                       JobControl& control)
{
    Pipe pipe;
    if (!pipe.ok())
        return Error{tr("Cannot open a pipe for the download."), QString::fromLocal8Bit(std::strerror(errno))};
    bool importFailedFirst = false; // then its reason is the one to give, not the server's broken pipe
    // The import reads while ssh writes; it is the one that decides, after every checksum.
    JobControl importControl;
    QFuture<Result<Backup>> importing = runInBackground([&repository, &pipe, &importControl] {
        return ImportJob::runFromStream(repository, pipe.read, importControl);
    });
    JobControl sshControl;
    const Result<QJsonValue> sent = [&] {
        // The import's progress is what the person sees; a cancel reaches both sides.
        QFuture<Result<QJsonValue>> ssh = runInBackground([&, writeEnd = pipe.releaseWrite()] {
            return RemoteCli::run(server, {QStringLiteral("export"), name, QStringLiteral("--to"), QStringLiteral("-")}, sshControl,
                                  {-1, writeEnd});
        });
        qint64 shown = 0;
        while (!ssh.isFinished() || !importing.isFinished()) {
            QThread::msleep(50);
            if (control.isCanceled()) {
                importControl.cancel();
                sshControl.cancel();
            }
            if (importing.isFinished() && !ssh.isFinished()) {
                importFailedFirst = !importing.result().ok();
                sshControl.cancel(); // the import is done or gave up: the server stops sending
                pipe.closeRead();
            }
            relayProgress(importControl, control, shown);
        }
        return ssh.result();
    }();
    const Result<Backup> imported = importing.result();
    for (const QString& line : importControl.logLines() + sshControl.logLines())
        control.log(line);
    if (imported)
        return imported; // every checksum matched and it is in the repository, whatever ssh said after
    if (control.isCanceled())
        return Error{tr("The download was canceled: nothing was added."), {}, ErrorCode::Canceled};
    if (importFailedFirst || sent)
        return imported.error();
    return firstCause(imported.error(), sent.error());
}

Result<QString> RemoteTransfer::send(const SshDestination& server, const Backup& backup, JobControl& control)
{
    Pipe pipe;
    if (!pipe.ok())
        return Error{tr("Cannot open a pipe for the upload."), QString::fromLocal8Bit(std::strerror(errno))};
    JobControl exportControl;
    QFuture<Result<qint64>> exporting = runInBackground([&backup, &pipe, &exportControl] {
        Result<qint64> written = ExportJob::runToStream(backup, pipe.write, exportControl);
        pipe.closeWrite(); // the end of the stream: the server's import finishes
        return written;
    });
    JobControl sshControl;
    QFuture<Result<QJsonValue>> ssh = runInBackground([&, readEnd = pipe.releaseRead()] {
        return RemoteCli::run(server, {QStringLiteral("import"), QStringLiteral("-")}, sshControl, {readEnd, -1});
    });
    qint64 shown = 0;
    while (!ssh.isFinished() || !exporting.isFinished()) {
        QThread::msleep(50);
        if (control.isCanceled()) {
            exportControl.cancel();
            sshControl.cancel();
        }
        if (ssh.isFinished() && !exporting.isFinished())
            exportControl.cancel(); // the server stopped reading
        relayProgress(exportControl, control, shown);
    }
    const Result<qint64> written = exporting.result();
    const Result<QJsonValue> answer = ssh.result();
    for (const QString& line : exportControl.logLines() + sshControl.logLines())
        control.log(line);
    if (written && answer) // the server has it, even if Cancel came at the very end
        return answer->toObject().value(QStringLiteral("name")).toString();
    if (control.isCanceled())
        return Error{tr("The upload was canceled: nothing was added on %1.").arg(server.displayName()), {}, ErrorCode::Canceled};
    return firstCause(written ? Error{} : written.error(), answer ? Error{} : answer.error());
}

} // namespace coffre
