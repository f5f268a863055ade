#pragma once

#include "Cli.h"

namespace coffre {

// restore, verify, undo-restore and cleanup-restore.
class RestoreCommands
{
    Q_DECLARE_TR_FUNCTIONS(RestoreCommands)

public:
    static CliCommand restore();
    static CliCommand verify();
    static CliCommand drill();
    static CliCommand undoRestore();
    static CliCommand cleanupRestore();
};

} // namespace coffre
