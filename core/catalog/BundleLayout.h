#pragma once

#include <QString>

namespace coffre {

// The files a bundle folder may hold: what BackupJob writes and nothing else. Delete uses it to
// never remove a folder that is not a backup, import to refuse a file carrying anything more.
namespace BundleLayout {

// "database.dump.zst", "sources/backend.tar.zst", "manifest.json", ...
bool isBundleFile(const QString& relativePath);
// The first entry below `folder` that no bundle holds (a link, a photo, a nested folder), or empty.
QString foreignEntry(const QString& folder);

} // namespace BundleLayout
} // namespace coffre
