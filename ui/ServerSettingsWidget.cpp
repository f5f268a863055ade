#include "ServerSettingsWidget.h"

#include "profile/ProfileStore.h"
#include "remote/RemoteCli.h"
#include "util/Background.h"

#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace coffre {
namespace {

Result<QString> connectedVersion(const SshDestination& server)
{
    const Result<ServerCliInfo> info = RemoteCli::connect(server);
    return info ? Result<QString>(info->version) : Result<QString>(info.error());
}

} // namespace

ServerSettingsWidget::ServerSettingsWidget(const SshDestination& server, QWidget* parent)
    : QWidget(parent), m_configFile(server.configFile)
{
    m_host = new QLineEdit(server.host);
    m_host->setObjectName(QStringLiteral("sshHostEdit"));
    m_host->setPlaceholderText(tr("user@host, or a Host of ~/.ssh/config"));
    m_port = new QSpinBox;
    m_port->setObjectName(QStringLiteral("sshPortSpin"));
    m_port->setRange(0, 65535);
    m_port->setSpecialValueText(tr("default (22, or as in ~/.ssh/config)"));
    m_port->setValue(server.port);
    m_identityFile = new QLineEdit(server.identityFile);
    m_identityFile->setObjectName(QStringLiteral("sshKeyEdit"));
    m_identityFile->setPlaceholderText(tr("optional: ssh's own choice (agent, ~/.ssh/config)"));
    auto* browse = new QPushButton(tr("Choose a &file…"));
    browse->setObjectName(QStringLiteral("sshKeyBrowseButton"));
    connect(browse, &QPushButton::clicked, this, &ServerSettingsWidget::chooseIdentityFile);
    m_remoteProfile = new QLineEdit(server.remoteProfile);
    m_remoteProfile->setObjectName(QStringLiteral("remoteProfileEdit"));
    m_remoteProfile->setPlaceholderText(tr("optional: the only profile there"));
    m_remoteCli = new QLineEdit(server.remoteCli);
    m_remoteCli->setObjectName(QStringLiteral("remoteCliEdit"));
    m_remoteCli->setPlaceholderText(QStringLiteral("coffre-cli"));
    m_testButton = new QPushButton(tr("&Test connection"));
    m_testButton->setObjectName(QStringLiteral("testServerButton"));
    connect(m_testButton, &QPushButton::clicked, this, &ServerSettingsWidget::testConnection);
    m_testResult = new QLabel;
    m_testResult->setObjectName(QStringLiteral("serverTestResultLabel"));
    m_testResult->setWordWrap(true);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* keyRow = new QHBoxLayout;
    keyRow->addWidget(m_identityFile);
    keyRow->addWidget(browse);
    auto* keyLabel = new QLabel(tr("SSH &key file:"));
    keyLabel->setBuddy(m_identityFile); // a row holding a layout gets no buddy: the '&' would show as is
    auto* box = new QGroupBox(tr("The server"));
    auto* form = new QFormLayout(box);
    form->addRow(tr("SSH &destination:"), m_host);
    form->addRow(tr("SSH p&ort:"), m_port);
    form->addRow(keyLabel, keyRow);
    form->addRow(tr("Profile on the ser&ver:"), m_remoteProfile);
    form->addRow(tr("coffre-cli &path on the server:"), m_remoteCli);
    form->addRow(m_testButton, m_testResult);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins({});
    layout->addWidget(box);
    layout->addStretch();
    connect(&m_connect, &QFutureWatcherBase::finished, this, &ServerSettingsWidget::onConnected);
    connect(&m_scan, &QFutureWatcherBase::finished, this, &ServerSettingsWidget::onScanned);
}

SshDestination ServerSettingsWidget::destination() const
{
    SshDestination server;
    server.host = m_host->text().trimmed();
    server.port = m_port->value();
    server.identityFile = m_identityFile->text().trimmed();
    server.configFile = m_configFile;
    server.remoteCli = m_remoteCli->text().trimmed();
    if (server.remoteCli.isEmpty()) // the placeholder says so
        server.remoteCli = QStringLiteral("coffre-cli");
    server.remoteProfile = m_remoteProfile->text().trimmed();
    return server;
}

