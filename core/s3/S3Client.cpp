#include "S3Client.h"

#include <QRegularExpression>

#include "SigV4.h"
#include "jobs/JobControl.h"
#include "util/Sha256.h"

#include <QCryptographicHash>
#include <QEventLoop>
#include <QFile>
#include <QNetworkReply>
#include <QSslCertificate>
#include <QTimer>
#include <QXmlStreamReader>

#include <openssl/evp.h>

#include <cmath>

namespace coffre::s3 {

struct S3Request
{
    QByteArray method;
    QString key;              // empty: the bucket itself
    HeaderList query;         // decoded
    HeaderList headers;
    QByteArray body;
    bool signPayload = true;  // false for parts: UNSIGNED-PAYLOAD, the Content-MD5 guards them
    const S3Client::Sink* sink = nullptr; // a 2xx body goes there as it arrives
    qint64 offset = 0;        // where a sink download starts (Range)
    bool countsAsProgress = false; // the body or the sink's bytes are the job's bytes
    QByteArray bodyMd5;            // binary; computed once, whatever the retries
    int lane = 0;                  // which of the client's network managers carries it
};

struct S3Response
{
    int status = 0; // HTTP status; 0: no answer at all
    QNetworkReply::NetworkError network = QNetworkReply::NoError;
    QString networkText;
    QByteArray body; // the body when no sink took it, and error bodies
    QHash<QByteArray, QByteArray> headers; // lower-case names
    Error sinkError;
    bool sinkFailed = false;
    bool canceled = false;
    int attempts = 0;
    bool ok() const { return status >= 200 && status < 300 && !sinkFailed && !canceled; }
    QByteArray header(const QByteArray& name) const { return headers.value(name); }
};

namespace {

// How far Qt's HTTP thread reads a download ahead of the sink (its socket then waits).
constexpr qint64 SinkReadAhead = 8 * 1024 * 1024;

// The child texts of every <recordTag> element: <Contents><Key>a</Key><Size>3</Size></Contents>.
QList<QHash<QString, QString>> xmlRecords(const QByteArray& xml, const QString& recordTag)
{
    QList<QHash<QString, QString>> records;
    QXmlStreamReader reader(xml);
    int depth = 0;
    int recordDepth = -1;
    QString field;
    while (!reader.atEnd()) {
        reader.readNext();
        if (reader.isStartElement()) {
            ++depth;
            if (recordDepth < 0 && reader.name() == recordTag) {
                recordDepth = depth;
                records.append(QHash<QString, QString>());
            } else if (recordDepth >= 0 && depth == recordDepth + 1) {
                field = reader.name().toString();
            }
        } else if (reader.isCharacters() && recordDepth >= 0 && depth == recordDepth + 1) {
            records.last()[field] += reader.text().toString();
        } else if (reader.isEndElement()) {
            if (depth == recordDepth)
                recordDepth = -1;
            --depth;
        }
    }
    return records;
}

QString xmlText(const QByteArray& xml, const QString& tag)
{
    QXmlStreamReader reader(xml);
    while (!reader.atEnd()) {
        reader.readNext();
        if (reader.isStartElement() && reader.name() == tag)
            return reader.readElementText(QXmlStreamReader::IncludeChildElements);
    }
    return {};
}

QString unquoted(QString etag)
{
    etag.remove(u'"');
    return etag;
}

// OpenSSL's MD5: Qt's own took 59 % of an upload's CPU (bench/offsite.sh).
QByteArray md5(const QByteArray& bytes)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(bytes.constData(), size_t(bytes.size()), digest, &length, EVP_md5(), nullptr);
    return QByteArray(reinterpret_cast<const char*>(digest), int(length));
}

bool retryable(const S3Response& response)
{
    if (response.canceled || response.sinkFailed)
        return false;
    if (response.status == 501) // NotImplemented: the storage lacks that call, now as later
        return false;
    if (response.status >= 500 || response.status == 429)
        return true;
    if (response.status != 0)
        return false; // 4xx and the rest: the same request would fail the same way
    switch (response.network) {
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError: // the stall timeout ends an attempt this way
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::UnknownNetworkError:
    case QNetworkReply::ProxyTimeoutError:
        return true;
    default:
        return false;
    }
}

} // namespace

