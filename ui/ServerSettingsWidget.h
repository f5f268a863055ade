#pragma once

#include "Result.h"
#include "remote/HostKeys.h"

#include <QFutureWatcher>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace coffre {

// The "A server, over SSH" part of the profile dialog: where the server's coffre-cli is reached,
// and "Test connection", which runs in the background and, for a server met for the first time,
// shows its host key fingerprints and asks before trusting them.
class ServerSettingsWidget : public QWidget
{
    Q_OBJECT

public:
    explicit ServerSettingsWidget(const SshDestination& server, QWidget* parent = nullptr);

    SshDestination destination() const;

public slots:
    void testConnection();

signals:
    void connectionTested(bool ok, const QString& message);

private:
    bool askToTrust(const HostKeyScan& scan);
    void chooseIdentityFile();
    void onConnected();
    void onScanned();
    void showResult(bool ok, const QString& message, const QString& detail = {});

    QLineEdit* m_host;
    QSpinBox* m_port;
    QLineEdit* m_identityFile;
    QLineEdit* m_remoteProfile;
    QLineEdit* m_remoteCli;
    QPushButton* m_testButton;
    QLabel* m_testResult;
    QString m_configFile;       // kept as is: set by coffre-cli --ssh-config or by hand in the JSON file
    bool m_justTrusted = false; // a second "unknown key" right after trusting one is an error, not a question
    // The server's coffre-cli version.
    QFutureWatcher<Result<QString>> m_connect;
    QFutureWatcher<Result<HostKeyScan>> m_scan;
};

} // namespace coffre
