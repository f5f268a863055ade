#pragma once

#include "Manifest.h"

namespace coffre {

// RESTORE_INSTRUCTIONS.md: how to restore this very bundle with pg_restore, tar and zstd alone,
// in English and in French. The commands under "Steps" work when pasted as they are, from inside
// the bundle folder (tests run them).
class RestoreInstructions
{
public:
    static constexpr auto FileName = "RESTORE_INSTRUCTIONS.md";
    static constexpr auto ChecksumsFileName = "SHA256SUMS";
    static QByteArray markdown(const Manifest& manifest);
};

} // namespace coffre
