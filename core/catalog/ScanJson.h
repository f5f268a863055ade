#pragma once

#include "Catalog.h"

#include <QJsonObject>

namespace coffre {

// A repository's scan as `coffre-cli scan --json` sends it to a desktop (docs/PROTOCOL.md):
// every backup with its manifest, the totals, the disk, and what Undo would put back.
class ScanJson
{
public:
    static QJsonObject toJson(const RepositoryScan& scan);
    static RepositoryScan fromJson(const QJsonObject& o);
    static QJsonObject backupToJson(const Backup& backup, bool withManifest);
    static Backup backupFromJson(const QJsonObject& o);
};

} // namespace coffre
