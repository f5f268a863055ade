#pragma once

#include "Cli.h"

namespace coffre {

// coffre-cli schedule set (--daily HH:MM | --hourly | --weekly DAY HH:MM) | show | remove:
// a profile's schedule, kept in the profile and installed as a systemd user timer or a cron line.
class ScheduleCommand
{
    Q_DECLARE_TR_FUNCTIONS(ScheduleCommand)

public:
    static CliCommand command();
};

} // namespace coffre
