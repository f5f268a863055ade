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

    // Room for `bytes` plus a margin, so a job does not leave the disk at zero. Unknown: yes.
    static constexpr qint64 MarginBytes = 16 * 1024 * 1024;
    bool hasRoomFor(qint64 bytes) const { return !valid || availableBytes >= bytes + MarginBytes; }

    static DiskUsage of(const QString& path);
};

} // namespace coffre
