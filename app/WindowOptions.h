#pragma once

#include <QCommandLineOption>
#include <QCoreApplication>

namespace coffre {

// The window's own command-line options, besides Qt's --help and --version: `coffre --help`
// and the man page (`coffre-cli --man coffre`, CliManual) both read them from here.
struct WindowOptions
{
    static QString description() { return QCoreApplication::translate("main", "Back up and restore a web application."); }

    QCommandLineOption profile{QStringLiteral("profile"), QCoreApplication::translate("main", "Open this profile."),
                               QStringLiteral("name")};
    QCommandLineOption screenshot{QStringLiteral("screenshot"),
                                  QCoreApplication::translate("main", "Save a picture of the window and quit."),
                                  QStringLiteral("file")};
    QCommandLineOption dialog{
        QStringLiteral("screenshot-dialog"),
        QCoreApplication::translate("main", "With --screenshot: picture this dialog (create, restore, undo, browse, history, profile, profile-offsite, schedule, retention)."),
        QStringLiteral("name")};

    QList<QCommandLineOption> all() const { return {profile, screenshot, dialog}; }
};

} // namespace coffre
