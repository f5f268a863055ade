#include "ProfileDialog.h"

#include "ProfileQuestions.h"
#include "NotifySettingsWidget.h"
#include "OffsiteSettingsWidget.h"
#include "ServerSettingsWidget.h"
#include "postgres/ConnectionTester.h"
#include "profile/DatabaseUrl.h"
#include "profile/ProfileStore.h"
#include "util/HumanSize.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace coffre {
namespace {

QStringList nonEmptyLines(const QPlainTextEdit* edit)
{
    QStringList lines;
    for (const QString& line : edit->toPlainText().split(u'\n')) {
        if (!line.trimmed().isEmpty())
            lines << line.trimmed();
    }
    return lines;
}

} // namespace

ProfileDialog::ProfileDialog(const Profile& profile, bool isNew, QWidget* parent)
    : QDialog(parent), m_conninfo(profile.database.conninfo), m_original(profile)
{
    setWindowTitle(isNew ? tr("New profile") : tr("Edit profile “%1”").arg(profile.name));
    m_name = new QLineEdit(profile.name);
    m_name->setObjectName(QStringLiteral("nameEdit"));
    m_name->setReadOnly(!isNew);
    m_name->setPlaceholderText(tr("e.g. shop-production"));

    auto* tabs = new QTabWidget;
    tabs->addTab(createDatabasePage(profile), tr("&Database"));
    tabs->addTab(createSourcesPage(profile), tr("S&ource folders"));
    tabs->addTab(createBackupsPage(profile), tr("&Backups"));
    m_offsite = new OffsiteSettingsWidget(profile);
    tabs->addTab(m_offsite, tr("Off-s&ite"));
    m_notify = new NotifySettingsWidget(profile.name, profile.notify);
    tabs->addTab(m_notify, tr("&Notifications"));

    m_onThisComputer = new QRadioButton(tr("This &computer"));
    m_onThisComputer->setObjectName(QStringLiteral("onThisComputerRadio"));
    m_onServer = new QRadioButton(tr("A s&erver, over SSH"));
    m_onServer->setObjectName(QStringLiteral("onServerRadio"));
    (profile.isOnServer() ? m_onServer : m_onThisComputer)->setChecked(true);
    m_server = new ServerSettingsWidget(profile.server);
    m_place = new QStackedWidget;
    m_place->addWidget(tabs);
    m_place->addWidget(m_server);
    m_place->setCurrentWidget(profile.isOnServer() ? static_cast<QWidget*>(m_server) : tabs);
    connect(m_onServer, &QRadioButton::toggled, this, [this, tabs](bool onServer) {
        m_place->setCurrentWidget(onServer ? static_cast<QWidget*>(m_server) : tabs);
        m_error->clear();
    });
    auto* placeRow = new QHBoxLayout;
    placeRow->addWidget(m_onThisComputer);
    placeRow->addWidget(m_onServer);
    placeRow->addStretch();

    m_error = new QLabel;
    m_error->setObjectName(QStringLiteral("errorLabel"));
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->setWordWrap(true);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &ProfileDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ProfileDialog::reject);

    auto* nameRow = new QFormLayout;
    nameRow->addRow(tr("Profile &name:"), m_name);
    nameRow->addRow(tr("The application runs on:"), placeRow);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(nameRow);
    layout->addWidget(m_place);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    connect(&m_test, &QFutureWatcherBase::finished, this, &ProfileDialog::onConnectionTested);
    resize(640, 520);
}

