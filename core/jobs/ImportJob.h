#pragma once

#include "JobControl.h"
#include "Result.h"
#include "catalog/Backup.h"

#include <QCoreApplication>
#include <QFuture>

#include <memory>

namespace coffre {

// Takes an exported backup (.tar or .zip, as ExportJob writes them) back into a repository. The
// file is untrusted: it is extracted by SecureExtractor into a hidden staging folder, must hold
// exactly one backup folder with only bundle files, a valid manifest and every checksum right;
// only then is the folder renamed into the repository. Anything less leaves the repository as it was.
class ImportJob
{
    Q_DECLARE_TR_FUNCTIONS(ImportJob)

public:
    static constexpr auto StagingPrefix = ".importing-";

    static QFuture<Result<Backup>> start(QString repository, QString file, std::shared_ptr<JobControl> control);
    // Blocking: for a worker thread.
    static Result<Backup> run(const QString& repository, const QString& file, JobControl& control);
};

} // namespace coffre