// One request and its retries, driven by the event loop of the thread that made the client.
class S3Call
{
public:
    S3Call(S3Client& client, S3Request request, std::function<void()> done)
        : m_client(client), m_request(std::move(request)), m_done(std::move(done))
    {
        m_retry.setSingleShot(true);
        QObject::connect(&m_retry, &QTimer::timeout, &m_retry, [this] { attempt(); });
    }
    ~S3Call() { abort(); }

    void start() { attempt(); }
    void abort()
    {
        m_retry.stop();
        if (m_reply) {
            m_response.canceled = true;
            QNetworkReply* reply = std::exchange(m_reply, nullptr);
            reply->disconnect();
            reply->abort();
            reply->deleteLater();
        }
    }
    bool finished() const { return m_finished; }
    const S3Response& response() const { return m_response; }

private:
    void countBytes(qint64 bytes)
    {
        if (m_request.countsAsProgress)
            m_client.countBytes(bytes);
    }

    void attempt()
    {
        ++m_response.attempts;
        m_response.status = 0;
        m_response.network = QNetworkReply::NoError;
        m_response.body.clear();
        m_response.headers.clear();

        const QByteArray path = m_client.m_endpoint.pathStyle ? '/' + m_client.m_bucket.toUtf8() + '/' + m_request.key.toUtf8()
                                                               : '/' + m_request.key.toUtf8();
        SignableRequest signable{m_request.method, path, m_request.query, m_request.headers,
                                 m_request.signPayload ? SigV4::sha256Hex(m_request.body) : QByteArray("UNSIGNED-PAYLOAD")};
        const QUrl url = m_client.urlFor(m_request.key, SigV4::canonicalQuery(m_request.query));
        const QByteArray host = url.port() > 0 ? url.host().toUtf8() + ':' + QByteArray::number(url.port()) : url.host().toUtf8();
        signable.headers.emplaceBack("Host", host);
        const qint64 resumeAt = m_request.offset + m_received;
        if (m_request.sink && resumeAt > 0)
            signable.headers.emplaceBack("Range", "bytes=" + QByteArray::number(resumeAt) + '-');
        if (!m_request.body.isEmpty()) {
            if (m_request.bodyMd5.isEmpty())
                m_request.bodyMd5 = md5(m_request.body);
            signable.headers.emplaceBack("Content-MD5", m_request.bodyMd5.toBase64());
        }
        SigV4(m_client.m_endpoint.credentials, m_client.m_endpoint.region).signWithHeader(signable, QDateTime::currentDateTimeUtc());

        QNetworkRequest request(url);
        for (const auto& [name, value] : signable.headers)
            request.setRawHeader(name, value);
        request.setRawHeader("Accept-Encoding", "identity"); // bytes as stored: sizes and checksums hold
        request.setTransferTimeout(m_client.tuning.stallTimeoutMs);
        if (url.scheme() == QLatin1String("https"))
            request.setSslConfiguration(m_client.m_ssl);
        QNetworkAccessManager& network = m_client.network(m_request.lane);
        if (m_request.method == "HEAD")
            m_reply = network.head(request);
        else if (m_request.method == "GET" && m_request.body.isEmpty())
            m_reply = network.get(request); // a bodyless reply starts at once: see below
        else
            m_reply = network.sendCustomRequest(request, m_request.method, m_request.body);
        // The network thread reads no further ahead than this: bounded memory. Qt tells its HTTP
        // thread of the limit through a connection it makes when the request starts; a request
        // made with a body (even an empty one) starts later, and the limit set here was lost.
        if (m_request.sink)
            m_reply->setReadBufferSize(SinkReadAhead);
        m_sent = 0;
        QObject::connect(m_reply, &QNetworkReply::uploadProgress, m_reply, [this](qint64 sent, qint64) {
            if (sent <= m_sent)
                return; // Qt ends with (0, 0)
            countBytes(sent - m_sent);
            m_sent = sent;
        });
        QObject::connect(m_reply, &QNetworkReply::readyRead, m_reply, [this] { readBody(); });
        QObject::connect(m_reply, &QNetworkReply::finished, m_reply, [this] { attemptFinished(); });
    }

