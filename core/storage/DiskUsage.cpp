#include "DiskUsage.h"

#include <QStorageInfo>

#include <cmath>

namespace coffre {

DiskUsage DiskUsage::of(const QString& path)
{
    const QStorageInfo storage(path);
    DiskUsage usage;
    if (!storage.isValid() || storage.bytesTotal() <= 0)
        return usage;
    usage.valid = true;
    usage.totalBytes = storage.bytesTotal();
    usage.availableBytes = storage.bytesAvailable();
    const qint64 used = storage.bytesTotal() - storage.bytesFree();
    const qint64 denominator = used + usage.availableBytes;
    usage.usedPercent = denominator > 0 ? int(std::ceil(100.0 * double(used) / double(denominator))) : 0;
    return usage;
}

} // namespace coffre
