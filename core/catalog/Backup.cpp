#include "Backup.h"

namespace coffre {

QString statusToString(BackupStatus status)
{
    switch (status) {
    case BackupStatus::Complete:
        return QStringLiteral("complete");
    case BackupStatus::Incomplete:
        return QStringLiteral("incomplete");
    case BackupStatus::Damaged:
        return QStringLiteral("damaged");
    }
    return {};
}

std::optional<BackupKind> Backup::kind() const
{
    if (manifest)
        return manifest->kind;
    return std::nullopt;
}

QStringList Backup::components() const
{
    return manifest ? manifest->components() : QStringList();
}

} // namespace coffre
