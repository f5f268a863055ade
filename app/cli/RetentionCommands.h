#pragma once

#include "Cli.h"

namespace coffre {

// "prune" applies a profile's retention (here, or off-site with --offsite), "pin"/"unpin" keep
// a backup out of its reach.
class RetentionCommands
{
    Q_DECLARE_TR_FUNCTIONS(RetentionCommands)

public:
    static CliCommand prune();
    static CliCommand pin();
    static CliCommand unpin();
};

} // namespace coffre
