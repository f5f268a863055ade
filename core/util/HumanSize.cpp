#include "HumanSize.h"

#include <QLocale>

namespace coffre {

QString humanSize(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

} // namespace coffre
