#pragma once

#include "CliOutput.h"
#include "Result.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

#include <functional>
#include <utility>

namespace coffre {

enum ExitCode { ExitSuccess = 0, ExitFailure = 1, ExitUsage = 2 };
// What each exit status means, for the man page (CliManual); the --help's last line says the same.
inline constexpr std::pair<ExitCode, const char*> ExitCodeMeanings[] = {
    {ExitSuccess, "Success."},
    {ExitFailure, "Failure: the command did not do what it was asked (its message says why, on stderr or in the JSON error)."},
    {ExitUsage, "Bad usage: an unknown command or option, a missing or invalid argument."}};

// What a command sees: its parsed options and where its answer goes.
struct CliContext
{
    const QCommandLineParser& parser;
    QTextStream& out; // text for people; in the JSON modes it is kept out of the answer
    QTextStream& err;
    CliOutput& output;

    bool json() const { return output.isJson(); }
    int succeed(const QJsonValue& answer) const; // the JSON answer (JSON modes only); returns ExitSuccess
    int fail(const Error& error) const; // prints "coffre-cli: message", the detail too; returns ExitFailure
    int usage(const QString& message) const; // returns ExitUsage
};

struct CliCommand
{
    QString name;
    QString summary;
    QString arguments; // shown in the usage line, e.g. "NAME"
    std::function<QList<QCommandLineOption>()> options;
    std::function<int(const CliContext&)> run;
};

// coffre-cli [global options] COMMAND [command options]; global options may follow the command.
class Cli
{
    Q_DECLARE_TR_FUNCTIONS(Cli)

public:
    explicit Cli(QList<CliCommand> commands);
    int run(const QStringList& arguments);

    // Options every command takes: the target (CliTarget) and the answer's form (--json, --progress).
    static QList<QCommandLineOption> globalOptions();
    static CliCommand versionCommand();
    static QCommandLineOption helpOption();

    const QList<CliCommand>& commands() const { return m_commands; }

private:
    QString findCommandName(const QStringList& arguments) const;
    QString generalHelp() const;
    const CliCommand* find(const QString& name) const;

    QList<CliCommand> m_commands;
    QTextStream m_out;
    QTextStream m_err;
};

} // namespace coffre
