#include "Cli.h"
#include "ListCommands.h"
#include "util/AppSetup.h"

#include <QCoreApplication>

using namespace coffre;

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    setUpApplication(app);
    Cli cli({ListCommands::profiles(), ListCommands::list()});
    return cli.run(QCoreApplication::arguments());
}
