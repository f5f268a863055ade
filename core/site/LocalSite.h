#pragma once

#include "BackupSite.h"

#include <QCoreApplication>

namespace coffre {

// The profile's database, folders and repository are reachable from this computer.
class LocalSite : public BackupSite
{
    Q_DECLARE_TR_FUNCTIONS(LocalSite)

public:
    explicit LocalSite(Profile profile) : m_profile(std::move(profile)) {}

    bool supports(Feature feature) const override;
    QString placeName() const override;
    QString watchedFolder() const override { return m_profile.repository; }
    bool asksForPassword() const override { return true; }
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
    QFuture<Result<qint64>> exportToFile(ExportRequest request, std::shared_ptr<JobControl> control) const override;
    QFuture<Result<Backup>> importFile(QString file, std::shared_ptr<JobControl> control) const override;

private:
    Profile m_profile;
};

} // namespace coffre
