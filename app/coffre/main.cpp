#include "MainWindow.h"
#include "WindowOptions.h"
#include "util/AppSetup.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QTimer>

#include <csignal>

#include <cstdio>
#include <memory>
#include <utility>

using namespace coffre;

// --screenshot FILE: show the window, wait for the list to load, save what a person would see,
// and quit. Used for the README's and the user guide's pictures (scripts/screenshots) and by
// scripts/run on a machine without a display. With --screenshot-dialog, the picture is of that
// dialog, taken once it has had time to measure what it shows (a modal one too: the timer runs
// inside its event loop, and quit ends every loop).
static void saveScreenshotWhenShown(MainWindow& window, const QString& file, const QString& dialog)
{
    auto save = [&window, file] {
        QWidget* shown = QApplication::activeModalWidget();
        if (!shown) {
            shown = &window;
            for (QWidget* top : QApplication::topLevelWidgets())
                if (top != &window && top->isVisible() && top->inherits("QDialog"))
                    shown = top;
        }
        shown->grab().save(file);
        std::printf("%s\n", qPrintable(file));
        QApplication::quit();
    };
    auto open = [&window, dialog, save] {
        if (!dialog.isEmpty())
            window.showDialogForScreenshot(dialog);
        QTimer::singleShot(dialog.isEmpty() ? 300 : 1500, &window, save);
    };
    auto opened = std::make_shared<bool>(false); // the first scan shown, or the timeout: not both
    auto once = [open, opened] {
        if (!std::exchange(*opened, true))
            open();
    };
    QObject::connect(&window, &MainWindow::catalogShown, &window, once);
    QTimer::singleShot(10000, &window, once); // no profile, no scan: take it anyway
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
    if (parser.isSet(options.profile) && !window.selectProfile(parser.value(options.profile))) {
        // Said on the terminal and in the window (a desktop shortcut has no terminal).
        const QString unknown = QCoreApplication::translate("main", "No profile is named “%1”.").arg(parser.value(options.profile));
        std::fprintf(stderr, "coffre: %s\n", qPrintable(unknown));
        QTimer::singleShot(0, &window, [&window, unknown] { QMessageBox::warning(&window, QStringLiteral("Coffre"), unknown); });
    }
    if (parser.isSet(options.screenshot))
        saveScreenshotWhenShown(window, parser.value(options.screenshot), parser.value(options.dialog));
    window.show();
    return app.exec();
}
