#pragma once

#include "Result.h"

namespace coffre {

// Removes `path` and everything in it, and nothing else: never through a symlink (a link given
// as `path` is removed itself, its target untouched; links inside are removed as links) and
// never into another mounted file system (a share mounted inside stops the removal, with its
// name, before anything of it is touched). Every level is opened relative to its parent with
// O_NOFOLLOW, so a folder swapped for a link while this runs is not followed either.
Status removeTree(const QString& path);

} // namespace coffre