    void readBody()
    {
        const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray data = m_reply->readAll();
        if (!m_request.sink || status < 200 || status >= 300 || m_response.sinkFailed) {
            m_response.body += data;
            return;
        }
        const Status written = (*m_request.sink)(data.constData(), data.size());
        if (!written) {
            m_response.sinkFailed = true;
            m_response.sinkError = written.error();
            m_reply->abort();
            return;
        }
        m_received += data.size();
        countBytes(data.size());
    }

    void attemptFinished()
    {
        QNetworkReply* reply = std::exchange(m_reply, nullptr);
        reply->deleteLater();
        if (reply->bytesAvailable() > 0 && !m_response.sinkFailed) {
            m_reply = reply; // readBody reads from m_reply
            readBody();
            m_reply = nullptr;
        }
        m_response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        m_response.network = reply->error();
        m_response.networkText = reply->errorString();
        for (const auto& [name, value] : reply->rawHeaderPairs())
            m_response.headers.insert(name.toLower(), value);
        // A sink download that lost its connection resumes from what it has, not from zero.
        const bool retry = retryable(m_response) && m_response.attempts < m_client.tuning.attempts && !m_client.canceled();
        if (retry) {
            countBytes(-m_sent);
            const int delay = int(m_client.tuning.firstBackoffMs * std::pow(2, m_response.attempts - 1));
            m_retry.start(delay);
            return;
        }
        if (m_response.ok())
            countBytes(m_request.body.size() - m_sent); // every byte sent counted once
        m_finished = true;
        m_done();
    }

    S3Client& m_client;
    S3Request m_request;
    std::function<void()> m_done;
    S3Response m_response;
    QNetworkReply* m_reply = nullptr;
    QTimer m_retry;
    qint64 m_sent = 0;
    qint64 m_received = 0;
    bool m_finished = false;
};

S3Client::S3Client(S3Endpoint endpoint, QString bucket) : m_endpoint(std::move(endpoint)), m_bucket(std::move(bucket))
{
    m_ssl = QSslConfiguration::defaultConfiguration();
    if (!m_endpoint.caFile.isEmpty())
        m_ssl.addCaCertificates(m_endpoint.caFile);
    m_network.setAutoDeleteReplies(false);
}

S3Client::~S3Client() = default;

QNetworkAccessManager& S3Client::network(int lane)
{
    if (lane <= 0)
        return m_network;
    while (int(m_extraNetworks.size()) < lane) {
        m_extraNetworks.push_back(std::make_unique<QNetworkAccessManager>());
        m_extraNetworks.back()->setAutoDeleteReplies(false);
    }
    return *m_extraNetworks[lane - 1];
}

void S3Client::setControl(std::shared_ptr<JobControl> control)
{
    m_control = std::move(control);
}

bool S3Client::canceled() const
{
    return m_control && m_control->isCanceled() && !m_cleaningUp;
}

Status S3Client::abortUploadEvenIfCanceled(const QString& key, const QString& uploadId)
{
    const bool was = std::exchange(m_cleaningUp, true);
    const Status aborted = abortUpload(key, uploadId);
    m_cleaningUp = was;
    return aborted;
}

void S3Client::countBytes(qint64 bytes)
{
    if (m_control && bytes != 0)
        m_control->addBytesDone(bytes);
}

QString S3Client::describe() const
{
    return QStringLiteral("s3://%1 (%2)").arg(m_bucket, m_endpoint.base.toString());
}

