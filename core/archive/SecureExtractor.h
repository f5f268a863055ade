#pragma once

#include "Result.h"
#include "jobs/JobControl.h"

#include <QCoreApplication>

namespace coffre {

// Extracts a tar (plain, .zst, .gz) into a folder that must not exist yet, and never writes
// outside it: entries with "..", absolute paths, or links that point outside are refused, and
// the whole archive with them (the folder is removed: nothing half-extracted stays). libarchive's
// secure flags are on too, as a second lock.
class SecureExtractor
{
    Q_DECLARE_TR_FUNCTIONS(SecureExtractor)

public:
    struct Summary
    {
        qint64 files = 0;
        qint64 bytes = 0;
    };

    // `maxBytes` (when > 0) caps what may be written: an archive that says it holds more is a bomb.
    static Result<Summary> extract(const QString& archivePath, const QString& target, JobControl& control,
                                   qint64 maxBytes = 0);

    // The checks, public for the tests: a relative path that stays inside its root.
    static bool isSafeEntryPath(const QByteArray& path);
    // A symlink at `entryPath` pointing at `linkTarget` stays inside the root.
    static bool isSafeLinkTarget(const QByteArray& entryPath, const QByteArray& linkTarget);
};

} // namespace coffre
