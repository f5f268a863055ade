#include "CliJobRunner.h"

#include "s3/AwsEnvironment.h"

#include "CliOutput.h"
#include "jobs/ProgressMeter.h"
#include "profile/PasswordVault.h"

#include <QEventLoop>
#include <QFutureWatcher>
#include <QSocketNotifier>
#include <QTimer>

#include <atomic>
#include <cerrno>
#include <memory>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace coffre {

namespace {
CliOutput* output = nullptr;
bool cancelOnEndOfInput = false;
std::atomic<bool> interrupted{false};
void onInterrupt(int)
{
    interrupted = true;
}
} // namespace

CliJobRunner::CliJobRunner(std::shared_ptr<JobControl> control, bool showProgress)
    : m_control(std::move(control)), m_showProgress(showProgress)
{
}

void CliJobRunner::setOutput(CliOutput* o)
{
    output = o;
}

void CliJobRunner::setCancelOnEndOfInput(bool on)
{
    cancelOnEndOfInput = on;
}

bool CliJobRunner::stderrIsTerminal()
{
    return ::isatty(STDERR_FILENO) == 1;
}

void CliJobRunner::wait(const QFuture<void>& future)
{
    interrupted = false;
    struct sigaction action{};
    action.sa_handler = onInterrupt;
    struct sigaction previousInt{}, previousTerm{}, previousHup{};
    sigaction(SIGINT, &action, &previousInt);
    sigaction(SIGTERM, &action, &previousTerm);
    sigaction(SIGHUP, &action, &previousHup); // a dropped ssh session: cancel cleanly, as Ctrl-C

    ProgressMeter meter;
    m_meter = &meter;
    QEventLoop loop;
    QFutureWatcher<void> watcher;
    QObject::connect(&watcher, &QFutureWatcherBase::finished, &loop, &QEventLoop::quit);
    QTimer tick;
    tick.setInterval(250);
    QObject::connect(&tick, &QTimer::timeout, &loop, [this] {
        if (interrupted.exchange(false) && !m_control->isCanceled()) {
            m_control->cancel();
            std::fprintf(stderr, "\r\033[K%s\n", qPrintable(tr("Canceling…")));
        }
        if (m_showProgress)
            draw();
        emitProgressEvent();
    });
    tick.start();
    std::unique_ptr<QSocketNotifier> input;
    if (cancelOnEndOfInput) {
        input = std::make_unique<QSocketNotifier>(STDIN_FILENO, QSocketNotifier::Read);
        QObject::connect(input.get(), &QSocketNotifier::activated, &loop, [this, &input] {
            char buffer[512];
            const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
            if (n > 0 || (n < 0 && errno == EINTR))
                return;
            input->setEnabled(false);
            if (!m_control->isCanceled()) {
                m_control->log(tr("Standard input closed: canceling."));
                m_control->cancel();
            }
        });
    }
    watcher.setFuture(future);
    if (!future.isFinished())
        loop.exec();
    if (m_showProgress)
        std::fprintf(stderr, "\r\033[K");
    m_meter = nullptr;
    sigaction(SIGINT, &previousInt, nullptr);
    sigaction(SIGTERM, &previousTerm, nullptr);
    sigaction(SIGHUP, &previousHup, nullptr);
}

void CliJobRunner::emitProgressEvent()
{
    if (!output || output->mode() != CliOutput::Mode::JsonLines)
        return;
    m_meter->sample(*m_control);
    output->progress({{QStringLiteral("phase"), m_control->phase()},
                      {QStringLiteral("bytes_done"), m_control->bytesDone()},
                      {QStringLiteral("bytes_total"), m_control->bytesTotal()},
                      {QStringLiteral("files_found"), m_control->filesFound()},
                      {QStringLiteral("percent"), m_meter->percent()},
                      {QStringLiteral("bytes_per_second"), qint64(m_meter->bytesPerSecond())},
                      {QStringLiteral("seconds_left"), m_meter->secondsLeft()},
                      {QStringLiteral("message"), m_meter->summary()}});
}

void CliJobRunner::draw()
{
    m_meter->sample(*m_control);
    const int percent = m_meter->percent();
    const QString line = QStringLiteral("[%1] %2 %3")
                             .arg(percent < 0 ? QStringLiteral(" ..") : QStringLiteral("%1%").arg(percent, 3),
                                  m_control->phase(), m_meter->summary());
    std::fprintf(stderr, "\r\033[K%s", qPrintable(line));
    std::fflush(stderr);
}

namespace {
// A keychain entry, waited for (10 s at most: a keychain that never answers must not hang cron).
Result<QString> readKeychain(const QString& entry)
{
    Result<QString> secret = Error{};
    QEventLoop loop;
    QObject context;
    PasswordVault::readEntry(entry, &context, [&](Result<QString> result) {
        secret = std::move(result);
        loop.quit();
    });
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    loop.exec();
    return secret;
}
} // namespace

QString CliPassword::fromKeychain(const QString& profile)
{
    const Result<QString> password = readKeychain(PasswordVault::profileEntry(profile));
    if (!password && !password.error().message.isEmpty())
        std::fprintf(stderr, "coffre-cli: %s\n", qPrintable(password.error().message));
    return password ? *password : QString();
}

QString CliPassword::entryFromKeychain(const QString& entry)
{
    const Result<QString> secret = readKeychain(entry);
    return secret ? *secret : QString();
}

QString CliPassword::offsiteSecret(const s3::S3Location& location)
{
    if (location.accessKeyId.isEmpty() || s3::AwsEnvironment().resolve(location).ok())
        return {};
    return entryFromKeychain(PasswordVault::offsiteEntry(location.accessKeyId));
}

namespace {
QString& givenPassword()
{
    static QString password;
    return password;
}
} // namespace

const QString& CliPassword::given()
{
    return givenPassword();
}

void CliPassword::readFromStdin()
{
    // Byte by byte: what follows the line stays unread (its end is the cancel, --cancel-on-eof).
    QByteArray line;
    char c;
    while (::read(STDIN_FILENO, &c, 1) == 1 && c != '\n')
        line += c;
    givenPassword() = QString::fromUtf8(line);
}

QString CliPassword::askOnTerminal(const QString& prompt)
{
    const int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (tty < 0 || !::isatty(tty))
        return {};
    termios saved{};
    tcgetattr(tty, &saved);
    termios silent = saved;
    silent.c_lflag &= ~tcflag_t(ECHO);
    tcsetattr(tty, TCSAFLUSH, &silent);
    const QByteArray question = prompt.toLocal8Bit();
    [[maybe_unused]] const ssize_t asked = ::write(tty, question.constData(), size_t(question.size()));
    QByteArray answer;
    char c;
    while (::read(tty, &c, 1) == 1 && c != '\n')
        answer += c;
    [[maybe_unused]] const ssize_t ended = ::write(tty, "\n", 1);
    tcsetattr(tty, TCSAFLUSH, &saved);
    ::close(tty);
    return QString::fromLocal8Bit(answer);
}

} // namespace coffre
