#pragma once

#include "Cli.h"

namespace coffre {

// Commands on off-site copies in object storage: everything given `--repository s3://…`, and
// download/upload without --server (between the local repository and the profile's off-site).
class OffsiteCommands
{
    Q_DECLARE_TR_FUNCTIONS(OffsiteCommands)

public:
    static bool handles(const QCommandLineParser& parser, const QString& command);
    static int run(const CliContext& cli, const CliCommand& command);
};

} // namespace coffre
