// Runs a real backup from the real MainWindow (offscreen) and measures how long the GUI thread
// ever went without running its event loop: a 5 ms timer notes the longest gap between ticks.
// Usage: gui-heartbeat --repository DIR --db CONNINFO --source LABEL=PATH...
#include "MainWindow.h"
#include "util/AppSetup.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

using namespace coffre;

int main(int argc, char* argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    setUpApplication(app);
    QCommandLineParser parser;
    parser.addOptions({{QStringLiteral("repository"), QString(), QStringLiteral("DIR")},
                       {QStringLiteral("db"), QString(), QStringLiteral("CONNINFO")},
                       {QStringLiteral("source"), QString(), QStringLiteral("LABEL=PATH")}});
    parser.process(app);

    QTemporaryDir config;
    const ProfileStore store(config.path());
    Profile profile;
    profile.name = QStringLiteral("bench");
    profile.database.conninfo = parser.value(QStringLiteral("db"));
    profile.repository = parser.value(QStringLiteral("repository"));
    for (const QString& source : parser.values(QStringLiteral("source")))
        profile.sources.append({source.section(u'=', 0, 0), source.section(u'=', 1)});
    if (Status saved = store.save(profile); !saved) {
        std::fprintf(stderr, "%s\n", qPrintable(saved.error().message));
        return 2;
    }

    MainWindow window(store);
    window.show();
    QElapsedTimer clock, sinceTick;
    qint64 longestGap = 0, ticks = 0;
    QTimer heartbeat;
    heartbeat.setInterval(5);
    QObject::connect(&heartbeat, &QTimer::timeout, [&] {
        if (ticks++ > 0)
            longestGap = qMax(longestGap, sinceTick.elapsed());
        sinceTick.restart();
    });
    QObject::connect(&window, &MainWindow::jobFinished, [&](bool ok, const QString& what) {
        std::printf("backup %s (%s) in %.1f s; GUI thread: %lld ticks, longest gap %lld ms\n", ok ? "done" : "FAILED",
                    qPrintable(what), double(clock.elapsed()) / 1000.0, ticks, longestGap);
        QApplication::exit(ok ? 0 : 1);
    });
    QTimer::singleShot(500, [&] {
        BackupRequest request;
        request.profile = profile;
        request.name = QStringLiteral("gui_bench");
        clock.start();
        sinceTick.start();
        heartbeat.start();
        window.startBackup(request);
    });
    return app.exec();
}
