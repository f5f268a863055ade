#pragma once

#include "JobsPanel.h"
#include "Result.h"
#include "profile/PasswordVault.h"
#include "profile/Profile.h"

#include <QFutureWatcher>
#include <QHash>
#include <QInputDialog>
#include <QLineEdit>
#include <QObject>

#include <functional>
#include <memory>

namespace coffre {

// Starts core jobs for the window: each gets a row in the jobs panel; the database password
// comes from this session, then the keychain; when the server asks for one that nothing had
// (or rejects it), the user is asked and the job runs again.
class JobLauncher : public QObject
{
    Q_OBJECT

public:
    template<typename T>
    using Start = std::function<QFuture<Result<T>>(const QString& password, std::shared_ptr<JobControl> control)>;
    template<typename T>
    using Describe = std::function<QString(const T&)>;
    // After a success: what the job's row may offer next (Undo after a restore).
    template<typename T>
    using FollowUp = std::function<void(JobRow*, const T&)>;

    JobLauncher(JobsPanel* panel, QWidget* dialogParent) : QObject(dialogParent), m_panel(panel), m_dialogParent(dialogParent) {}

    int running() const { return m_running; }
    void cancelAll();
    void rememberPassword(const QString& profile, const QString& password) { m_passwords.insert(profile, password); }
    QString sessionPassword(const QString& profile) const { return m_passwords.value(profile); }
    void forgetPassword(const QString& profile) { m_passwords.remove(profile); }

    template<typename T>
    void launch(const QString& title, const Profile& profile, bool needsPassword, Start<T> start, Describe<T> describe,
                FollowUp<T> followUp = {})
    {
        ++m_running;
        emit runningChanged();
        withPassword(profile, needsPassword,
                     [=, this](const QString& password) { run<T>(title, profile, password, start, describe, followUp, 0); });
    }

signals:
    void finished(bool ok, const QString& message);
    void runningChanged();

private:
    void withPassword(const Profile& profile, bool needsPassword, const std::function<void(const QString&)>& then);
    QString askPassword(const Profile& profile, const QString& why);
    void done(JobRow* row, bool ok, const QString& message, const QString& detail);

    template<typename T>
    void run(const QString& title, const Profile& profile, const QString& password, Start<T> start, Describe<T> describe,
             FollowUp<T> followUp, int attempt)
    {
        auto control = std::make_shared<JobControl>();
        JobRow* row = m_panel->addJob(title, control);
        auto* watcher = new QFutureWatcher<Result<T>>(this);
        connect(watcher, &QFutureWatcherBase::finished, this, [=, this] {
            watcher->deleteLater();
            const Result<T> result = watcher->result();
            const QString code = result ? QString() : result.error().code;
            if ((code == ErrorCode::PasswordNeeded || code == ErrorCode::WrongPassword) && attempt < 3) {
                const QString typed = askPassword(profile, result.error().message);
                if (!typed.isEmpty()) {
                    m_passwords.insert(profile.name, typed);
                    emit row->dismissed();
                    run<T>(title, profile, typed, start, describe, followUp, attempt + 1);
                    return;
                }
            }
            if (result && followUp)
                followUp(row, *result);
            if (result)
                done(row, true, describe(*result), {});
            else
                done(row, false, result.error().message, code == ErrorCode::Canceled ? QString() : result.error().detail);
        });
        watcher->setFuture(start(password, control));
    }

    JobsPanel* m_panel;
    QWidget* m_dialogParent;
    QHash<QString, QString> m_passwords; // typed passwords, for this session only
    int m_running = 0;
};

} // namespace coffre
