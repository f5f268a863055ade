#include "Profile.h"

namespace coffre {

QStringList Profile::defaultExclusions()
{
    return {QStringLiteral("node_modules"), QStringLiteral(".next"), QStringLiteral("dist"), QStringLiteral("*.log"),
            QStringLiteral(".env.local")};
}

} // namespace coffre