QWidget* ProfileDialog::createDatabasePage(const Profile& profile)
{
    const DatabaseTarget& db = profile.database;
    m_host = new QLineEdit(db.host);
    m_host->setObjectName(QStringLiteral("hostEdit"));
    m_host->setPlaceholderText(tr("localhost, a server name, or a socket folder"));
    m_port = new QSpinBox;
    m_port->setObjectName(QStringLiteral("portSpin"));
    m_port->setRange(0, 65535);
    m_port->setSpecialValueText(tr("default (5432)"));
    m_port->setValue(db.port);
    m_dbname = new QLineEdit(db.dbname);
    m_dbname->setObjectName(QStringLiteral("dbnameEdit"));
    m_user = new QLineEdit(db.user);
    m_user->setObjectName(QStringLiteral("userEdit"));
    m_sslmode = new QComboBox;
    m_sslmode->addItem(tr("default"), QString());
    for (const char* mode : {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})
        m_sslmode->addItem(QLatin1String(mode), QLatin1String(mode));
    m_sslmode->setCurrentIndex(qMax(0, m_sslmode->findData(db.sslmode)));
    m_service = new QLineEdit(db.service);
    m_service->setPlaceholderText(tr("optional: a section of pg_service.conf"));
    m_password = new QLineEdit;
    m_password->setObjectName(QStringLiteral("passwordEdit"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(profile.passwordInKeychain ? tr("kept in the system keychain")
                                                              : tr("empty: use ~/.pgpass"));
    m_remember = new QCheckBox(tr("Remember in the system &keychain"));
    m_remember->setChecked(profile.passwordInKeychain);
    m_testButton = new QPushButton(tr("&Test connection"));
    m_testButton->setObjectName(QStringLiteral("testConnectionButton"));
    connect(m_testButton, &QPushButton::clicked, this, &ProfileDialog::testConnection);
    m_testResult = new QLabel;
    m_testResult->setObjectName(QStringLiteral("testResultLabel"));
    m_testResult->setWordWrap(true);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_url = new QLineEdit;
    m_url->setObjectName(QStringLiteral("urlEdit"));
    m_url->setPlaceholderText(tr("optional: paste postgresql://user:password@host:5432/database"));
    auto* fill = new QPushButton(tr("Fill &in"));
    fill->setObjectName(QStringLiteral("fillFromUrlButton"));
    connect(fill, &QPushButton::clicked, this, &ProfileDialog::fillFromUrl);
    connect(m_url, &QLineEdit::returnPressed, this, &ProfileDialog::fillFromUrl);
    auto* urlRow = new QHBoxLayout;
    urlRow->addWidget(m_url);
    urlRow->addWidget(fill);

    auto* page = new QWidget;
    auto* form = new QFormLayout(page);
    auto* urlLabel = new QLabel(tr("DATABASE_U&RL:"));
    urlLabel->setBuddy(m_url); // a row holding a layout gets no buddy: the '&' would show as is
    form->addRow(urlLabel, urlRow);
    form->addRow(tr("&Host:"), m_host);
    form->addRow(tr("&Port:"), m_port);
    form->addRow(tr("Dat&abase:"), m_dbname);
    form->addRow(tr("&User:"), m_user);
    form->addRow(tr("SS&L mode:"), m_sslmode);
    form->addRow(tr("Ser&vice:"), m_service);
    form->addRow(tr("Pass&word:"), m_password);
    form->addRow(QString(), m_remember);
    form->addRow(m_testButton, m_testResult);
    return page;
}

// A pasted URL replaces the connection fields; its password goes to the password field, which
// the window hands to the session or the keychain, and the URL field is emptied.
void ProfileDialog::fillFromUrl()
{
    const Result<DatabaseUrl> url = DatabaseUrl::parse(m_url->text());
    if (!url) {
        m_error->setText(url.error().message);
        return;
    }
    m_error->clear();
    m_host->setText(url->host);
    m_port->setValue(url->port);
    m_user->setText(url->user);
    m_dbname->setText(url->dbname);
    m_sslmode->setCurrentIndex(qMax(0, m_sslmode->findData(url->sslmode)));
    if (!url->password.isEmpty())
        m_password->setText(url->password);
    m_url->clear();
}

QWidget* ProfileDialog::createSourcesPage(const Profile& profile)
{
    m_sources = new QTableWidget(0, 2);
    m_sources->setObjectName(QStringLiteral("sourcesTable"));
    m_sources->setHorizontalHeaderLabels({tr("Label"), tr("Folder")});
    m_sources->horizontalHeader()->setStretchLastSection(true);
    m_sources->verticalHeader()->hide();
    for (const SourceRoot& source : profile.sources)
        addSourceRow(source);
    auto* add = new QPushButton(tr("&Add folder…"));
    auto* remove = new QPushButton(tr("&Remove"));
    connect(add, &QPushButton::clicked, this, &ProfileDialog::chooseSourceFolder);
    connect(remove, &QPushButton::clicked, this, [this] { m_sources->removeRow(m_sources->currentRow()); });
    m_exclusions = new QPlainTextEdit(profile.exclusions.join(u'\n'));
    m_exclusions->setObjectName(QStringLiteral("exclusionsEdit"));

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch();
    auto* page = new QWidget;
    auto* layout = new QVBoxLayout(page);
    layout->addWidget(m_sources);
    layout->addLayout(buttons);
    layout->addWidget(new QLabel(tr("Left out of every backup (one name or pattern per line):")));
    layout->addWidget(m_exclusions);
    return page;
}

QWidget* ProfileDialog::createBackupsPage(const Profile& profile)
{
    m_repository = new QLineEdit(profile.repository);
    m_repository->setObjectName(QStringLiteral("repositoryEdit"));
    auto* browse = new QPushButton(tr("Bro&wse…"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Backup folder"), m_repository->text());
        if (!dir.isEmpty())
            m_repository->setText(dir);
    });
    m_postRestore = new QPlainTextEdit(profile.postRestoreCommands.join(u'\n'));
    m_postRestore->setPlaceholderText(QStringLiteral("npm install\nnpx prisma generate"));

    auto* repositoryRow = new QHBoxLayout;
    repositoryRow->addWidget(m_repository);
    repositoryRow->addWidget(browse);
    auto* page = new QWidget;
    auto* form = new QFormLayout(page);
    auto* repositoryLabel = new QLabel(tr("Backup &folder:"));
    repositoryLabel->setObjectName(QStringLiteral("repositoryLabel"));
    repositoryLabel->setBuddy(m_repository); // a row holding a layout gets no buddy: the '&' would show as is
    form->addRow(repositoryLabel, repositoryRow);
    form->addRow(tr("After a restore, &run:"), m_postRestore);
    return page;
}

void ProfileDialog::addSourceRow(const SourceRoot& source)
{
    const int row = m_sources->rowCount();
    m_sources->insertRow(row);
    m_sources->setItem(row, 0, new QTableWidgetItem(source.label));
    m_sources->setItem(row, 1, new QTableWidgetItem(source.path));
}

void ProfileDialog::chooseSourceFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Source folder"), QDir::homePath());
    if (!dir.isEmpty())
        addSourceRow({QFileInfo(dir).fileName(), dir});
}

bool ProfileDialog::isOnServer() const
{
    return m_onServer->isChecked();
}

Profile ProfileDialog::profile() const
{
    Profile p;
    p.name = m_name->text().trimmed();
    if (isOnServer()) { // the server's coffre-cli holds the rest
        p.server = m_server->destination();
        p.exclusions.clear();
        return p;
    }
    p.database.conninfo = m_conninfo;
    p.database.host = m_host->text().trimmed();
    p.database.port = m_port->value();
    p.database.dbname = m_dbname->text().trimmed();
    p.database.user = m_user->text().trimmed();
    p.database.sslmode = m_sslmode->currentData().toString();
    p.database.service = m_service->text().trimmed();
    for (int row = 0; row < m_sources->rowCount(); ++row) {
        auto text = [this, row](int column) {
            const QTableWidgetItem* item = m_sources->item(row, column);
            return item ? item->text().trimmed() : QString();
        };
        if (!text(0).isEmpty() || !text(1).isEmpty())
            p.sources.append({text(0), text(1)});
    }
    p.exclusions = nonEmptyLines(m_exclusions);
    p.repository = m_repository->text().trimmed();
    p.postRestoreCommands = nonEmptyLines(m_postRestore);
    p.passwordInKeychain = m_remember->isChecked();
    m_offsite->applyTo(p); // a bad address is said by accept()
    p.notify = m_notify->settings(); // a bad one is said by accept()
    // What the dialog does not show stays as it was: the retention rules and the schedule (a
    // timer installed for it keeps running, and prune must keep its rules).
    p.retention = m_original.retention;
    p.offsiteRetention = m_original.offsiteRetention;
    p.schedule = m_original.schedule;
    return p;
}

QString ProfileDialog::offsiteSecret() const
{
    return isOnServer() ? QString() : m_offsite->secret();
}

// A server's database password stays on the server: nothing to keep here.
QString ProfileDialog::password() const
{
    return isOnServer() ? QString() : m_password->text();
}

bool ProfileDialog::rememberPassword() const
{
    return !isOnServer() && m_remember->isChecked();
}

void ProfileDialog::accept()
{
    Profile checked = profile();
    // A wrong field is said, and its tab brought to the front.
    auto refuse = [this](QWidget* tab, const QString& message) {
        m_error->setText(message);
        if (auto* tabs = findChild<QTabWidget*>())
            tabs->setCurrentWidget(tab);
    };
    if (Status offsite = m_offsite->applyTo(checked); !isOnServer() && !offsite)
        return refuse(m_offsite, offsite.error().message);
    if (const Result<NotifySettings> notify = m_notify->checked(); !isOnServer() && !notify)
        return refuse(m_notify, notify.error().message);
    const Status valid = ProfileStore::validate(profile());
    if (!valid) {
        m_error->setText(valid.error().message);
        return;
    }
    if (!isOnServer() && !ProfileQuestions::offerToCreateRepository(this, profile().repository))
        return;
    QDialog::accept();
}

void ProfileDialog::testConnection()
{
    if (m_test.isRunning())
        return;
    m_testButton->setEnabled(false);
    m_testResult->setStyleSheet({});
    m_testResult->setText(tr("Connecting…"));
    m_test.setFuture(ConnectionTester::testAsync(profile().database, password()));
}

void ProfileDialog::onConnectionTested()
{
    m_testButton->setEnabled(true);
    const Result<ServerInfo> result = m_test.result();
    QString message;
    if (result) {
        message = tr("Connected: PostgreSQL %1, database “%2” (%3) as “%4”.")
                      .arg(result->version, result->database, humanSize(result->databaseSizeBytes), result->user);
        m_testResult->setStyleSheet(QStringLiteral("color: #2e7d32;"));
    } else {
        message = result.error().message;
        m_testResult->setStyleSheet(QStringLiteral("color: #c62828;"));
        m_testResult->setToolTip(result.error().detail);
    }
    m_testResult->setText(message);
    emit connectionTested(result.ok(), message);
}

} // namespace coffre
