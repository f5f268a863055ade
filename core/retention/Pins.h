#pragma once

#include "Result.h"

#include <QCoreApplication>
#include <QSet>

namespace coffre {

// Backups that retention never prunes, by name, in <repository>/.coffre-pins (a JSON list; hidden,
// so no catalog takes it for a backup). A profile's off-site copies follow its local pins.
class Pins
{
    Q_DECLARE_TR_FUNCTIONS(Pins)

public:
    static constexpr auto FileName = ".coffre-pins";
    static QSet<QString> read(const QString& repository);
    static Status set(const QString& repository, const QString& name, bool pinned);
};

} // namespace coffre
