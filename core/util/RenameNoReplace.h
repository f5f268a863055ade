#pragma once

#include "Result.h"

#include <QCoreApplication>

namespace coffre {

// rename(2) that fails instead of replacing `to` when it exists (renameat2 RENAME_NOREPLACE;
// on a file system without it, a check just before the rename).
Status renameNoReplace(const QString& from, const QString& to);
// The same on raw file names: a name that is not UTF-8 (caf\xe9.jpg) survives no QString.
Status renameNoReplace(const QByteArray& from, const QByteArray& to);

} // namespace coffre
