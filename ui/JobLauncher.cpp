#include "JobLauncher.h"

#include <QStatusBar>

namespace coffre {

void JobLauncher::cancelAll()
{
    for (JobRow* row : m_panel->findChildren<JobRow*>()) {
        if (row->isRunning())
            row->control()->cancel();
    }
}

void JobLauncher::withPassword(const Profile& profile, bool needsPassword, const std::function<void(const QString&)>& then)
{
    if (!needsPassword || m_passwords.contains(profile.name) || !profile.passwordInKeychain) {
        then(m_passwords.value(profile.name));
        return;
    }
    PasswordVault::read(profile.name, this, [then](Result<QString> password) { then(password ? *password : QString()); });
}

QString JobLauncher::askPassword(const Profile& profile, const QString& why)
{
    bool ok = false;
    const QString password = QInputDialog::getText(m_dialogParent, tr("Database password"),
                                                   tr("%1\n\nPassword for %2:").arg(why, profile.database.displayName()),
                                                   QLineEdit::Password, QString(), &ok);
    return ok ? password : QString();
}

void JobLauncher::done(JobRow* row, bool ok, const QString& message, const QString& detail)
{
    row->finish(ok, message, detail);
    --m_running;
    emit runningChanged();
    emit finished(ok, message);
}

} // namespace coffre