QUrl S3Client::urlFor(const QString& key, const QByteArray& encodedQuery) const
{
    QByteArray url = m_endpoint.base.scheme().toUtf8() + "://";
    if (!m_endpoint.pathStyle)
        url += m_bucket.toUtf8() + '.';
    url += m_endpoint.base.host().toUtf8();
    if (m_endpoint.base.port() > 0)
        url += ':' + QByteArray::number(m_endpoint.base.port());
    url += m_endpoint.pathStyle ? '/' + SigV4::uriEncode(m_bucket.toUtf8(), false) + '/' : QByteArray("/");
    url += SigV4::uriEncode(key.toUtf8(), true);
    if (!encodedQuery.isEmpty())
        url += '?' + encodedQuery;
    return QUrl::fromEncoded(url, QUrl::StrictMode);
}

void S3Client::waitFor(const QList<S3Call*>& calls, bool any)
{
    auto allDone = [&calls, any] {
        auto finished = [](S3Call* call) { return call->finished(); };
        return any ? std::any_of(calls.begin(), calls.end(), finished) : std::all_of(calls.begin(), calls.end(), finished);
    };
    if (allDone())
        return;
    QEventLoop loop;
    QTimer tick;
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        if (canceled() || allDone())
            loop.quit();
    });
    tick.start(50);
    m_wake = [&] {
        if (allDone())
            loop.quit();
    };
    loop.exec();
    m_wake = nullptr;
    if (canceled())
        for (S3Call* call : calls)
            call->abort();
}

S3Response S3Client::send(S3Request request)
{
    S3Call call(*this, std::move(request), [this]() {
        if (m_wake)
            m_wake();
    });
    call.start();
    waitFor(QList<S3Call*>{&call});
    S3Response response = call.response();
    if (!call.finished())
        response.canceled = true;
    return response;
}

Error S3Client::errorFor(const S3Response& response, const QString& what) const
{
    const QString where = m_endpoint.base.toString();
    if (response.canceled || canceled())
        return Error{tr("Canceled."), {}, ErrorCode::Canceled};
    if (response.sinkFailed)
        return response.sinkError;
    const QString code = xmlText(response.body, QStringLiteral("Code"));
    const QString message = xmlText(response.body, QStringLiteral("Message"));
    const QString detail = QStringLiteral("%1: HTTP %2 %3 %4 (%5 attempt(s)) %6")
                               .arg(what).arg(response.status).arg(code, message).arg(response.attempts).arg(response.networkText);
    if (response.status == 0) {
        if (response.network == QNetworkReply::SslHandshakeFailedError)
            return Error{tr("The certificate of %1 is not trusted. For a private server, give its CA file with the storage settings.").arg(where),
                         detail, QStringLiteral("tls-untrusted")};
        return Error{tr("Cannot reach the storage at %1: %2.").arg(where, response.networkText), detail, QStringLiteral("s3-unreachable")};
    }
    if (response.status == 403 || code == QLatin1String("InvalidAccessKeyId") || code == QLatin1String("SignatureDoesNotMatch"))
        return Error{tr("Access denied by the storage at %1: the access key or the secret is wrong, or this key may not use the bucket %2.")
                         .arg(where, m_bucket),
                     detail, QStringLiteral("access-denied")};
    if (code == QLatin1String("NoSuchBucket"))
        return Error{tr("The bucket %1 does not exist at %2.").arg(m_bucket, where), detail, QStringLiteral("bucket-missing")};
    if (response.status == 404)
        return Error{tr("%1 is not in the bucket %2.").arg(what, m_bucket), detail, ErrorCode::NotFound};
    if (response.status == 501)
        return Error{tr("The storage at %1 does not offer this operation (%2).").arg(where, what), detail, QStringLiteral("s3-not-implemented")};
    if (code == QLatin1String("RequestTimeTooSkewed"))
        return Error{tr("The storage refuses this computer's clock: set the date and time, then try again."), detail};
    if (code == QLatin1String("BadDigest") || code == QLatin1String("XAmzContentSHA256Mismatch"))
        return Error{tr("The storage received other bytes than were sent (checksum mismatch): nothing was kept."), detail};
    if (response.status >= 500 || response.status == 429)
        return Error{tr("The storage at %1 kept failing (%2 attempts): %3").arg(where).arg(response.attempts).arg(message.isEmpty() ? code : message),
                     detail, QStringLiteral("s3-unavailable")};
    return Error{tr("The storage refused the request: %1").arg(message.isEmpty() ? code : message), detail};
}

