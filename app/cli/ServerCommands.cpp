#include "ServerCommands.h"

#include "CliJobRunner.h"
#include "CliTarget.h"
#include "profile/ProfileStore.h"
#include "remote/RemoteCli.h"
#include "remote/RemoteTransfer.h"
#include "util/Background.h"
#include "util/HumanSize.h"

#include <QJsonObject>
#include <QProcess>

#include <atomic>
#include <csignal>
#include <unistd.h>

namespace coffre {
namespace {

std::atomic<bool> stopRequested{false};
void onStopSignal(int)
{
    stopRequested = true;
}

// The command line without the options that only say where the server is: the rest is the
// server's business. --server-profile becomes the server's --profile; with a server profile of
// this desktop, its --profile goes too (the server's own name is in the destination).
QStringList serverSideArguments(const QStringList& arguments, bool dropProfile)
{
    QStringList kept;
    QStringList ours;
    for (const QCommandLineOption& option : ServerCommands::options())
        ours << option.names();
    if (dropProfile)
        ours << QStringLiteral("profile");
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString& arg = arguments[i];
        if (arg == u"--") { // what follows is arguments, never options
            kept << arguments.mid(i);
            break;
        }
        if (!arg.startsWith(u'-')) {
            kept << arg;
            continue;
        }
        // "-server HOST" is "--server HOST" too (single-dash words are long options).
        const QString name = arg.mid(arg.startsWith(QLatin1String("--")) ? 2 : 1).section(u'=', 0, 0);
        if (!ours.contains(name)) {
            kept << arg;
            continue;
        }
        if (!arg.contains(u'='))
            ++i; // "--server HOST": HOST goes too
    }
    return kept;
}

} // namespace

QList<QCommandLineOption> ServerCommands::options()
{
    return {
        {QStringLiteral("server"), tr("Run the command on this server over ssh: user@host or a Host of ~/.ssh/config."),
         QStringLiteral("DESTINATION")},
        {QStringLiteral("server-profile"), tr("The profile on the server (default: its only one)."), QStringLiteral("NAME")},
        {QStringLiteral("server-port"), tr("The server's SSH port."), QStringLiteral("PORT")},
        {QStringLiteral("server-identity"), tr("The SSH key to use (default: ssh's own choice)."), QStringLiteral("FILE")},
        {QStringLiteral("server-cli"), tr("coffre-cli's path on the server (default: coffre-cli)."), QStringLiteral("PATH")},
        {QStringLiteral("ssh-config"), tr("An ssh configuration file instead of ~/.ssh/config."), QStringLiteral("FILE")},
    };
}

SshDestination ServerCommands::destination(const QCommandLineParser& parser)
{
    SshDestination server;
    server.host = parser.value(QStringLiteral("server"));
    server.port = parser.value(QStringLiteral("server-port")).toInt();
    server.identityFile = parser.value(QStringLiteral("server-identity"));
    server.configFile = parser.value(QStringLiteral("ssh-config"));
    if (parser.isSet(QStringLiteral("server-cli")))
        server.remoteCli = parser.value(QStringLiteral("server-cli"));
    server.remoteProfile = parser.value(QStringLiteral("server-profile"));
    return server;
}

std::optional<SshDestination> ServerCommands::profileServer(const QCommandLineParser& parser)
{
    if (isSet(parser) || !parser.isSet(QStringLiteral("profile")))
        return std::nullopt;
    const Result<Profile> profile = ProfileStore().load(parser.value(QStringLiteral("profile")));
    if (!profile || !profile->isOnServer())
        return std::nullopt;
    return profile->server;
}

int ServerCommands::forward(const CliContext& cli, const QStringList& arguments)
{
    const std::optional<SshDestination> ofProfile = profileServer(cli.parser);
    const SshDestination server = ofProfile ? *ofProfile : destination(cli.parser);
    // Plain-words ssh failures (unknown host key, refused key…) and an old server, before anything runs.
    if (const Result<ServerCliInfo> info = RemoteCli::connect(server); !info)
        return cli.fail(info.error());
    QStringList remote = serverSideArguments(arguments, ofProfile.has_value());
    const bool password = cli.parser.isSet(QStringLiteral("password-stdin")); // read already: sent on ssh's stdin
    const bool person = !cli.json() && !password && ::isatty(STDIN_FILENO) && ::isatty(STDOUT_FILENO);
    const bool streamIn = !password && remote.contains(QStringLiteral("import")) && remote.contains(QStringLiteral("-"));
    // With a person at a terminal, the server gets one too (OUI prompts, Ctrl-C through it).
    // Otherwise the server's coffre-cli cancels when this one's pipe to it closes. First, where
    // a "--" cannot turn it into an argument.
    if (!person && !streamIn)
        remote.prepend(QStringLiteral("--cancel-on-eof"));
    QStringList sshArguments = server.commandLine(remote);
    if (person)
        sshArguments.prepend(QStringLiteral("-t"));
    cli.out.flush();
    QProcess ssh;
    ssh.setProcessChannelMode(QProcess::ForwardedChannels);
    if (person || streamIn)
        ssh.setInputChannelMode(QProcess::ForwardedInputChannel);
    ssh.start(QStringLiteral("ssh"), sshArguments);
    if (!ssh.waitForStarted(10000))
        return cli.fail(Error{RemoteCli::tr("Could not start ssh: is the OpenSSH client installed?"), ssh.errorString()});
    if (password)
        ssh.write(CliPassword::given().toUtf8() + '\n'); // the pipe stays open: its end is the cancel
    stopRequested = false;
    struct sigaction action{};
    action.sa_handler = onStopSignal;
    struct sigaction previousTerm{}, previousHup{};
    sigaction(SIGTERM, &action, &previousTerm);
    sigaction(SIGHUP, &action, &previousHup);
    while (!ssh.waitForFinished(100)) {
        if (stopRequested.exchange(false))
            ssh.closeWriteChannel(); // the server's coffre-cli cancels and cleans up
    }
    sigaction(SIGTERM, &previousTerm, nullptr);
    sigaction(SIGHUP, &previousHup, nullptr);
    cli.output.answeredElsewhere();
    return ssh.exitStatus() == QProcess::NormalExit ? ssh.exitCode() : int(ExitFailure);
}

