#pragma once

#include "Result.h"
#include "catalog/Backup.h"
#include "jobs/JobControl.h"
#include "s3/S3Client.h"
#include "s3/S3Location.h"
#include "util/Background.h"

#include <QCoreApplication>
#include <QFuture>

#include <memory>

namespace coffre {

// Off-site copies of backups in object storage, one bundle per folder, as on disk:
//   s3://bucket/prefix/<name>/database.dump.zst, sources/…, SHA256SUMS, …, manifest.json
// The manifest is written last and deleted first, so a bundle whose upload was cut short (or
// whose deletion was) is never listed as a backup. Listing reads every manifest once and keeps
// it in a local cache keyed by its ETag: a second listing reads only the object list.
// Blocking: for a worker thread; one store per thread (it holds an S3Client).
class OffsiteStore
{
    Q_DECLARE_TR_FUNCTIONS(OffsiteStore)

public:
    // Fills the location's gaps from the environment (AwsEnvironment); `secret` from the keychain.
    static Result<std::unique_ptr<OffsiteStore>> open(const s3::S3Location& location, const QString& secret = {});
    OffsiteStore(s3::S3Location location, s3::S3Endpoint endpoint);

    void setControl(std::shared_ptr<JobControl> control);
    const s3::S3Location& location() const { return m_location; }

    // Every complete off-site backup, newest first; path is "s3://bucket/prefix/name".
    Result<QList<Backup>> list();
    // The last listing of this location as cached here, without asking the storage: instant.
    static QList<Backup> cachedList(const s3::S3Location& location);
    Result<Backup> find(const QString& name);

    // Copies a complete local backup there; every byte sent is checked against the manifest's
    // SHA-256, the storage checks each request's MD5, sizes are read back. Fails with code
    // "exists" when that name is already off-site.
    Result<Backup> upload(const Backup& local);
    // Brings a backup into `repository` (a hidden staging folder, every checksum verified as it
    // arrives, then renamed into place): the repository never holds a partial copy.
    Result<Backup> download(const QString& name, const QString& repository);
    // Reads every byte of an off-site backup and checks it, keeping nothing.
    Status verify(const QString& name);
    Status remove(const QString& name);
    // Multipart uploads nobody will finish: those of `name` (a run killed while sending it), and
    // any older than a day (another machine's may be in progress). Returns how many were aborted.
    Result<int> abortStaleUploads(const QString& name = {});

    // One list of a repository's backups and their off-site copies, newest first: a name in
    // both is one row (here, with `offsite` set); the off-site-only ones have `here` unset.
    static QList<Backup> merge(const QList<Backup>& local, const QList<Backup>& offsite);

    static constexpr auto StagingPrefix = ".downloading-";

private:
    Result<Backup> send(const Backup& local);
    Result<Backup> fetch(const QString& name, const QString& repository);
    Status fetchInto(const Manifest& manifest, const QString& name, const QString& folder);
    QString cacheFolder() const;
    static QString cacheFolderFor(const s3::S3Location& location);
    Backup backupFrom(const QString& name, const Manifest& manifest, qint64 bytes) const;
    static Backup backupAt(const s3::S3Location& location, const QString& name, const Manifest& manifest, qint64 bytes);

    s3::S3Location m_location;
    s3::S3Client m_client;
    std::shared_ptr<JobControl> m_control;
};

// Runs `work(store)` on a worker thread with a store of its own (Qt Network objects belong to
// the thread that makes them): how the window and the CLI run every off-site job.
template<typename T, typename Work>
QFuture<Result<T>> runOnOffsiteStore(s3::S3Location location, QString secret, std::shared_ptr<JobControl> control, Work work)
{
    return runInBackground([location, secret, control, work]() -> Result<T> {
        auto store = OffsiteStore::open(location, secret);
        if (!store.ok())
            return store.error();
        if (control)
            (*store)->setControl(control);
        return work(**store);
    });
}

} // namespace coffre
