#include "OffsiteSettingsWidget.h"

#include "offsite/OffsiteStore.h"

#include <QCheckBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace coffre {

OffsiteSettingsWidget::OffsiteSettingsWidget(const Profile& profile, QWidget* parent) : QWidget(parent)
{
    const s3::S3Location& offsite = profile.offsite;
    m_originalDocuments = profile.documents;
    m_url = new QLineEdit(offsite.isEmpty() ? QString() : offsite.url());
    m_url->setObjectName(QStringLiteral("offsiteUrlEdit"));
    m_url->setPlaceholderText(QStringLiteral("s3://bucket/folder"));
    m_endpoint = new QLineEdit(offsite.endpoint);
    m_endpoint->setObjectName(QStringLiteral("offsiteEndpointEdit"));
    m_endpoint->setPlaceholderText(tr("AWS (or https://minio.example.org:9000, https://ACCOUNT.r2.cloudflarestorage.com)"));
    m_region = new QLineEdit(offsite.region);
    m_region->setPlaceholderText(tr("us-east-1, or AWS_REGION"));
    m_accessKey = new QLineEdit(offsite.accessKeyId);
    m_accessKey->setObjectName(QStringLiteral("offsiteAccessKeyEdit"));
    m_accessKey->setPlaceholderText(tr("empty: AWS_ACCESS_KEY_ID or ~/.aws/credentials"));
    m_secret = new QLineEdit;
    m_secret->setObjectName(QStringLiteral("offsiteSecretEdit"));
    m_secret->setEchoMode(QLineEdit::Password);
    m_secret->setPlaceholderText(tr("kept in the system keychain, never in the profile"));
    m_caFile = new QLineEdit(offsite.caFile);
    m_caFile->setPlaceholderText(tr("only for a private server's own certificate"));
    auto* chooseCa = new QPushButton(tr("Choose…"));
    connect(chooseCa, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("CA certificates"), {}, tr("PEM files (*.pem *.crt);;All files (*)"));
        if (!file.isEmpty())
            m_caFile->setText(file);
    });
    m_copyAfterCreate = new QCheckBox(tr("&Copy each new backup off-site, verified, as soon as it is made"));
    m_copyAfterCreate->setObjectName(QStringLiteral("offsiteCopyCheck"));
    m_copyAfterCreate->setChecked(profile.copyOffsite);
    m_documents = new QLineEdit(profile.documents.isEmpty() ? QString() : profile.documents.url());
    m_documents->setObjectName(QStringLiteral("documentsUrlEdit"));
    m_documents->setPlaceholderText(tr("s3://bucket/uploads: the application's uploaded files, kept with each backup"));
    m_testButton = new QPushButton(tr("&Test"));
    m_testButton->setObjectName(QStringLiteral("offsiteTestButton"));
    m_testResult = new QLabel;
    m_testResult->setObjectName(QStringLiteral("offsiteTestResult"));
    m_testResult->setWordWrap(true);
    connect(m_testButton, &QPushButton::clicked, this, &OffsiteSettingsWidget::test);
    connect(&m_test, &QFutureWatcherBase::finished, this, [this] {
        m_testButton->setEnabled(true);
        const Result<QList<Backup>> listed = m_test.result();
        const QString message = listed ? tr("Reached %1: %n backup(s) there.", nullptr, int(listed->size())).arg(m_url->text().trimmed())
                                       : listed.error().message;
        m_testResult->setStyleSheet(listed ? QStringLiteral("color: #2e7d32;") : QStringLiteral("color: #c62828;"));
        m_testResult->setToolTip(listed ? QString() : listed.error().detail);
        m_testResult->setText(message);
        emit tested(listed.ok(), message);
    });

    auto* caRow = new QHBoxLayout;
    caRow->addWidget(m_caFile);
    caRow->addWidget(chooseCa);
    auto* form = new QFormLayout(this);
    auto* intro = new QLabel(tr("A copy away from this disk survives its loss. Any S3 storage works: AWS, MinIO, "
                                "Cloudflare R2, Scaleway…"));
    intro->setWordWrap(true);
    form->addRow(intro);
    form->addRow(tr("Off-site &address:"), m_url);
    form->addRow(tr("&Endpoint:"), m_endpoint);
    form->addRow(tr("Re&gion:"), m_region);
    form->addRow(tr("Access &key:"), m_accessKey);
    form->addRow(tr("&Secret:"), m_secret);
    auto* caLabel = new QLabel(tr("CA fi&le:"));
    caLabel->setBuddy(m_caFile);
    form->addRow(caLabel, caRow);
    form->addRow(QString(), m_copyAfterCreate);
    form->addRow(m_testButton, m_testResult);
    form->addRow(tr("Docu&ments bucket:"), m_documents);
}

QString OffsiteSettingsWidget::secret() const
{
    return m_secret->text();
}

Status OffsiteSettingsWidget::applyTo(Profile& profile) const
{
    profile.offsite = {};
    profile.copyOffsite = false;
    profile.documents = {};
    const QString url = m_url->text().trimmed();
    if (!url.isEmpty()) {
        const auto parsed = s3::S3Location::parse(url);
        if (!parsed.ok())
            return parsed.error();
        s3::S3Location location = *parsed;
        location.endpoint = m_endpoint->text().trimmed();
        location.region = m_region->text().trimmed();
        location.accessKeyId = m_accessKey->text().trimmed();
        location.caFile = m_caFile->text().trimmed();
        profile.offsite = location;
        profile.copyOffsite = m_copyAfterCreate->isChecked();
    }
    const QString documents = m_documents->text().trimmed();
    if (!documents.isEmpty()) {
        const auto parsed = s3::S3Location::parse(documents);
        if (!parsed.ok())
            return parsed.error();
        // Kept as the profile file has it; a new address takes the off-site storage and key.
        s3::S3Location location = *parsed;
        if (parsed->url() == m_originalDocuments.url()) {
            profile.documents = m_originalDocuments;
            return {};
        }
        location.endpoint = profile.offsite.endpoint;
        location.region = profile.offsite.region;
        location.accessKeyId = profile.offsite.accessKeyId;
        location.caFile = profile.offsite.caFile;
        profile.documents = location;
    }
    return {};
}

void OffsiteSettingsWidget::test()
{
    if (m_test.isRunning())
        return;
    Profile profile;
    if (Status applied = applyTo(profile); !applied || profile.offsite.isEmpty()) {
        m_testResult->setStyleSheet(QStringLiteral("color: #c62828;"));
        m_testResult->setText(applied ? tr("Give the off-site address first.") : applied.error().message);
        return;
    }
    m_testButton->setEnabled(false);
    m_testResult->setStyleSheet({});
    m_testResult->setText(tr("Connecting…"));
    m_test.setFuture(runOnOffsiteStore<QList<Backup>>(profile.offsite, secret(), nullptr, [](OffsiteStore& store) { return store.list(); }));
}

} // namespace coffre
