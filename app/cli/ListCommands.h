#pragma once

#include "Cli.h"

namespace coffre {

// "profiles" and "list": what exists, as text for people or JSON for scripts.
class ListCommands
{
    Q_DECLARE_TR_FUNCTIONS(ListCommands)

public:
    static CliCommand profiles();
    static CliCommand list();
    static CliCommand scan();
    static CliCommand saveProfile();
    static CliCommand info();
};

} // namespace coffre