Result<ObjectListing> S3Client::list(const QString& prefix, const QString& delimiter)
{
    ObjectListing listing;
    QByteArray token;
    do {
        S3Request request{"GET", {}, {{"list-type", "2"}, {"prefix", prefix.toUtf8()}, {"max-keys", QByteArray::number(tuning.listPageSize)}}};
        if (!delimiter.isEmpty())
            request.query.emplaceBack("delimiter", delimiter.toUtf8());
        if (!token.isEmpty())
            request.query.emplaceBack("continuation-token", token);
        const S3Response response = send(request);
        if (!response.ok())
            return errorFor(response, QStringLiteral("list %1").arg(prefix));
        for (const auto& record : xmlRecords(response.body, QStringLiteral("Contents")))
            listing.objects.append({record.value(QStringLiteral("Key")), record.value(QStringLiteral("Size")).toLongLong(),
                                    unquoted(record.value(QStringLiteral("ETag"))),
                                    QDateTime::fromString(record.value(QStringLiteral("LastModified")), Qt::ISODateWithMs)});
        for (const auto& record : xmlRecords(response.body, QStringLiteral("CommonPrefixes")))
            listing.folders.append(record.value(QStringLiteral("Prefix")));
        token = xmlText(response.body, QStringLiteral("IsTruncated")) == QLatin1String("true")
                    ? xmlText(response.body, QStringLiteral("NextContinuationToken")).toUtf8()
                    : QByteArray();
    } while (!token.isEmpty());
    return listing;
}

Result<ObjectInfo> S3Client::head(const QString& key)
{
    const S3Response response = send({"HEAD", key});
    if (!response.ok())
        return errorFor(response, key);
    return ObjectInfo{key, response.header("content-length").toLongLong(), unquoted(QString::fromLatin1(response.header("etag"))),
                      QDateTime()};
}

Result<QByteArray> S3Client::get(const QString& key)
{
    const S3Response response = send({"GET", key});
    if (!response.ok())
        return errorFor(response, key);
    return response.body;
}

QList<Result<QByteArray>> S3Client::getAll(const QStringList& keys)
{
    QList<Result<QByteArray>> results;
    std::vector<std::unique_ptr<S3Call>> calls;
    qsizetype next = 0;
    auto wake = [this] {
        if (m_wake)
            m_wake();
    };
    constexpr int Lanes = 3;
    const int window = 6 * Lanes;
    while (next < keys.size() && !canceled()) {
        QList<S3Call*> running;
        for (auto& call : calls)
            if (!call->finished())
                running.append(call.get());
        while (running.size() < window && next < keys.size()) {
            S3Request request{"GET", keys[next]};
            request.lane = int(next++ % Lanes);
            calls.push_back(std::make_unique<S3Call>(*this, std::move(request), wake));
            calls.back()->start();
            running.append(calls.back().get());
        }
        waitFor(running, true);
    }
    QList<S3Call*> all;
    for (auto& call : calls)
        all.append(call.get());
    waitFor(all);
    for (qsizetype i = 0; i < keys.size(); ++i) {
        if (i < qsizetype(calls.size()) && calls[i]->finished() && calls[i]->response().ok())
            results.append(calls[i]->response().body);
        else
            results.append(errorFor(i < qsizetype(calls.size()) ? calls[i]->response() : S3Response{}, keys[i]));
    }
    return results;
}

Status S3Client::put(const QString& key, const QByteArray& body)
{
    const S3Response response = send({"PUT", key, {}, {}, body});
    if (!response.ok())
        return errorFor(response, key);
    return {};
}

