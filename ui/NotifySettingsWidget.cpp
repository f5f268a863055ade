#include "NotifySettingsWidget.h"

#include "notify/Notifier.h"
#include "util/Background.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSysInfo>
#include <QVBoxLayout>

namespace coffre {

NotifySettingsWidget::NotifySettingsWidget(const QString& profile, const NotifySettings& settings, QWidget* parent)
    : QWidget(parent), m_profile(profile)
{
    setObjectName(QStringLiteral("notifySettings"));
    m_webhook = new QLineEdit(settings.webhook);
    m_webhook->setObjectName(QStringLiteral("notifyWebhook"));
    m_webhook->setPlaceholderText(tr("https://hooks.slack.com/services/…"));
    m_mailTo = new QLineEdit(settings.mailTo);
    m_mailTo->setObjectName(QStringLiteral("notifyMail"));
    m_mailTo->setPlaceholderText(tr("ops@example.org, oncall@example.org"));
    m_onSuccess = new QCheckBox(tr("Also when a scheduled backup &succeeds"));
    m_onSuccess->setObjectName(QStringLiteral("notifyOnSuccess"));
    m_onSuccess->setChecked(settings.onSuccess);
    auto percent = [](int value, const QString& name) {
        auto* box = new QSpinBox;
        box->setObjectName(name);
        box->setRange(0, 100);
        box->setSuffix(QStringLiteral(" %"));
        box->setSpecialValueText(tr("never"));
        box->setValue(value);
        return box;
    };
    m_diskPercent = percent(settings.diskPercent, QStringLiteral("notifyDiskPercent"));
    m_shrinkPercent = percent(settings.shrinkPercent, QStringLiteral("notifyShrinkPercent"));
    m_testButton = new QPushButton(tr("Send a &test"));
    m_testButton->setObjectName(QStringLiteral("notifyTestButton"));
    m_testResult = new QLabel;
    m_testResult->setObjectName(QStringLiteral("notifyTestResult"));
    m_testResult->setWordWrap(true);

    auto* form = new QFormLayout;
    form->addRow(tr("&Webhook (JSON POST):"), m_webhook);
    form->addRow(tr("&Mail to:"), m_mailTo);
    form->addRow(QString(), m_onSuccess);
    form->addRow(tr("Warn when the &disk is over:"), m_diskPercent);
    form->addRow(tr("Warn when a part s&hrank by over:"), m_shrinkPercent);
    auto* testRow = new QHBoxLayout;
    testRow->addWidget(m_testButton);
    testRow->addWidget(m_testResult, 1);
    auto* about = new QLabel(tr("Scheduled backups and drills have nobody watching: their failures and warnings are sent here (mail "
                                "through this machine's sendmail). The window also shows them as desktop notifications."));
    about->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(testRow);
    layout->addWidget(about);
    layout->addStretch();

    connect(m_testButton, &QPushButton::clicked, this, &NotifySettingsWidget::sendTest);
    connect(&m_test, &QFutureWatcherBase::finished, this, [this] {
        m_testButton->setEnabled(true);
        const QStringList failures = m_test.result();
        const QString message = failures.isEmpty() ? tr("Sent: check that it arrived.") : failures.join(u'\n');
        m_testResult->setText(message);
        emit tested(failures.isEmpty(), message);
    });
}

NotifySettings NotifySettingsWidget::settings() const
{
    NotifySettings s;
    s.webhook = m_webhook->text().trimmed();
    s.mailTo = m_mailTo->text().trimmed();
    s.onSuccess = m_onSuccess->isChecked();
    s.diskPercent = m_diskPercent->value();
    s.shrinkPercent = m_shrinkPercent->value();
    return s;
}

Result<NotifySettings> NotifySettingsWidget::checked() const
{
    const NotifySettings s = settings();
    if (Status valid = s.validate(); !valid)
        return valid.error();
    return s;
}

void NotifySettingsWidget::sendTest()
{
    const Result<NotifySettings> s = checked();
    if (!s || !s->sendsAnything()) {
        m_testResult->setText(s ? tr("Give a webhook or a mail address first.") : s.error().message);
        emit tested(false, m_testResult->text());
        return;
    }
    Notification test;
    test.event = QStringLiteral("test");
    test.profile = m_profile;
    test.host = QSysInfo::machineHostName();
    test.outcome = QStringLiteral("ok");
    test.time = QDateTime::currentDateTime();
    test.message = tr("A test from the Coffre window: notifications of this profile reach you.");
    m_testButton->setEnabled(false);
    m_testResult->setText(tr("Sending…"));
    // Notifier blocks (its own event loop for the POST): a worker thread, never the window's.
    m_test.setFuture(runInBackground([settings = *s, test] { return Notifier::send(settings, test); }));
}

} // namespace coffre
