#pragma once

#include <QString>

namespace coffre {

// "1.4 GB", "320 KB": decimal units as file managers show them, in the current locale.
QString humanSize(qint64 bytes);

} // namespace coffre
