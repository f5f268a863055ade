#pragma once

#include "Cli.h"
#include "profile/Profile.h"

namespace coffre {

// coffre-cli create: one backup of the target, now; what cron runs.
class CreateCommand
{
    Q_DECLARE_TR_FUNCTIONS(CreateCommand)

public:
    static CliCommand command();
    // A scheduled run has nobody watching: its outcome (`event` "backup" or "drill") goes to the
    // profile's webhook and mail, as the profile asks.
    static void notify(const CliContext& cli, const Profile& profile, const QString& event, const QString& backup,
                       const Status& outcome, const QStringList& warnings = {});
};

} // namespace coffre
