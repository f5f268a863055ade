#pragma once

#include "Cli.h"

#include <QDateTime>
#include <optional>

namespace coffre {

// coffre-cli log [--since DATE] [--action A]... [--outcome O] [--json]: the repository's audit log.
class LogCommand
{
    Q_DECLARE_TR_FUNCTIONS(LogCommand)

public:
    static CliCommand command();
    // "2026-05-01", "2026-05-01T02:30", "today", "yesterday", "7d", "12h", "2w"; nothing when unreadable.
    static std::optional<QDateTime> parseSince(const QString& text, const QDateTime& now = QDateTime::currentDateTime());
};

} // namespace coffre
