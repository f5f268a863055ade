#pragma once

#include <QString>

namespace coffre {

// Free space of the file system that holds a folder, as `df` would show it.
struct DiskUsage
{
    qint64 totalBytes = 0;
    qint64 availableBytes = 0;
    int usedPercent = 0; // like df's "Use%": used / (used + available)
    bool valid = false;

    static constexpr int WarningPercent = 80; // seed 004 alerts at 80 %
    bool nearlyFull() const { return valid && usedPercent >= WarningPercent; }

    static DiskUsage of(const QString& path);
};

} // namespace coffre