void ServerSettingsWidget::chooseIdentityFile()
{
    const QString start =
        m_identityFile->text().isEmpty() ? QDir::home().filePath(QStringLiteral(".ssh")) : m_identityFile->text();
    const QString file = QFileDialog::getOpenFileName(this, tr("SSH key file"), start);
    if (!file.isEmpty())
        m_identityFile->setText(file);
}

void ServerSettingsWidget::testConnection()
{
    if (m_connect.isRunning() || m_scan.isRunning())
        return;
    const SshDestination server = destination();
    if (server.isEmpty()) {
        showResult(false, tr("Give the SSH destination first."));
        return;
    }
    if (const Status valid = ProfileStore::validateServer(server); !valid) {
        showResult(false, valid.error().message);
        return;
    }
    m_justTrusted = false;
    m_testButton->setEnabled(false);
    m_testResult->setStyleSheet({});
    m_testResult->setToolTip({});
    m_testResult->setText(tr("Connecting to %1…").arg(server.displayName()));
    m_connect.setFuture(runInBackground([server] { return connectedVersion(server); }));
}

void ServerSettingsWidget::onConnected()
{
    const Result<QString> result = m_connect.result();
    const SshDestination server = destination();
    if (result) {
        showResult(true, tr("Connected: coffre-cli %1 on %2.").arg(*result, server.displayName()));
        return;
    }
    // A first meeting: show the key and ask. A changed key is never offered (RemoteCli's message says why).
    if (result.error().code == ErrorCode::HostKeyUnknown && !m_justTrusted) {
        m_testResult->setText(tr("Reading the host key of %1…").arg(server.displayName()));
        m_scan.setFuture(runInBackground([server] { return HostKeys::scan(server); }));
        return;
    }
    showResult(false, result.error().message, result.error().detail);
}

void ServerSettingsWidget::onScanned()
{
    const Result<HostKeyScan> scan = m_scan.result();
    if (!scan) {
        showResult(false, scan.error().message, scan.error().detail);
        return;
    }
    if (!askToTrust(*scan)) {
        showResult(false, tr("Not connected: the host key of %1 was not trusted.").arg(destination().displayName()));
        return;
    }
    m_justTrusted = true;
    m_testResult->setText(tr("Connecting to %1…").arg(destination().displayName()));
    const SshDestination server = destination();
    const QList<HostKey> keys = scan->keys;
    m_connect.setFuture(runInBackground([server, keys]() -> Result<QString> {
        if (const Status trusted = HostKeys::trust(server, keys); !trusted)
            return trusted.error();
        return connectedVersion(server);
    }));
}

bool ServerSettingsWidget::askToTrust(const HostKeyScan& scan)
{
    QStringList fingerprints;
    for (const HostKey& key : scan.keys)
        fingerprints << key.fingerprintSentence();
    // Rich text: a fingerprint or a command must not wrap, as it is read character by character.
    const QString place = tr("The authenticity of %1 (%2) cannot be established yet.")
                              .arg(destination().displayName(), scan.place.knownHostsName());
    QMessageBox box(QMessageBox::Question, tr("Unknown server"), place.toHtmlEscaped(),
                    QMessageBox::Yes | QMessageBox::No, this);
    box.setObjectName(QStringLiteral("trustHostBox"));
    box.setTextFormat(Qt::RichText);
    const QString pre = QStringLiteral("<p style=\"white-space:pre\">%1</p>");
    box.setInformativeText(pre.arg(fingerprints.join(u'\n').toHtmlEscaped()) +
                           QStringLiteral("<p>%1</p>")
                               .arg(tr("Compare with the fingerprint the server's administrator gives you, or with "
                                       "what this prints on the server:")) +
                           pre.arg(QStringLiteral("<code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code>")) +
                           QStringLiteral("<p>%1</p>").arg(tr("Trust this server?")));
    box.setDefaultButton(QMessageBox::No); // trusting is a decision, never a reflex
    return box.exec() == QMessageBox::Yes;
}

void ServerSettingsWidget::showResult(bool ok, const QString& message, const QString& detail)
{
    m_testButton->setEnabled(true);
    m_testResult->setStyleSheet(ok ? QStringLiteral("color: #2e7d32;") : QStringLiteral("color: #c62828;"));
    m_testResult->setToolTip(detail);
    m_testResult->setText(message);
    emit connectionTested(ok, message);
}

} // namespace coffre
