#pragma once

#include "Cli.h"

namespace coffre {

// coffre-cli notify set [--webhook URL] [--mail ADDRESSES] [--on-success|--failures-only]
// [--disk-percent N] [--shrink-percent N] | show | test | remove: who hears about a profile's
// scheduled backups, and when a backup that worked still warns.
class NotifyCommand
{
    Q_DECLARE_TR_FUNCTIONS(NotifyCommand)

public:
    static CliCommand command();
};

} // namespace coffre
