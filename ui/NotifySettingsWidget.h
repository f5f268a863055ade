#pragma once

#include "Result.h"
#include "notify/NotifySettings.h"

#include <QFutureWatcher>
#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace coffre {

// The profile dialog's "Notifications" tab: where a scheduled run's outcome goes (a webhook, mail
// through the local sendmail), whether successes are sent too, and the warnings' thresholds (disk
// usage, a backup that shrank). "Send a test" sends one, in the background, as the CLI's
// `notify test` does.
class NotifySettingsWidget : public QWidget
{
    Q_OBJECT

public:
    explicit NotifySettingsWidget(const QString& profile, const NotifySettings& settings, QWidget* parent = nullptr);

    NotifySettings settings() const;
    // The settings, or a sentence saying which field is wrong.
    Result<NotifySettings> checked() const;

public slots:
    void sendTest();

signals:
    void tested(bool ok, const QString& message);

private:
    QString m_profile;
    QLineEdit* m_webhook;
    QLineEdit* m_mailTo;
    QCheckBox* m_onSuccess;
    QSpinBox* m_diskPercent;
    QSpinBox* m_shrinkPercent;
    QPushButton* m_testButton;
    QLabel* m_testResult;
    QFutureWatcher<QStringList> m_test;
};

} // namespace coffre
