#pragma once

#include "Cli.h"
#include "remote/SshDestination.h"

#include <QCoreApplication>

#include <optional>

namespace coffre {

// `coffre-cli --server user@host COMMAND …`: the command runs on the server, through the
// user's ssh, as if typed there; download and upload move backups between the two sides.
class ServerCommands
{
    Q_DECLARE_TR_FUNCTIONS(ServerCommands)

public:
    static QList<QCommandLineOption> options();
    static bool isSet(const QCommandLineParser& parser) { return parser.isSet(QStringLiteral("server")); }
    // `--profile P` where P is a server profile of this desktop: its server (commands run there).
    static std::optional<SshDestination> profileServer(const QCommandLineParser& parser);
    static SshDestination destination(const QCommandLineParser& parser);
    // Runs the command line on the server and returns its exit status.
    static int forward(const CliContext& cli, const QStringList& arguments);

    static CliCommand download();
    static CliCommand upload();
};

} // namespace coffre
