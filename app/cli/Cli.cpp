#include "Cli.h"

#include "CliJobRunner.h"
#include "CliManual.h"
#include "CliTarget.h"
#include "OffsiteCommands.h"
#include "ServerCommands.h"
#include "Version.h"

#include <QJsonObject>


namespace coffre {

int CliContext::succeed(const QJsonValue& answer) const
{
    output.result(answer);
    return ExitSuccess;
}

int CliContext::fail(const Error& error) const
{
    if (json()) {
        output.error(error, QStringLiteral("failed"));
        return ExitFailure;
    }
    err << "coffre-cli: " << error.message << Qt::endl;
    if (!error.detail.isEmpty())
        err << "  (" << error.detail << ")" << Qt::endl;
    return ExitFailure;
}

int CliContext::usage(const QString& message) const
{
    if (json()) {
        output.error(Error{message, {}, QStringLiteral("usage")}, QStringLiteral("usage"));
        return ExitUsage;
    }
    err << "coffre-cli: " << message << Qt::endl;
    return ExitUsage;
}

CliCommand Cli::versionCommand()
{
    return {QStringLiteral("version"), tr("Print the version, and with --json the protocol a desktop checks."), QString(), {},
            [](const CliContext& cli) {
                if (cli.json())
                    return cli.succeed(QJsonObject{{QStringLiteral("name"), QStringLiteral("coffre-cli")},
                                                   {QStringLiteral("version"), QString::fromLatin1(Version)},
                                                   {QStringLiteral("protocol"), ProtocolVersion},
                                                   {QStringLiteral("oldest_protocol"), OldestCompatibleProtocol}});
                cli.out << "coffre-cli " << Version << Qt::endl;
                return int(ExitSuccess);
            }};
}

QList<QCommandLineOption> Cli::globalOptions()
{
    return CliTarget::options() + ServerCommands::options()
           + QList<QCommandLineOption>{
               {QStringLiteral("json"), tr("Answer with one JSON document (errors too: {\"error\": {code, message}}).")},
               {QStringLiteral("progress"),
                tr("With json: stream progress as JSON lines on stdout, then one result or error line (the desktop's protocol)."),
                QStringLiteral("json")},
               {QStringLiteral("cancel-on-eof"), tr("Cancel the job when standard input closes (how the desktop cancels over ssh).")},
               {QStringLiteral("password-stdin"), tr("Read the database password from the first line of standard input.")}};
}

QCommandLineOption Cli::helpOption()
{
    return {{QStringLiteral("h"), QStringLiteral("help")}, tr("Show this help.")};
}

Cli::Cli(QList<CliCommand> commands) : m_commands(std::move(commands)), m_out(stdout), m_err(stderr) {}

const CliCommand* Cli::find(const QString& name) const
{
    for (const CliCommand& command : m_commands) {
        if (command.name == name)
            return &command;
    }
    return nullptr;
}

// The first word that is neither an option nor the value of a global option.
QString Cli::findCommandName(const QStringList& arguments) const
{
    QStringList takingValue;
    for (const QCommandLineOption& option : globalOptions())
        if (!option.valueName().isEmpty())
            takingValue << option.names();
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString& arg = arguments[i];
        if (arg == u"--")
            return arguments.value(i + 1);
        if (arg.startsWith(u'-')) {
            const QString name = arg.mid(arg.startsWith(QStringLiteral("--")) ? 2 : 1);
            if (takingValue.contains(name))
                ++i; // "--profile NAME": NAME is not the command
            continue;
        }
        return arg;
    }
    return {};
}

