#include "MainWindow.h"
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
    parser.setApplicationDescription(QApplication::translate("main", "Back up and restore a web application."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption profileOption(QStringLiteral("profile"), QApplication::translate("main", "Open this profile."),
                                           QStringLiteral("name"));
    const QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
                                              QApplication::translate("main", "Save a picture of the window and quit."),
                                              QStringLiteral("file"));
    const QCommandLineOption dialogOption(QStringLiteral("screenshot-dialog"),
                                          QApplication::translate("main", "With --screenshot: picture this dialog (create, restore, browse, profile)."),
                                          QStringLiteral("name"));
    parser.addOptions({profileOption, screenshotOption, dialogOption});
    parser.process(app);

    MainWindow window;
    if (parser.isSet(profileOption))
        window.selectProfile(parser.value(profileOption));
    if (parser.isSet(screenshotOption))
        saveScreenshotWhenShown(window, parser.value(screenshotOption), parser.value(dialogOption));
    window.show();
    return app.exec();
}
