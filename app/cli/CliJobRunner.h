#pragma once

#include "Result.h"
#include "jobs/JobControl.h"
#include "profile/Profile.h"
#include "s3/S3Location.h"

#include <QCoreApplication>
#include <QFuture>

#include <functional>
#include <memory>

namespace coffre {

// Waits for a job in the CLI: a progress line on a terminal (nothing otherwise, for cron),
// and Ctrl-C turned into a clean cancel of the job.
class CliJobRunner
{
    Q_DECLARE_TR_FUNCTIONS(CliJobRunner)

public:
    explicit CliJobRunner(std::shared_ptr<JobControl> control, bool showProgress);
    // Runs the event loop until `future` is finished.
    void wait(const QFuture<void>& future);

    static bool stderrIsTerminal();
    // Where progress events go in the JSON lines mode (set by Cli for the command's run).
    static void setOutput(class CliOutput* output);
    // The job is canceled when standard input closes: how a desktop cancels over ssh, where
    // killing its ssh client closes the session but sends the server's process no signal.
    static void setCancelOnEndOfInput(bool on);

private:
    void draw();
    void emitProgressEvent();

    std::shared_ptr<JobControl> m_control;
    bool m_showProgress;
    class ProgressMeter* m_meter = nullptr;
};

// Runs a job that needs the database password: the keychain's when the profile keeps it there,
// and, when the server asks for one that nothing had, the one typed at the terminal (once).
template<typename T, typename StartJob>
Result<T> runWithPassword(const Profile& profile, bool needsDatabase, bool showProgress, StartJob start);

// The password of a profile from the OS keychain, when the profile keeps it there; asked on the
// terminal otherwise, and only when the server wants one and there is a person to ask.
class CliPassword
{
    Q_DECLARE_TR_FUNCTIONS(CliPassword)

public:
    static QString fromKeychain(const QString& profile);
    // A keychain entry other than a profile's password (PasswordVault::offsiteEntry); quiet when absent.
    static QString entryFromKeychain(const QString& entry);
    // The secret of an off-site access key: nothing when the environment or ~/.aws has it
    // (AwsEnvironment finds it there), else the keychain's.
    static QString offsiteSecret(const s3::S3Location& location);
    static QString fromKeychainIfKept(const Profile& profile)
    {
        if (!given().isEmpty())
            return given();
        return profile.passwordInKeychain ? fromKeychain(profile.name) : QString();
    }
    // --password-stdin: the first line of standard input (a desktop driving this server).
    static void readFromStdin();
    static const QString& given();
    static QString askOnTerminal(const QString& prompt); // empty when there is no terminal
};

} // namespace coffre

namespace coffre {

template<typename T, typename StartJob>
Result<T> runWithPassword(const Profile& profile, bool needsDatabase, bool showProgress, StartJob start)
{
    QString password = needsDatabase ? CliPassword::fromKeychainIfKept(profile) : QString();
    for (int attempt = 0;; ++attempt) {
        auto control = std::make_shared<JobControl>();
        QFuture<Result<T>> future = start(password, control);
        CliJobRunner(control, showProgress).wait(QFuture<void>(future));
        Result<T> result = future.result();
        if (result || attempt > 0 || result.error().code != ErrorCode::PasswordNeeded)
            return result;
        password = CliPassword::askOnTerminal(
            CliJobRunner::tr("Password for %1: ").arg(profile.database.displayName()));
        if (password.isEmpty())
            return result;
    }
}

} // namespace coffre
