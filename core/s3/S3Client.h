#pragma once

#include "Result.h"
#include "S3Location.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QNetworkAccessManager>
#include <QSslConfiguration>

#include <functional>
#include <memory>

namespace coffre {
class JobControl;
}

namespace coffre::s3 {

struct ObjectInfo
{
    QString key;
    qint64 size = 0;
    QString etag; // without quotes
    QDateTime modified;
};

// An ETag that is the MD5 of the object's bytes: a single PUT's, not a multipart upload's, not SSE-KMS.
bool isPlainMd5(const QString& etag);

struct ObjectListing
{
    QList<ObjectInfo> objects;
    QStringList folders; // common prefixes, when listed with a delimiter
};

struct PendingUpload
{
    QString key;
    QString uploadId;
    QDateTime initiated;
};

struct UploadedObject
{
    qint64 size = 0;
    QString sha256; // of the bytes read from the file and sent
    QString etag;   // the storage's, checked against the MD5s of what was sent
};

// Internal to the client: one request, its answer, and the call that retries it.
struct S3Request;
struct S3Response;
class S3Call;

// An S3 client on Qt Network, blocking, for a worker thread (each call runs its own event loop;
// create and use the client in one thread). Requests are signed with SigV4; 5xx, 429, timeouts
// and dropped connections are retried with backoff, 4xx never. Large uploads go in parts sent
// in parallel from bounded memory; downloads stream and resume a dropped connection with a
// Range. Every body sent carries its Content-MD5, which the storage checks.
class S3Client
{
    Q_DECLARE_TR_FUNCTIONS(S3Client)

public:
    struct Tuning
    {
        qint64 partSize = 16 * 1024 * 1024; // S3: at least 5 MiB, at most 10,000 parts
        int parallelParts = 4;               // memory: about partSize × (parallelParts + 1)
        int attempts = 5;
        int firstBackoffMs = 250;
        int stallTimeoutMs = 60000;          // no byte moved for that long: the attempt failed
        int listPageSize = 1000;             // S3's own maximum
    };

    S3Client(S3Endpoint endpoint, QString bucket);
    ~S3Client();
    Tuning tuning;
    // Cancel and byte progress (bytes sent or received) go through the job's control.
    void setControl(std::shared_ptr<JobControl> control);

    Result<ObjectListing> list(const QString& prefix, const QString& delimiter = {});
    Result<ObjectInfo> head(const QString& key);
    Result<QByteArray> get(const QString& key); // small objects only: held in memory
    // Many small objects at once (manifests), 18 requests in flight over three connection pools.
    QList<Result<QByteArray>> getAll(const QStringList& keys);
    Status put(const QString& key, const QByteArray& body);
    Result<UploadedObject> uploadFile(const QString& key, const QString& path);
    // One PUT of bytes held in memory (at most a part's size), counted as progress; the answer
    // carries the storage's ETag.
    Result<UploadedObject> uploadBytes(const QString& key, const QByteArray& body);
    // The object's bytes as they arrive, from `offset`; a sink error stops the download.
    using Sink = std::function<Status(const char* data, qint64 size)>;
    Status download(const QString& key, const Sink& sink, qint64 offset = 0);
    Status remove(const QString& key);
    Result<QList<PendingUpload>> pendingUploads(const QString& prefix);
    Status abortUpload(const QString& key, const QString& uploadId);

    QString describe() const; // "s3://bucket (http://127.0.0.1:9000)"

private:
    friend class S3Call;
    S3Response send(S3Request request);
    // Runs the event loop until every call (or, with `any`, one of them) finished or a cancel.
    void waitFor(const QList<S3Call*>& calls, bool any = false);
    QUrl urlFor(const QString& key, const QByteArray& encodedQuery) const;
    Error errorFor(const S3Response& response, const QString& what) const;
    bool canceled() const;
    void countBytes(qint64 bytes);
    Status abortUploadEvenIfCanceled(const QString& key, const QString& uploadId);

    std::function<void()> m_wake; // called by a call that finished while waitFor runs
    bool m_cleaningUp = false;    // cleanup requests run even after a cancel

    S3Endpoint m_endpoint;
    QString m_bucket;
    std::shared_ptr<JobControl> m_control;
    QNetworkAccessManager m_network;
    // Qt opens at most 6 connections per host and manager: many small GETs (a cold listing's
    // manifests) spread over these too. Made on first use, in the client's thread.
    std::vector<std::unique_ptr<QNetworkAccessManager>> m_extraNetworks;
    QNetworkAccessManager& network(int lane);
    QSslConfiguration m_ssl;
};

} // namespace coffre::s3
