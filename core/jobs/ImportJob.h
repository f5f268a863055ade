#pragma once

#include "JobControl.h"
#include "Result.h"
#include "catalog/Backup.h"

#include <QCoreApplication>
#include <QFuture>
#include <QHash>

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
    static constexpr auto StandardInput = "-"; // `import -`: the .tar stream of `export NAME --to -`

    static QFuture<Result<Backup>> start(QString repository, QString file, std::shared_ptr<JobControl> control);
    // Blocking: for a worker thread.
    static Result<Backup> run(const QString& repository, const QString& file, JobControl& control);
    // The .tar of `export NAME --to -` read from an open pipe (stdin, ssh's stdout);
    // `expectedBytes` (0: unknown) is only for the progress bar.
    static Result<Backup> runFromStream(const QString& repository, int fd, JobControl& control, qint64 expectedBytes = 0);

private:
    static Status checkHashes(const Backup& staged, const QByteArray& top, const QHash<QByteArray, QString>& taken,
                              JobControl& control);
    // `streamBytes` < 0: `file` is a file; otherwise a stream of about that many bytes (0: unknown).
    static Result<Backup> importFrom(const QString& repository, const QString& file, qint64 streamBytes, JobControl& control);
};

} // namespace coffre