Status S3Client::download(const QString& key, const Sink& sink, qint64 offset)
{
    S3Request request{"GET", key};
    request.sink = &sink;
    request.offset = offset;
    request.countsAsProgress = true;
    const S3Response response = send(request);
    if (!response.ok())
        return errorFor(response, key);
    return {};
}

Status S3Client::remove(const QString& key)
{
    const S3Response response = send({"DELETE", key});
    if (!response.ok() && response.status != 404)
        return errorFor(response, key);
    return {};
}

Result<QList<PendingUpload>> S3Client::pendingUploads(const QString& prefix)
{
    QList<PendingUpload> uploads;
    QByteArray keyMarker, idMarker;
    do {
        S3Request request{"GET", {}, {{"uploads", {}}, {"prefix", prefix.toUtf8()}}};
        if (!keyMarker.isEmpty()) {
            request.query.emplaceBack("key-marker", keyMarker);
            request.query.emplaceBack("upload-id-marker", idMarker);
        }
        const S3Response response = send(request);
        if (!response.ok())
            return errorFor(response, QStringLiteral("list uploads %1").arg(prefix));
        for (const auto& record : xmlRecords(response.body, QStringLiteral("Upload")))
            uploads.append({record.value(QStringLiteral("Key")), record.value(QStringLiteral("UploadId")),
                            QDateTime::fromString(record.value(QStringLiteral("Initiated")), Qt::ISODateWithMs)});
        const bool more = xmlText(response.body, QStringLiteral("IsTruncated")) == QLatin1String("true");
        keyMarker = more ? xmlText(response.body, QStringLiteral("NextKeyMarker")).toUtf8() : QByteArray();
        idMarker = more ? xmlText(response.body, QStringLiteral("NextUploadIdMarker")).toUtf8() : QByteArray();
    } while (!keyMarker.isEmpty());
    return uploads;
}

Status S3Client::abortUpload(const QString& key, const QString& uploadId)
{
    const S3Response response = send({"DELETE", key, {{"uploadId", uploadId.toUtf8()}}});
    if (!response.ok() && response.status != 404)
        return errorFor(response, key);
    return {};
}

Result<UploadedObject> S3Client::uploadBytes(const QString& key, const QByteArray& body)
{
    Sha256 sha256;
    sha256.add(body.constData(), body.size());
    S3Request request{"PUT", key, {}, {}, body, false};
    request.countsAsProgress = true;
    const S3Response response = send(request);
    if (!response.ok())
        return errorFor(response, key);
    return UploadedObject{body.size(), sha256.hex(), unquoted(QString::fromLatin1(response.header("etag")))};
}

