#include "BrowseCommands.h"
#include "Cli.h"
#include "CreateCommand.h"
#include "DeleteCommand.h"
#include "ListCommands.h"
#include "RestoreCommands.h"
#include "TransferCommands.h"
#include "util/AppSetup.h"

#include <QCoreApplication>
#include <QLoggingCategory>

using namespace coffre;

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    setUpApplication(app);
    // Quiet for cron: what a job does goes to its log; QT_LOGGING_RULES="coffre.*=true" shows it.
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(QStringLiteral("coffre.*.info=false"));
    Cli cli({ListCommands::profiles(), ListCommands::list(), ListCommands::info(), CreateCommand::command(), RestoreCommands::restore(),
             RestoreCommands::verify(), RestoreCommands::undoRestore(), RestoreCommands::cleanupRestore(),
             DeleteCommand::command(), BrowseCommands::browse(), BrowseCommands::extract(), BrowseCommands::diff(),
             TransferCommands::exportBackup(), TransferCommands::importBackup()});
    return cli.run(QCoreApplication::arguments());
}
