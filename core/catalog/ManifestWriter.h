#pragma once

#include "Manifest.h"
#include "Result.h"

#include <QByteArray>

namespace coffre {

class ManifestWriter
{
public:
    static QByteArray toJson(const Manifest& manifest);
    // Writes <bundleDir>/manifest.json atomically (temporary file, fsync, rename, fsync of the
    // folder), 0600: a bundle either has its whole manifest or none.
    static Status writeToBundle(const Manifest& manifest, const QString& bundleDir);
};

} // namespace coffre
