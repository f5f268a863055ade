// How the real window feels during real-size jobs, measured as a user would feel it (issue 9).
// Run under a real X server (Xvfb) with the xcb platform: offscreen paints for free and hides freezes.
//   (a) the longest gap of the GUI thread's event loop (a 5 ms timer notes the gaps between ticks);
//   (b) input delay: a prober thread types into the filter field with xdotool (through the X server,
//       as a keyboard would) every 250 ms, and the delay runs from just before xdotool starts until
//       the field's text has changed;
//   (c) Cancel: xdotool clicks the job's Cancel button 3 s into a job; time from the click to the
//       job's end, and what is left behind (bundle folder, temporary database, child processes).
// Scenarios, in one run: create; create + cancel; restore of the database under another name;
// the same restore + cancel.
// Usage: gui-responsiveness --repository DIR --db CONNINFO --source LABEL=PATH...
#include "JobsPanel.h"
#include "MainWindow.h"
#include "catalog/Catalog.h"
#include "postgres/DatabaseAdmin.h"
#include "util/AppSetup.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QEventLoop>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <thread>

#include <unistd.h>

using namespace coffre;

namespace {

qint64 nowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

void xdotool(const QString& arguments)
{
    const QByteArray command = "xdotool " + arguments.toLocal8Bit() + " >/dev/null 2>&1";
    if (std::system(command.constData()) != 0)
        std::fprintf(stderr, "xdotool %s failed\n", qPrintable(arguments));
}

// The processes whose parent is this one (pg_dump, pg_restore, ...): none may outlive a job.
int childProcessesNow();

// Children still there after 3 s: a list refresh started as the job ended (an ssh on a server
// profile) is not a leftover.
int childProcesses()
{
    for (int waited = 0; waited < 3000; waited += 100) {
        if (childProcessesNow() == 0)
            return 0;
        QEventLoop wait;
        QTimer::singleShot(100, &wait, &QEventLoop::quit);
        wait.exec();
    }
    return childProcessesNow();
}

int childProcessesNow()
{
    int count = 0;
    const QString self = QString::number(::getpid());
    for (const QString& pid : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QList<QByteArray> fields = stat.readAll().split(')').value(1).split(' ');
        count += fields.value(2) == self.toLatin1(); // after ")": " S ppid ..."
    }
    return count;
}

// Types into the filter field from another thread, one key at a time, and notes each delay.
class InputProber
{
public:
    explicit InputProber(QLineEdit* field) : m_field(field)
    {
        QObject::connect(field, &QLineEdit::textChanged, field, [this] { m_seenAt.store(nowMs()); });
    }
    ~InputProber() { stop(); }

    void focus() { m_field->setFocus(); }
    void start()
    {
        m_delays.clear();
        m_running = true;
        m_thread = std::thread([this] {
            bool add = true;
            while (m_running) {
                m_seenAt.store(0);
                const qint64 sent = nowMs();
                xdotool(add ? QStringLiteral("key x") : QStringLiteral("key BackSpace"));
                add = !add;
                while (m_running && m_seenAt.load() == 0 && nowMs() - sent < 10000)
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                if (m_seenAt.load() != 0)
                    m_delays.push_back(m_seenAt.load() - sent);
                std::this_thread::sleep_for(std::chrono::milliseconds(250));
            }
        });
    }
    void stop()
    {
        m_running = false;
        if (m_thread.joinable())
            m_thread.join();
    }
    QString summary()
    {
        if (m_delays.empty())
            return QStringLiteral("no input sample");
        std::vector<qint64> sorted = m_delays;
        std::sort(sorted.begin(), sorted.end());
        return QStringLiteral("input delay over %1 key presses: median %2 ms, max %3 ms")
            .arg(sorted.size())
            .arg(sorted[sorted.size() / 2])
            .arg(sorted.back());
    }
    qint64 maxDelay() const { return m_delays.empty() ? 0 : *std::max_element(m_delays.begin(), m_delays.end()); }

private:
    QLineEdit* m_field;
    std::thread m_thread;
    std::atomic<bool> m_running{false};
    std::atomic<qint64> m_seenAt{0};
    std::vector<qint64> m_delays;
};

struct Outcome
{
    bool ok = false;
    QString message;
    qint64 seconds10 = 0;
    qint64 longestGap = 0;
    qint64 longestGapAtMs = 0; // when it ended, from the job's start
    qint64 cancelMs = -1;
};

// Runs one job in the window; optionally clicks Cancel after cancelAfterMs.
class Scenario
{
public:
    Scenario(MainWindow& window, InputProber& prober) : m_window(window), m_prober(prober) {}