namespace {

Result<Profile> localSide(const CliContext& cli)
{
    return CliTarget::resolve(cli.parser);
}

int runDownload(const CliContext& cli)
{
    if (!ServerCommands::isSet(cli.parser))
        return cli.usage(ServerCommands::tr("download copies a backup from a server or from off-site: give --server or --offsite."));
    const QStringList names = cli.parser.positionalArguments().mid(1);
    if (names.size() != 1)
        return cli.usage(ServerCommands::tr("Name one backup of the server."));
    const Result<Profile> local = localSide(cli);
    if (!local)
        return cli.usage(local.error().message);
    const SshDestination server = ServerCommands::destination(cli.parser);
    if (const Result<ServerCliInfo> info = RemoteCli::connect(server); !info)
        return cli.fail(info.error());
    const Result<Backup> copied = runWithPassword<Backup>(
        *local, false, CliJobRunner::stderrIsTerminal(), [&](const QString&, std::shared_ptr<JobControl> control) {
            return runInBackground([server, name = names.first(), repository = local->repository, control] {
                return RemoteTransfer::download(server, name, repository, *control);
            });
        });
    if (!copied)
        return cli.fail(copied.error());
    if (cli.json())
        return cli.succeed(QJsonObject{{QStringLiteral("name"), copied->name},
                                       {QStringLiteral("size_bytes"), copied->sizeBytes},
                                       {QStringLiteral("repository"), local->repository}});
    cli.out << ServerCommands::tr("Downloaded %1 (%2) from %3 into %4; every checksum was verified.")
                   .arg(copied->name, humanSize(copied->sizeBytes), server.displayName(), local->repository)
            << Qt::endl;
    return ExitSuccess;
}

int runUpload(const CliContext& cli)
{
    if (!ServerCommands::isSet(cli.parser))
        return cli.usage(ServerCommands::tr("upload copies a backup to a server or off-site: give --server or --offsite."));
    const QStringList names = cli.parser.positionalArguments().mid(1);
    if (names.size() != 1)
        return cli.usage(ServerCommands::tr("Name one local backup."));
    const Result<Profile> local = localSide(cli);
    if (!local)
        return cli.usage(local.error().message);
    const Result<Backup> backup = CliTarget::completeBackup(*local, names.first());
    if (!backup)
        return cli.fail(backup.error());
    const SshDestination server = ServerCommands::destination(cli.parser);
    if (const Result<ServerCliInfo> info = RemoteCli::connect(server); !info)
        return cli.fail(info.error());
    const Result<QString> sent = runWithPassword<QString>(
        *local, false, CliJobRunner::stderrIsTerminal(), [&](const QString&, std::shared_ptr<JobControl> control) {
            return runInBackground([server, b = *backup, control] { return RemoteTransfer::upload(server, b, *control); });
        });
    if (!sent)
        return cli.fail(sent.error());
    if (cli.json())
        return cli.succeed(QJsonObject{{QStringLiteral("name"), *sent}, {QStringLiteral("server"), server.displayName()}});
    cli.out << ServerCommands::tr("Uploaded %1 (%2) to %3; the server checked every checksum.")
                   .arg(*sent, humanSize(backup->sizeBytes), server.displayName())
            << Qt::endl;
    return ExitSuccess;
}

} // namespace

CliCommand ServerCommands::download()
{
    return {QStringLiteral("download"),
            tr("Copy a backup of the server (--server), or of the off-site storage (the profile's, or --offsite), into the local "
               "repository (--profile or --repository)."),
            QStringLiteral("NAME"),
            [] { return QList<QCommandLineOption>{{QStringLiteral("to"), tr("Off-site only: fetch into this folder instead."), QStringLiteral("DIR")}}; },
            runDownload};
}

CliCommand ServerCommands::upload()
{
    return {QStringLiteral("upload"),
            tr("Copy a local backup (--profile or --repository) to the server's repository (--server), or off-site (the "
               "profile's, or --offsite)."),
            QStringLiteral("NAME"),
            {}, runUpload};
}

} // namespace coffre
