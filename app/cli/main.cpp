#include "BrowseCommands.h"
#include "Cli.h"
#include "CreateCommand.h"
#include "DeleteCommand.h"
#include "ListCommands.h"
#include "LogCommand.h"
#include "NotifyCommand.h"
#include "RestoreCommands.h"
#include "RetentionCommands.h"
#include "ScheduleCommand.h"
#include "ServerCommands.h"
#include "TransferCommands.h"
#include "util/AppSetup.h"

#include <QCoreApplication>
#include <QLoggingCategory>

#include <csignal>

using namespace coffre;

int main(int argc, char* argv[])
{
    // A closed pipe (the desktop's ssh gone) must not kill a job halfway: writes fail instead,
    // and the job is canceled and cleaned up (see --cancel-on-eof).
    std::signal(SIGPIPE, SIG_IGN);
    QCoreApplication app(argc, argv);
    setUpApplication(app);
    // Quiet for cron: what a job does goes to its log; QT_LOGGING_RULES="coffre.*=true" shows it.
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(QStringLiteral("coffre.*.info=false"));
    Cli cli({ListCommands::profiles(), ListCommands::saveProfile(), ListCommands::list(), ListCommands::scan(), ListCommands::info(), CreateCommand::command(), RestoreCommands::restore(),
             RestoreCommands::verify(), RestoreCommands::drill(), RestoreCommands::undoRestore(), RestoreCommands::cleanupRestore(),
             DeleteCommand::command(), BrowseCommands::browse(), BrowseCommands::extract(), BrowseCommands::diff(),
             TransferCommands::exportBackup(), TransferCommands::importBackup(), Cli::versionCommand(),
             ServerCommands::download(), ServerCommands::upload(), RetentionCommands::prune(), RetentionCommands::pin(),
             RetentionCommands::unpin(), LogCommand::command(), ScheduleCommand::command(), NotifyCommand::command()});
    return cli.run(QCoreApplication::arguments());
}
