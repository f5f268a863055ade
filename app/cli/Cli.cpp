#include "Cli.h"

#include "CliTarget.h"
#include "Version.h"


namespace coffre {

int CliContext::fail(const Error& error) const
{
    err << "coffre-cli: " << error.message << Qt::endl;
    if (!error.detail.isEmpty())
        err << "  (" << error.detail << ")" << Qt::endl;
    return ExitFailure;
}

int CliContext::usage(const QString& message) const
{
    err << "coffre-cli: " << message << Qt::endl;
    return ExitUsage;
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
    const QStringList takingValue = CliTarget::optionsTakingValue();
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
    for (const CliCommand& command : m_commands)
        text += QStringLiteral("  %1%2\n").arg(command.name.leftJustified(12), command.summary);
    text += tr("\nGlobal options:\n");
    for (const QCommandLineOption& option : CliTarget::options())
        text += QStringLiteral("  --%1 %2\n      %3\n")
                    .arg(option.names().first(), option.valueName(), option.description());
    text += tr("\n'coffre-cli COMMAND --help' describes one command.\n"
               "Exit status: 0 on success, 1 on failure, 2 on bad usage.\n");
    return text;
}

int Cli::run(const QStringList& arguments)
{
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
    const QCommandLineOption helpOption({QStringLiteral("h"), QStringLiteral("help")}, tr("Show this help."));
    parser.addOption(helpOption);
    parser.addOptions(CliTarget::options());
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
    const CliContext context{parser, m_out, m_err};
    const int status = command->run(context);
    m_out.flush();
    m_err.flush();
    return status;
}

} // namespace coffre
