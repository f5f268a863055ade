#pragma once

#include "Cli.h"

namespace coffre {

// Looking inside a backup without restoring it: browse, extract and diff.
class BrowseCommands
{
    Q_DECLARE_TR_FUNCTIONS(BrowseCommands)

public:
    static CliCommand browse();
    static CliCommand extract();
    static CliCommand diff();
};

} // namespace coffre
