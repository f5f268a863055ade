#pragma once

#include "jobs/BackupJob.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;

namespace coffre {

// "Create backup": an optional name and note, which parts to include, plain SQL yes or no.
class CreateDialog : public QDialog
{
    Q_OBJECT

public:
    CreateDialog(const Profile& profile, QWidget* parent = nullptr);
    // The request for BackupJob: the profile narrowed to the chosen parts. No password yet.
    BackupRequest request() const;
    void accept() override;

private:
    Profile m_profile;
    QLineEdit* m_name;
    QLineEdit* m_note;
    QCheckBox* m_database = nullptr;
    QList<QCheckBox*> m_sources;
    QCheckBox* m_plainSql;
    QCheckBox* m_gzip;
    QLabel* m_error;
};

} // namespace coffre
