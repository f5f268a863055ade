#pragma once

#include "BackupSite.h"
#include "remote/SshDestination.h"

#include <QCoreApplication>

namespace coffre {

// The application runs on a server: every job is the server's coffre-cli, driven over ssh
// through its JSON protocol (RemoteCli). The server finds its own database password (its
// ~/.pgpass); one typed on this desktop is sent on the command's standard input, never in argv.
class ServerSite : public BackupSite
{
    Q_DECLARE_TR_FUNCTIONS(ServerSite)

public:
    explicit ServerSite(SshDestination server) : m_server(std::move(server)) {}

    bool supports(Feature feature) const override;
    QString placeName() const override { return m_server.displayName(); }
    QString watchedFolder() const override { return {}; }
    bool asksForPassword() const override { return false; }
    Result<RepositoryScan> scan() const override;
    QFuture<Result<Backup>> create(BackupRequest request, std::shared_ptr<JobControl> control) const override;
    QFuture<QString> previewRestore(RestoreRequest request, QString password) const override;
    QFuture<Result<RestoreOutcome>> restore(RestoreRequest request, std::shared_ptr<JobControl> control) const override;
    QFuture<Result<RestoreJournal>> undo(QString password, std::shared_ptr<JobControl> control) const override;
    QFuture<Result<bool>> remove(QStringList names, std::shared_ptr<JobControl> control) const override;
    QFuture<QString> recover(QString password) const override;
    QFuture<Result<ScheduleInstall>> setSchedule(Schedule schedule) const override;
    QFuture<Result<QList<AuditEntry>>> history() const override;
    std::shared_ptr<const BackupBrowser> browser(const Backup& backup) const override;
    QFuture<Result<Backup>> copyToDesktop(QString name, QString folder, std::shared_ptr<JobControl> control) const override;
    QFuture<Result<QString>> upload(Backup backup, std::shared_ptr<JobControl> control) const override;

    // The restore's command line: which parts, under which name; OUI is sent with it.
    static QStringList restoreArguments(const RestoreRequest& request);

private:
    SshDestination m_server;
};

} // namespace coffre
