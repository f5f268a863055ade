#include "Backup.h"

#include <QCoreApplication>

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

QString statusDisplayName(BackupStatus status)
{
    switch (status) {
    case BackupStatus::Complete:
        return QCoreApplication::translate("Backup", "complete");
    case BackupStatus::Incomplete:
        return QCoreApplication::translate("Backup", "incomplete");
    case BackupStatus::Damaged:
        return QCoreApplication::translate("Backup", "damaged");
    }
    return {};
}

std::optional<BackupKind> Backup::kind() const
{
    if (manifest)
        return manifest->kind;
    return std::nullopt;
}

Status Backup::checkComplete() const
{
    if (status == BackupStatus::Complete && manifest)
        return {};
    return Error{QCoreApplication::translate("Backup", "The backup “%1” is %2: %3").arg(name, statusDisplayName(status), problem), {}};
}

QStringList Backup::components() const
{
    return manifest ? manifest->components() : QStringList();
}

} // namespace coffre