Result<UploadedObject> S3Client::uploadFile(const QString& key, const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{tr("Cannot read %1.").arg(path), file.errorString()};
    const qint64 size = file.size();
    Sha256 sha256;
    UploadedObject uploaded{size, {}, {}};

    // Parts of at least partSize, and few enough for S3's 10,000, in whole MiB.
    const qint64 mib = 1024 * 1024;
    const qint64 partSize = std::max(tuning.partSize, ((size / 9000) / mib + 1) * mib);
    if (size <= partSize) {
        const QByteArray body = file.readAll();
        if (body.size() != size)
            return Error{tr("Cannot read %1.").arg(path), file.errorString()};
        return uploadBytes(key, body);
    }

    const S3Response started = send({"POST", key, {{"uploads", {}}}});
    if (!started.ok())
        return errorFor(started, key);
    const QByteArray uploadId = xmlText(started.body, QStringLiteral("UploadId")).toUtf8();

    // Parts go out `parallelParts` at a time; each is read, hashed and held only while it travels.
    struct Part
    {
        int number;
        QByteArray md5;
        std::unique_ptr<S3Call> call;
    };
    std::vector<Part> parts;
    std::optional<Error> failure;
    qint64 offset = 0;
    auto inFlight = [&parts] {
        return std::count_if(parts.begin(), parts.end(), [](const Part& part) { return part.call && !part.call->finished(); });
    };
    while ((offset < size || inFlight() > 0) && !failure && !canceled()) {
        while (offset < size && inFlight() < tuning.parallelParts && !failure) {
            const QByteArray body = file.read(std::min(partSize, size - offset));
            if (body.isEmpty()) {
                failure = Error{tr("Cannot read %1.").arg(path), file.errorString()};
                break;
            }
            sha256.add(body.constData(), body.size());
            offset += body.size();
            const int number = int(parts.size()) + 1;
            S3Request request{"PUT", key, {{"partNumber", QByteArray::number(number)}, {"uploadId", uploadId}}, {}, body, false};
            request.countsAsProgress = true;
            request.bodyMd5 = md5(body);
            parts.push_back({number, request.bodyMd5, nullptr});
            parts.back().call = std::make_unique<S3Call>(*this, std::move(request), [this] {
                if (m_wake)
                    m_wake();
            });
            parts.back().call->start();
        }
        // Wait for any part to finish, then check it and free its memory.
        QList<S3Call*> running;
        for (Part& part : parts)
            if (part.call && !part.call->finished())
                running.append(part.call.get());
        if (!running.isEmpty())
            waitFor(running, true);
        for (Part& part : parts) {
            if (!part.call || !part.call->finished())
                continue;
            const S3Response& response = part.call->response();
            if (!response.ok() && !failure)
                failure = errorFor(response, QStringLiteral("%1 part %2").arg(key).arg(part.number));
            part.call.reset();
        }
    }
    if (!failure && canceled())
        failure = Error{tr("Canceled."), {}, ErrorCode::Canceled};
    if (failure) {
        for (Part& part : parts)
            part.call.reset(); // aborts what still travels
        // Best effort: what stays (a killed process, a lost connection) the next upload cleans.
        abortUploadEvenIfCanceled(key, QString::fromUtf8(uploadId));
        return *failure;
    }

    QByteArray xml = "<CompleteMultipartUpload>";
    QByteArray allMd5;
    for (const Part& part : parts) {
        xml += "<Part><PartNumber>" + QByteArray::number(part.number) + "</PartNumber><ETag>\"" + part.md5.toHex() + "\"</ETag></Part>";
        allMd5 += part.md5;
    }
    xml += "</CompleteMultipartUpload>";
    const S3Response completed = send({"POST", key, {{"uploadId", uploadId}}, {{"Content-Type", "application/xml"}}, xml});
    // S3 may answer 200 and put an <Error> in the body when the completion fails late.
    if (!completed.ok() || !xmlText(completed.body, QStringLiteral("Code")).isEmpty()) {
        abortUploadEvenIfCanceled(key, QString::fromUtf8(uploadId));
        return errorFor(completed, key);
    }
    uploaded.sha256 = sha256.hex();
    uploaded.etag = unquoted(xmlText(completed.body, QStringLiteral("ETag")));
    const QString expected = QString::fromLatin1(md5(allMd5).toHex())
                             + u'-' + QString::number(parts.size());
    // AWS, MinIO and R2 answer MD5-of-part-MD5s "-N": the storage assembled exactly the parts
    // sent. Others (s3rver) answer another form; the size read back is checked then.
    if (uploaded.etag.contains(u'-') && uploaded.etag != expected)
        return Error{tr("The storage assembled other bytes than were sent for %1.").arg(key),
                     QStringLiteral("ETag %1, expected %2").arg(uploaded.etag, expected)};
    const auto stored = head(key);
    if (!stored.ok())
        return stored.error();
    if (stored->size != size)
        return Error{tr("The storage holds %1 bytes for %2 where %3 were sent.").arg(stored->size).arg(key).arg(size)};
    return uploaded;
}

bool isPlainMd5(const QString& etag)
{
    static const QRegularExpression md5(QStringLiteral("^[0-9a-f]{32}$"));
    return md5.match(etag).hasMatch();
}

} // namespace coffre::s3
