#pragma once

#include "Result.h"
#include "catalog/Backup.h"
#include "profile/Profile.h"

#include <QFutureWatcher>
#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace coffre {

// The profile dialog's "Off-site" tab: where off-site copies go (s3://bucket/folder on AWS,
// MinIO, R2…), with which access key, and whether each new backup is copied there; and the
// bucket of the application's uploaded documents. The secret typed here goes to the keychain
// (the caller's job), never into the profile. "Test" lists the bucket in the background.
class OffsiteSettingsWidget : public QWidget
{
    Q_OBJECT

public:
    explicit OffsiteSettingsWidget(const Profile& profile, QWidget* parent = nullptr);

    // Fills the off-site and documents fields of `profile`; fails with a sentence on a bad address.
    Status applyTo(Profile& profile) const;
    QString secret() const;

public slots:
    void test();

signals:
    void tested(bool ok, const QString& message);

private:
    QLineEdit* m_url;
    QLineEdit* m_endpoint;
    QLineEdit* m_region;
    QLineEdit* m_accessKey;
    QLineEdit* m_secret;
    QLineEdit* m_caFile;
    QCheckBox* m_copyAfterCreate;
    QLineEdit* m_documents;
    QPushButton* m_testButton;
    QLabel* m_testResult;
    QFutureWatcher<Result<QList<Backup>>> m_test;
    s3::S3Location m_originalDocuments;
};

} // namespace coffre
