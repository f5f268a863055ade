#pragma once

#include "postgres/PgConnection.h"
#include "profile/Profile.h"

#include <QDialog>
#include <QFutureWatcher>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QStackedWidget;
class QTableWidget;

namespace coffre {

class NotifySettingsWidget;
class OffsiteSettingsWidget;
class ServerSettingsWidget;

// Creates or edits one profile. "Test connection" runs on a worker thread and says the server
// version or, in plain words, why it failed. The password typed here is handed back to the
// caller (for the keychain or the session), never written into the profile.
// The application runs on this computer (database, folders, backups here) or on a server,
// whose coffre-cli holds those: then only the way there is kept (ServerSettingsWidget).
class ProfileDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ProfileDialog(const Profile& profile, bool isNew, QWidget* parent = nullptr);

    Profile profile() const;
    QString password() const;
    // The off-site access key's secret, when one was typed (for the keychain).
    QString offsiteSecret() const;
    bool rememberPassword() const;

    void accept() override;

public slots:
    void testConnection();

signals:
    void connectionTested(bool ok, const QString& message);

private:
    QWidget* createDatabasePage(const Profile& profile);
    QWidget* createSourcesPage(const Profile& profile);
    QWidget* createBackupsPage(const Profile& profile);
    bool isOnServer() const;
    void fillFromUrl();
    void addSourceRow(const SourceRoot& source);
    void chooseSourceFolder();
    void onConnectionTested();

    QLineEdit* m_name;
    QRadioButton* m_onThisComputer;
    QRadioButton* m_onServer;
    QStackedWidget* m_place; // the local tabs, or the server's settings
    ServerSettingsWidget* m_server;
    OffsiteSettingsWidget* m_offsite;
    NotifySettingsWidget* m_notify;
    QLineEdit* m_url;
    QLineEdit* m_host;
    QSpinBox* m_port;
    QLineEdit* m_dbname;
    QLineEdit* m_user;
    QComboBox* m_sslmode;
    QLineEdit* m_service;
    QLineEdit* m_password;
    QCheckBox* m_remember;
    QPushButton* m_testButton;
    QLabel* m_testResult;
    QTableWidget* m_sources;
    QPlainTextEdit* m_exclusions;
    QLineEdit* m_repository;
    QPlainTextEdit* m_postRestore;
    QLabel* m_error;
    QString m_conninfo; // kept as is: set by coffre-cli --db or by hand in the JSON file
    Profile m_original; // what the dialog does not edit is kept from it
    QFutureWatcher<Result<ServerInfo>> m_test;
};

} // namespace coffre
