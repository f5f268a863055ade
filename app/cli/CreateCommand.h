#pragma once

#include "Cli.h"

namespace coffre {

// coffre-cli create: one backup of the target, now; what cron runs.
class CreateCommand
{
    Q_DECLARE_TR_FUNCTIONS(CreateCommand)

public:
    static CliCommand command();
};

} // namespace coffre
