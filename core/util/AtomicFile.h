#pragma once

#include "Result.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QFileDevice>

namespace coffre {

// Writes a whole file or nothing: a temporary file beside the target, fsync, rename, fsync of
// the folder. A crash at any moment leaves the old file or the new one, never half of one.
class AtomicFile
{
    Q_DECLARE_TR_FUNCTIONS(AtomicFile)

public:
    static Status write(const QString& path, const QByteArray& content,
                        QFileDevice::Permissions permissions = QFileDevice::ReadOwner | QFileDevice::WriteOwner);
};

} // namespace coffre
