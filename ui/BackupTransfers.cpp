#include "BackupTransfers.h"

#include "JobLauncher.h"
#include "catalog/Catalog.h"
#include "jobs/ExportJob.h"
#include "util/HumanSize.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QStandardPaths>

namespace coffre {

BackupTransfers::BackupTransfers(JobLauncher* launcher, QWidget* dialogParent)
    : QObject(dialogParent), m_launcher(launcher), m_dialogParent(dialogParent)
{
}

void BackupTransfers::setProfile(const Profile& profile, std::shared_ptr<const BackupSite> site)
{
    m_profile = profile;
    m_site = std::move(site);
}

void BackupTransfers::download(const Backup& selected)
{
    const Backup* backup = &selected;
    if (can(BackupSite::Feature::CopyToDesktop)) {
        const QString folder = QFileDialog::getExistingDirectory(
            m_dialogParent, tr("Download %1 from %2 into…").arg(backup->name, m_site->placeName()), QDir::homePath());
        if (!folder.isEmpty())
            startCopyToDesktop(backup->name, folder);
        return;
    }
    QString folder = QStandardPaths::writableLocation(QStandardPaths::DownloadLocation);
    if (folder.isEmpty() || !QFileInfo(folder).isDir())
        folder = QDir::homePath();
    const QString zip = tr("Zip archive (*.zip)"), tar = tr("Tar archive (*.tar)");
    QString chosenFilter = zip;
    QString file = QFileDialog::getSaveFileName(m_dialogParent, tr("Download %1").arg(backup->name),
                                                QDir(folder).filePath(backup->name + QStringLiteral(".zip")),
                                                zip + QStringLiteral(";;") + tar, &chosenFilter);
    if (file.isEmpty())
        return;
    // The save dialog asked before replacing the file it was given; a name we complete was not asked about.
    const bool asked = ExportJob::formatOf(file).has_value();
    if (!asked)
        file += chosenFilter == tar ? QStringLiteral(".tar") : QStringLiteral(".zip");
    startExport(*backup, file, asked);
}

void BackupTransfers::startExport(const Backup& backup, const QString& file, bool overwrite)
{
    if (!m_site)
        return;
    const ExportRequest request{backup, file, overwrite};
    m_launcher->launch<qint64>(
        tr("Download of %1").arg(backup.name), m_profile, false,
        [site = m_site, request](const QString&, std::shared_ptr<JobControl> control) { return site->exportToFile(request, control); },
        [request](const qint64& bytes) {
            return tr("%1 saved to %2 (%3); every checksum was verified.").arg(request.backup.name, request.destination, humanSize(bytes));
        });
}

void BackupTransfers::startCopyToDesktop(const QString& name, const QString& folder)
{
    if (!m_site)
        return;
    m_launcher->launch<Backup>(
        tr("Download of %1 from %2").arg(name, m_site->placeName()), m_profile, false,
        [site = m_site, name, folder](const QString&, std::shared_ptr<JobControl> control) {
            return site->copyToDesktop(name, folder, control);
        },
        [folder](const Backup& backup) {
            return tr("%1 copied into %2 (%3); every checksum was verified.").arg(backup.name, folder, humanSize(backup.sizeBytes));
        });
}

void BackupTransfers::chooseImport()
{
    if (can(BackupSite::Feature::UploadFromDesktop)) {
        const QString folder = QFileDialog::getExistingDirectory(
            m_dialogParent, tr("Upload a backup folder of this computer to %1").arg(m_site->placeName()), QDir::homePath());
        if (!folder.isEmpty())
            startUpload(folder);
        return;
    }
    const QString file = QFileDialog::getOpenFileName(m_dialogParent, tr("Import a backup"), QDir::homePath(),
                                                      tr("Coffre backups (*.zip *.tar)"));
    if (!file.isEmpty())
        startImport(file);
}

void BackupTransfers::startUpload(const QString& folder)
{
    if (!m_site)
        return;
    const QFileInfo info(folder);
    const Backup backup = Catalog::inspect(info.absolutePath(), info.fileName());
    if (Status complete = backup.checkComplete(); !complete) {
        QMessageBox::warning(m_dialogParent, tr("Upload"), tr("%1 is not a complete backup: %2").arg(folder, complete.error().message));
        return;
    }
    m_launcher->launch<QString>(
        tr("Upload of %1 to %2").arg(backup.name, m_site->placeName()), m_profile, false,
        [site = m_site, backup](const QString&, std::shared_ptr<JobControl> control) { return site->upload(backup, control); },
        [where = m_site->placeName()](const QString& name) {
            return tr("%1 uploaded to %2; the server checked every checksum.").arg(name, where);
        });
}

void BackupTransfers::startImport(const QString& file)
{
    if (!m_site)
        return;
    m_launcher->launch<Backup>(
        tr("Import of %1").arg(QFileInfo(file).fileName()), m_profile, false,
        [site = m_site, file](const QString&, std::shared_ptr<JobControl> control) { return site->importFile(file, control); },
        [](const Backup& backup) { return tr("%1 imported (%2); every checksum was verified.").arg(backup.name, humanSize(backup.sizeBytes)); });
}

} // namespace coffre
