#pragma once

#include "Result.h"
#include "catalog/Backup.h"
#include "jobs/JobControl.h"
#include "profile/Profile.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHash>

namespace coffre {

// What a restore drill found, as recorded in <repository>/.coffre-drills.jsonl.
struct DrillResult
{
    QString backup;
    QDateTime at;
    bool ok = false;
    QString message;
    qint64 durationMs = 0;
    int tables = 0;
    qint64 rows = 0;
    qint64 sourceFiles = 0;
};

// A backup nobody ever restored is only a hope. A drill proves one restorable without touching
// the application: every checksum; the database restored into a scratch database (the normal
// restore, which compares every table's row count with the manifest), then dropped; every source
// archive read to its end and its files counted against the manifest. The result is recorded
// beside the repository, and the list shows each backup's last success ("proven restorable").
class DrillJob
{
    Q_DECLARE_TR_FUNCTIONS(DrillJob)

public:
    static constexpr auto LogName = ".coffre-drills.jsonl";
    static Result<DrillResult> run(const Profile& profile, const Backup& backup, const QString& password, JobControl& control);
    // The time of each backup's last successful drill.
    static QHash<QString, QDateTime> provenRestorable(const QString& repository);

private:
    static void record(const QString& repository, const DrillResult& result);
};

} // namespace coffre
