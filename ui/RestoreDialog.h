#pragma once

#include "jobs/RestoreJob.h"
#include "site/BackupSite.h"

#include <QDialog>
#include <QFutureWatcher>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace coffre {

// "Restore…": which parts, where to, exactly what will be replaced (database size and open
// sessions, each folder and its size, measured on a worker), and the word OUI typed by hand
// before the Restore button wakes up (seed 000's confirmation).
class RestoreDialog : public QDialog
{
    Q_OBJECT

public:
    // `profile` as the site's jobs see it (a server's own, for a server profile).
    RestoreDialog(std::shared_ptr<const BackupSite> site, const Profile& profile, const Backup& backup, const QString& password,
                  QWidget* parent = nullptr);
    RestoreRequest request() const; // without the password
    bool isSummaryLoaded() const { return m_summaryLoaded; }

signals:
    void summaryLoaded();

private:
    void updateState();
    void loadSummary();

    std::shared_ptr<const BackupSite> m_site;
    Profile m_profile;
    Backup m_backup;
    QString m_password;
    QCheckBox* m_database = nullptr;
    QList<QPair<QCheckBox*, QString>> m_sources;
    QCheckBox* m_asDatabase = nullptr;
    QCheckBox* m_bucket = nullptr;         // the documents bucket, when the backup and the profile have one
    QCheckBox* m_removeNewObjects = nullptr;
    QLineEdit* m_asDatabaseName = nullptr;
    QLabel* m_summary;
    QLabel* m_warning; // what the restore replaces and ends
    QLineEdit* m_confirm;
    QPushButton* m_restore;
    QFutureWatcher<QString> m_summaryWatcher;
    bool m_summaryLoaded = false;
};

} // namespace coffre