    Outcome run(const std::function<void()>& startJob, int cancelAfterMs)
    {
        Outcome outcome;
        QElapsedTimer clock, sinceTick;
        QTimer heartbeat;
        heartbeat.setInterval(5);
        qint64 ticks = 0, canceledAt = 0;
        QObject::connect(&heartbeat, &QTimer::timeout, [&] {
            if (ticks++ > 0 && sinceTick.elapsed() > outcome.longestGap) {
                outcome.longestGap = sinceTick.elapsed();
                outcome.longestGapAtMs = clock.elapsed();
            }
            sinceTick.restart();
        });
        QEventLoop loop;
        const QMetaObject::Connection shown = QObject::connect(&m_window, &MainWindow::catalogShown, &loop, [&] {
            if (qEnvironmentVariableIsSet("COFFRE_BENCH_TRACE"))
                std::fprintf(stderr, "catalog shown at %lld ms\n", clock.elapsed());
        });
        const QMetaObject::Connection finished =
            QObject::connect(&m_window, &MainWindow::jobFinished, &loop, [&](bool ok, const QString& message) {
                heartbeat.stop(); // what follows is the benchmark's own bookkeeping
                outcome.ok = ok;
                outcome.message = message;
                if (canceledAt > 0)
                    outcome.cancelMs = nowMs() - canceledAt;
                loop.quit();
            });
        if (cancelAfterMs > 0) {
            QTimer::singleShot(cancelAfterMs, &loop, [&] {
                QPushButton* cancel = nullptr;
                for (QPushButton* button : m_window.jobsPanel()->findChildren<QPushButton*>(QStringLiteral("jobCancel")))
                    cancel = button->isVisible() ? button : cancel;
                if (!cancel) {
                    std::fprintf(stderr, "no Cancel button to click\n");
                    return;
                }
                const QPoint at = cancel->mapToGlobal(cancel->rect().center());
                // From another thread: the click goes through the X server while the loop runs.
                std::thread([at, &canceledAt] {
                    canceledAt = nowMs();
                    xdotool(QStringLiteral("mousemove %1 %2 click 1").arg(at.x()).arg(at.y()));
                }).detach();
            });
        }
        m_prober.focus(); // a click on Cancel leaves the focus on the button
        clock.start();
        sinceTick.start();
        heartbeat.start();
        m_prober.start();
        startJob();
        loop.exec();
        m_prober.stop();
        QObject::disconnect(finished);
        QObject::disconnect(shown);
        outcome.seconds10 = clock.elapsed() / 100;
        // Dismiss the finished row so the next scenario's Cancel button is the only one.
        for (JobRow* row : m_window.jobsPanel()->findChildren<JobRow*>())
            emit row->dismissed();
        QCoreApplication::processEvents();
        return outcome;
    }

private:
    MainWindow& m_window;
    InputProber& m_prober;
};

void report(const char* what, const Outcome& o, InputProber& prober, const QString& leftovers)
{
    std::printf("%-34s %s in %lld.%lld s; longest GUI gap %lld ms (at %lld.%lld s); %s", what, o.ok ? "done" : "ended",
                o.seconds10 / 10, o.seconds10 % 10, o.longestGap, o.longestGapAtMs / 1000, o.longestGapAtMs % 1000 / 100,
                qPrintable(prober.summary()));
    if (o.cancelMs >= 0)
        std::printf("; Cancel -> end %lld ms", o.cancelMs);
    if (!leftovers.isEmpty())
        std::printf("; %s", qPrintable(leftovers));
    std::printf("\n   (%s)\n", qPrintable(o.message));
    std::fflush(stdout);
}

} // namespace

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    setUpApplication(app);
    QCommandLineParser parser;
    parser.addOptions({{QStringLiteral("repository"), QString(), QStringLiteral("DIR")},
                       {QStringLiteral("db"), QString(), QStringLiteral("CONNINFO")},
                       {QStringLiteral("source"), QString(), QStringLiteral("LABEL=PATH")},
                       {QStringLiteral("cancel-after"), QString(), QStringLiteral("MS"), QStringLiteral("3000")},
                       // The same jobs on a server profile (bench/server.sh): --repository and --db then
                       // name the server's repository and database, for the checks only.
                       {QStringLiteral("server"), QString(), QStringLiteral("HOST")},
                       {QStringLiteral("ssh-config"), QString(), QStringLiteral("FILE")},
                       {QStringLiteral("server-cli"), QString(), QStringLiteral("PATH")},
                       {QStringLiteral("server-profile"), QString(), QStringLiteral("NAME")}});
    parser.process(app);
    if (QGuiApplication::platformName() != u"xcb")
        std::fprintf(stderr, "warning: platform %s, not xcb: painting is not measured as a user sees it\n",
                     qPrintable(QGuiApplication::platformName()));
    const int cancelAfter = parser.value(QStringLiteral("cancel-after")).toInt();

    QTemporaryDir config;
    const ProfileStore store(config.path());
    Profile profile;
    profile.name = QStringLiteral("bench");
    profile.database.conninfo = parser.value(QStringLiteral("db"));
    profile.repository = parser.value(QStringLiteral("repository"));
    for (const QString& source : parser.values(QStringLiteral("source")))
        profile.sources.append({source.section(u'=', 0, 0), source.section(u'=', 1)});
    Profile shown = profile; // what the window opens: this profile, or the server that has it
    if (parser.isSet(QStringLiteral("server"))) {
        shown = Profile();
        shown.name = profile.name;
        shown.server.host = parser.value(QStringLiteral("server"));
        shown.server.configFile = parser.value(QStringLiteral("ssh-config"));
        shown.server.remoteCli = parser.value(QStringLiteral("server-cli"));
        shown.server.remoteProfile = parser.value(QStringLiteral("server-profile"));
        shown.exclusions.clear();
    }
    if (Status saved = store.save(shown); !saved) {
        std::fprintf(stderr, "%s\n", qPrintable(saved.error().message));
        return 2;
    }

    MainWindow window(store);
    window.resize(1100, 700);
    window.show();
    auto* filter = window.findChild<QLineEdit*>(QStringLiteral("filterEdit"));
    QTimer::singleShot(300, [&] {
        xdotool(QStringLiteral("windowfocus --sync %1").arg(window.winId()));
        window.activateWindow();
        filter->setFocus();
    });
    InputProber prober(filter);
    Scenario scenario(window, prober);
    int failures = 0;
    auto check = [&failures](bool good) { failures += good ? 0 : 1; };

    QTimer::singleShot(1000, [&] {
        BackupRequest create;
        create.profile = shown;
        create.includeDatabase = !profile.database.isEmpty();
        create.name = QStringLiteral("gui_bench");
        Outcome made = scenario.run([&] { window.startBackup(create); }, 0);
        report("create", made, prober, {});
        check(made.ok && made.longestGap < 50 && prober.maxDelay() < 100);

        create.name = QStringLiteral("gui_bench_canceled");
        Outcome canceled = scenario.run([&] { window.startBackup(create); }, cancelAfter);
        const bool folderLeft = QFileInfo::exists(QDir(profile.repository).filePath(create.name));
        const int children = childProcesses();
        report("create, Cancel after 3 s", canceled, prober,
               QStringLiteral("bundle folder left: %1, child processes left: %2").arg(QLatin1String(folderLeft ? "yes" : "no")).arg(children));
        check(!canceled.ok && canceled.cancelMs >= 0 && canceled.cancelMs < 1000 && !folderLeft && children == 0);

        Result<DatabaseAdmin> connected = DatabaseAdmin::connect(profile.database, {});
        DatabaseAdmin* admin = connected ? &connected.value() : nullptr;
        RestoreRequest restore;
        restore.profile = shown;
        restore.backup = Catalog::inspect(profile.repository, QStringLiteral("gui_bench"));
        restore.sources.clear();
        restore.asDatabase = QStringLiteral("gui_bench_restored");
        if (admin)
            admin->drop(restore.asDatabase); // left by an interrupted run
        Outcome restored = scenario.run([&] { window.startRestore(restore); }, 0);
        report("restore (database, as a new one)", restored, prober, {});
        check(restored.ok && restored.longestGap < 50 && prober.maxDelay() < 100);
        if (admin)
            admin->drop(restore.asDatabase);

        Outcome stopped = scenario.run([&] { window.startRestore(restore); }, cancelAfter);
        const bool databaseLeft = admin && admin->exists(restore.asDatabase);
        const int restoreChildren = childProcesses();
        report("restore, Cancel after 3 s", stopped, prober,
               QStringLiteral("database left: %1, child processes left: %2").arg(QLatin1String(databaseLeft ? "yes" : "no")).arg(restoreChildren));
        check(!stopped.ok && stopped.cancelMs >= 0 && stopped.cancelMs < 1000 && !databaseLeft && restoreChildren == 0);
        if (admin)
            admin->drop(restore.asDatabase);
        std::printf("%s (targets: longest gap < 50 ms, input delay < 100 ms, Cancel < 1 s, nothing left)\n",
                    failures == 0 ? "ALL TARGETS MET" : "TARGETS MISSED");
        QApplication::exit(failures == 0 ? 0 : 1);
    });
    return app.exec();
}
