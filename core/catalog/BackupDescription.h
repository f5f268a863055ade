#pragma once

#include "Backup.h"

#include <QCoreApplication>

namespace coffre {

// Everything a backup's manifest says, as lines for people: `coffre-cli info` prints it and the
// Browse dialog's Details tab shows it.
class BackupDescription
{
    Q_DECLARE_TR_FUNCTIONS(BackupDescription)

public:
    static QString text(const Backup& backup);
};

} // namespace coffre
