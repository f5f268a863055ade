#pragma once

#include "catalog/Backup.h"
#include "profile/Profile.h"
#include "site/BackupSite.h"

#include <QObject>

#include <memory>

class QWidget;

namespace coffre {

class JobLauncher;

// Download… and Import… of the window, as the current profile's site allows: for this computer
// a .zip/.tar file out and in; for a server, a copy of its backup into a folder here and a
// backup folder of here sent there. Each is a job of the jobs panel.
class BackupTransfers : public QObject
{
    Q_OBJECT

public:
    BackupTransfers(JobLauncher* launcher, QWidget* dialogParent);
    void setProfile(const Profile& profile, std::shared_ptr<const BackupSite> site);

    void download(const Backup& backup); // asks where, then starts
    void chooseImport();                 // asks what, then starts
    void startExport(const Backup& backup, const QString& file, bool overwrite);
    void startCopyToDesktop(const QString& name, const QString& folder);
    void startUpload(const QString& folder);
    void startImport(const QString& file);

private:
    bool can(BackupSite::Feature feature) const { return m_site && m_site->supports(feature); }

    JobLauncher* m_launcher;
    QWidget* m_dialogParent;
    Profile m_profile;
    std::shared_ptr<const BackupSite> m_site;
};

} // namespace coffre