QString Cli::generalHelp() const
{
    QString text = tr("Usage: coffre-cli [global options] COMMAND [options]\n\n"
                      "Backs up and restores a web application: its PostgreSQL database and its source folders.\n\n"
                      "Commands:\n");
    qsizetype width = 0;
    for (const CliCommand& command : m_commands)
        width = std::max(width, command.name.size() + 2);
    for (const CliCommand& command : m_commands)
        text += QStringLiteral("  %1%2\n").arg(command.name.leftJustified(width), command.summary);
    text += tr("\nGlobal options:\n");
    for (const QCommandLineOption& option : globalOptions())
        text += QStringLiteral("  --%1 %2\n      %3\n")
                    .arg(option.names().first(), option.valueName(), option.description());
    text += tr("\n'coffre-cli COMMAND --help' describes one command.\n"
               "Exit status: 0 on success, 1 on failure, 2 on bad usage.\n");
    return text;
}

int Cli::run(const QStringList& arguments)
{
    if (CliManual::handles(arguments)) // --man, --completion: for packagers, hidden from --help
        return CliManual::run(arguments, m_commands, m_out, m_err);
    const QString name = findCommandName(arguments);
    if (name.isEmpty()) {
        if (arguments.contains(QStringLiteral("--version"))) {
            m_out << "coffre-cli " << Version << Qt::endl;
            return ExitSuccess;
        }
        const bool help = arguments.contains(QStringLiteral("--help")) || arguments.contains(QStringLiteral("-h"));
        (help ? m_out : m_err) << generalHelp();
        m_out.flush();
        return help ? ExitSuccess : ExitUsage;
    }
    const CliCommand* command = find(name);
    if (!command) {
        m_err << tr("coffre-cli: unknown command “%1”; 'coffre-cli --help' lists them.").arg(name) << Qt::endl;
        return ExitUsage;
    }

    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.setApplicationDescription(command->summary);
    const QCommandLineOption helpOption = Cli::helpOption();
    parser.addOption(helpOption);
    parser.addOptions(globalOptions());
    if (command->options)
        parser.addOptions(command->options());
    if (!parser.parse(arguments)) {
        m_err << "coffre-cli " << command->name << ": " << parser.errorText() << Qt::endl;
        return ExitUsage;
    }
    if (parser.isSet(helpOption)) {
        // Qt's first line names the binary's full path and not the command: say it our way.
        QString help = parser.helpText();
        help = help.mid(help.indexOf(u'\n'));
        m_out << QStringLiteral("Usage: coffre-cli [global options] %1 [options] %2").arg(command->name, command->arguments)
              << help;
        m_out.flush();
        return ExitSuccess;
    }
    if (parser.isSet(QStringLiteral("progress")) && parser.value(QStringLiteral("progress")) != u"json") {
        m_err << "coffre-cli " << command->name << ": " << tr("--progress takes the word json.") << Qt::endl;
        return ExitUsage;
    }
    const CliOutput::Mode mode = parser.isSet(QStringLiteral("progress")) ? CliOutput::Mode::JsonLines
                                 : parser.isSet(QStringLiteral("json"))   ? CliOutput::Mode::Json
                                                                          : CliOutput::Mode::Text;
    CliOutput output(mode, m_out, m_err);
    CliJobRunner::setOutput(&output);
    CliJobRunner::setCancelOnEndOfInput(parser.isSet(QStringLiteral("cancel-on-eof")));
    if (parser.isSet(QStringLiteral("password-stdin")))
        CliPassword::readFromStdin(); // on a server, forward() sends it on ssh's stdin
    const CliContext context{parser, output.text(), m_err, output};
    // On a server (--server, or a server profile), every command but the two that move backups
    // between the sides runs there.
    const bool onServer = (ServerCommands::isSet(parser) || ServerCommands::profileServer(parser)) &&
                          command->name != u"download" && command->name != u"upload";
    const int status = onServer                                          ? ServerCommands::forward(context, arguments)
                       : OffsiteCommands::handles(parser, command->name) ? OffsiteCommands::run(context, *command)
                                                                         : command->run(context);
    output.finish(status);
    CliJobRunner::setOutput(nullptr);
    m_out.flush();
    m_err.flush();
    return status;
}

} // namespace coffre
