#pragma once

#include "Cli.h"

namespace coffre {

// coffre-cli delete NAME... [--yes]
class DeleteCommand
{
    Q_DECLARE_TR_FUNCTIONS(DeleteCommand)

public:
    static CliCommand command();
};

} // namespace coffre
