#include "MainWindow.h"
#include "WindowOptions.h"
#include "util/AppSetup.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <csignal>

#include <cstdio>

using namespace coffre;

// --screenshot FILE: show the window, wait for the list to load, save what a person would see,
// and quit. Used for the README's picture and by scripts/run on a machine without a display.
static void saveScreenshotWhenShown(MainWindow& window, const QString& file, const QString& dialog)
{
    auto save = [&window, file, dialog] {
        QWidget* shown = &window;
        if (!dialog.isEmpty()) {
            window.showDialogForScreenshot(dialog);
            shown = QApplication::activeModalWidget() ? QApplication::activeModalWidget() : shown;
            for (QWidget* top : QApplication::topLevelWidgets())
                if (top != &window && top->isVisible() && top->inherits("QDialog"))
                    shown = top;
        }
        shown->grab().save(file);
        std::printf("%s\n", qPrintable(file));
        QApplication::quit();
    };
    QObject::connect(&window, &MainWindow::catalogShown, &window, [save] { QTimer::singleShot(300, save); });
    QTimer::singleShot(10000, &window, save); // no profile, no scan: take it anyway
}

int main(int argc, char* argv[])
{
    // An upload's pipe to ssh may close under a write (the link dropped): that write must fail,
    // and the job say so, instead of the signal closing the window.
    std::signal(SIGPIPE, SIG_IGN);
    QApplication app(argc, argv);
    setUpApplication(app);
    QApplication::setApplicationDisplayName(QStringLiteral("Coffre"));
    QApplication::setDesktopFileName(QStringLiteral("io.github.coffre.Coffre"));

    QCommandLineParser parser;
    parser.setApplicationDescription(WindowOptions::description());
    parser.addHelpOption();
    parser.addVersionOption();
    const WindowOptions options;
    parser.addOptions(options.all());
    parser.process(app);

    MainWindow window;
    if (parser.isSet(options.profile))
        window.selectProfile(parser.value(options.profile));
    if (parser.isSet(options.screenshot))
        saveScreenshotWhenShown(window, parser.value(options.screenshot), parser.value(options.dialog));
    window.show();
    return app.exec();
}
