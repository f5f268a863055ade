#pragma once

#include <QDateTime>
#include <QString>

namespace coffre {

// The names that end up as file or folder names inside a repository. Every one of them is
// checked here, because a name read from a manifest or typed by a user must never reach
// outside its folder.
namespace BundleNames {

// Backup names, source labels, bucket names and profile names: letters, digits, '-', '_', '.',
// not starting with '.', at most 128 characters.
bool isValidName(const QString& name);

// A path of a file inside a bundle, as listed in the manifest: "manifest-level" files such as
// "database.dump", one level down in "sources/" or "objects/", or a pack two levels down
// ("sources/backend/0007.tar.zst"). Never absolute, never "..".
bool isValidBundlePath(const QString& path);

// "backup_YYYYMMDD_HHMMSS" for the given local time.
QString defaultBackupName(const QDateTime& localTime);

} // namespace BundleNames
} // namespace coffre
