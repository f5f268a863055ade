#pragma once

#include "Cli.h"

namespace coffre::CliManual {

// The man pages and the bash completion, written from the same command table and option lists
// that the parser and --help use, so that they cannot drift apart. For packagers (the build
// runs them), hidden from --help, English when run with LC_ALL=C:
//   coffre-cli --man [coffre-cli|coffre]   a man(7) page on stdout
//   coffre-cli --completion bash           a bash completion script on stdout
bool handles(const QStringList& arguments);
int run(const QStringList& arguments, const QList<CliCommand>& commands, QTextStream& out, QTextStream& err);

QString cliPage(const QList<CliCommand>& commands);
QString windowPage();
QString bashCompletion(const QList<CliCommand>& commands);

} // namespace coffre::CliManual
