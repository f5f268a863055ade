#include "DrillJob.h"

#include "browse/ArchiveReader.h"
#include "jobs/RestoreJob.h"
#include "postgres/DatabaseAdmin.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <fcntl.h>
#include <unistd.h>

namespace coffre {

namespace {

// Reads every entry of a source archive to its end: it decompresses, and holds `expected` files.
Result<qint64> readWholeArchive(const QStringList& paths, JobControl& control)
{
    ArchiveReader reader;
    if (Status opened = reader.open(paths); !opened)
        return opened.error();
    qint64 files = 0;
    ArchiveEntry entry;
    while (reader.next(entry)) {
        if (control.isCanceled())
            return Error{DrillJob::tr("Canceled."), {}, ErrorCode::Canceled};
        if (entry.type != ArchiveEntry::Type::Directory) // files and links, as the manifest counts them
            ++files;
        if (Status read = reader.readData([&control](const char*, qint64 size) { control.addBytesDone(size); return true; }); !read)
            return read.error();
    }
    if (!reader.status())
        return reader.status().error();
    return files;
}

} // namespace

Result<DrillResult> DrillJob::run(const Profile& profile, const Backup& backup, const QString& password, JobControl& control)
{
    if (Status complete = backup.checkComplete(); !complete)
        return complete.error();
    QElapsedTimer timer;
    timer.start();
    DrillResult result;
    result.backup = backup.name;
    result.at = QDateTime::currentDateTimeUtc();
    const Manifest& manifest = *backup.manifest;
    auto finish = [&](const Error* failure) -> Result<DrillResult> {
        result.ok = failure == nullptr;
        result.durationMs = timer.elapsed();
        result.message = failure ? failure->message : tr("Restorable: every checksum, %n table(s) with their row counts, %1 file(s).", nullptr, result.tables)
                                                         .arg(result.sourceFiles);
        if (!failure || failure->code != ErrorCode::Canceled)
            record(QFileInfo(backup.path).path(), result);
        if (failure)
            return Error{tr("The drill of %1 failed: %2").arg(backup.name, failure->message), failure->detail, failure->code};
        return result;
    };

    // The database: the normal restore under a scratch name (checksums, pg_restore, row counts).
    if (manifest.database && !profile.database.isEmpty()) {
        RestoreRequest request;
        request.profile = profile;
        request.password = password;
        request.backup = backup;
        request.asDatabase = QStringLiteral("coffre_drill_") + result.at.toString(QStringLiteral("yyyyMMdd_HHmmss"));
        const Result<RestoreOutcome> restored = RestoreJob::run(request, control);
        auto admin = DatabaseAdmin::connect(profile.database, password);
        if (admin.ok())
            admin.value().drop(request.asDatabase); // whatever happened: a drill leaves nothing behind
        if (!restored) {
            const Error failure = restored.error();
            return finish(&failure);
        }
        result.tables = int(manifest.database->tables.size());
        for (const TableRowCount& table : manifest.database->tables)
            result.rows += table.rows;
    }
    // The folders: every archive read to its end, its files counted.
    control.setPhase(tr("Reading the folders' archives…"));
    for (const SourcePart& source : manifest.sources) {
        const Result<qint64> files = readWholeArchive(source.archivePaths(backup.path), control);
        if (!files) {
            const Error failure = files.error();
            return finish(&failure);
        }
        if (*files != source.fileCount) {
            const Error failure{tr("%1 holds %2 files where the manifest says %3.").arg(source.label).arg(*files).arg(source.fileCount)};
            return finish(&failure);
        }
        result.sourceFiles += *files;
    }
    return finish(nullptr);
}

void DrillJob::record(const QString& repository, const DrillResult& result)
{
    const QByteArray line = QJsonDocument(QJsonObject{{QStringLiteral("backup"), result.backup},
                                                      {QStringLiteral("time"), result.at.toString(Qt::ISODateWithMs)},
                                                      {QStringLiteral("ok"), result.ok},
                                                      {QStringLiteral("message"), result.message},
                                                      {QStringLiteral("duration_ms"), result.durationMs},
                                                      {QStringLiteral("tables"), result.tables},
                                                      {QStringLiteral("rows"), result.rows},
                                                      {QStringLiteral("files"), result.sourceFiles}})
                                .toJson(QJsonDocument::Compact)
                            + '\n';
    // One write with O_APPEND: lines of concurrent drills never interleave.
    const int fd = ::open(QFile::encodeName(QDir(repository).filePath(QLatin1String(LogName))).constData(),
                          O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    [[maybe_unused]] const ssize_t written = ::write(fd, line.constData(), size_t(line.size()));
    ::close(fd);
}

QHash<QString, QDateTime> DrillJob::provenRestorable(const QString& repository)
{
    QHash<QString, QDateTime> proven;
    QFile file(QDir(repository).filePath(QLatin1String(LogName)));
    if (!file.open(QIODevice::ReadOnly))
        return proven;
    while (!file.atEnd()) {
        const QJsonObject line = QJsonDocument::fromJson(file.readLine()).object();
        if (!line.value(QLatin1String("ok")).toBool())
            continue;
        const QDateTime at = QDateTime::fromString(line.value(QLatin1String("time")).toString(), Qt::ISODateWithMs);
        const QString backup = line.value(QLatin1String("backup")).toString();
        if (at.isValid() && at > proven.value(backup))
            proven.insert(backup, at);
    }
    return proven;
}

} // namespace coffre
