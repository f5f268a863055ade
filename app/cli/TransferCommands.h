#pragma once

#include "Cli.h"

namespace coffre {

// Taking a backup out of its repository as one file, and back in: export and import.
class TransferCommands
{
    Q_DECLARE_TR_FUNCTIONS(TransferCommands)

public:
    static CliCommand exportBackup();
    static CliCommand importBackup();
};

} // namespace coffre
