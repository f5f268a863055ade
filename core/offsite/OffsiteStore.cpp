#include "OffsiteStore.h"

#include "audit/AuditLog.h"
#include "catalog/BundleNames.h"
#include "catalog/Catalog.h"
#include "catalog/ManifestParser.h"
#include "s3/AwsEnvironment.h"
#include "storage/RepositoryLock.h"
#include "util/AtomicFile.h"
#include "util/RemoveTree.h"
#include "util/RenameNoReplace.h"
#include "util/Sha256.h"
#include "util/SyncTree.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QUuid>

namespace coffre {

using s3::S3Location;

namespace {

void sortNewestFirst(QList<Backup>& backups)
{
    std::sort(backups.begin(), backups.end(), [](const Backup& a, const Backup& b) { return a.created > b.created; });
}

const QString ManifestName = QLatin1String(Manifest::FileName);

// What the object list says about one bundle folder.
struct Folder
{
    qint64 bytes = 0;
    QString manifestEtag; // empty: no manifest, not a backup (yet)
    QHash<QString, qint64> sizes; // relative path -> size
};

// A cache file: written beside then renamed, never fsynced (a thousand fsyncs made a cold listing
// of 1,000 backups 3 to 10 s; a file lost in a crash is fetched again).
void writeCacheFile(const QString& path, const QByteArray& content)
{
    QFile file(path + QStringLiteral(".new"));
    if (file.open(QIODevice::WriteOnly) && file.write(content) == content.size()) {
        file.close();
        QFile::remove(path);
        file.rename(path);
    }
}

} // namespace

Result<std::unique_ptr<OffsiteStore>> OffsiteStore::open(const S3Location& location, const QString& secret)
{
    auto endpoint = s3::AwsEnvironment().resolve(location, secret);
    if (!endpoint.ok())
        return endpoint.error();
    return std::make_unique<OffsiteStore>(location, *endpoint);
}

OffsiteStore::OffsiteStore(S3Location location, s3::S3Endpoint endpoint)
    : m_location(std::move(location)), m_client(std::move(endpoint), m_location.bucket)
{
}

void OffsiteStore::setControl(std::shared_ptr<JobControl> control)
{
    m_control = control;
    m_client.setControl(std::move(control));
}

QString OffsiteStore::cacheFolderFor(const S3Location& location)
{
    const QByteArray identity = (location.endpoint + u'|' + location.url()).toUtf8();
    return QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) + QStringLiteral("/coffre/offsite/")
           + QString::fromLatin1(QCryptographicHash::hash(identity, QCryptographicHash::Sha1).toHex().left(16));
}

QString OffsiteStore::cacheFolder() const
{
    return cacheFolderFor(m_location);
}

Backup OffsiteStore::backupFrom(const QString& name, const Manifest& manifest, qint64 bytes) const
{
    return backupAt(m_location, name, manifest, bytes);
}

Backup OffsiteStore::backupAt(const S3Location& location, const QString& name, const Manifest& manifest, qint64 bytes)
{
    Backup backup;
    backup.name = name;
    backup.path = location.url() + u'/' + name;
    backup.created = manifest.created;
    backup.sizeBytes = bytes;
    backup.status = BackupStatus::Complete;
    backup.manifest = std::make_shared<const Manifest>(manifest);
    return backup;
}

Result<QList<Backup>> OffsiteStore::list()
{
    const QString root = m_location.prefix.isEmpty() ? QString() : m_location.prefix + u'/';
    const auto objects = m_client.list(root);
    if (!objects.ok())
        return objects.error();
    QMap<QString, Folder> folders;
    for (const s3::ObjectInfo& object : objects->objects) {
        const QString relative = object.key.mid(root.size());
        const qsizetype slash = relative.indexOf(u'/');
        if (slash <= 0)
            continue; // not inside a bundle folder
        const QString name = relative.left(slash);
        const QString inside = relative.mid(slash + 1);
        Folder& folder = folders[name];
        folder.bytes += object.size;
        folder.sizes.insert(inside, object.size);
        if (inside == ManifestName)
            folder.manifestEtag = object.etag;
    }

    // Manifests: from the cache when their ETag is known, else fetched, many at once.
    QDir cache(cacheFolder());
    cache.mkpath(QStringLiteral("."));
    QStringList names, toFetch;
    QHash<QString, QByteArray> manifests;
    for (auto it = folders.cbegin(); it != folders.cend(); ++it) {
        if (it->manifestEtag.isEmpty() || !BundleNames::isValidName(it.key()))
            continue;
        names << it.key();
        QFile cached(cache.filePath(it.key() + u'.' + it->manifestEtag + QStringLiteral(".json")));
        const QByteArray content = cached.open(QIODevice::ReadOnly) ? cached.readAll() : QByteArray();
        if (!content.isEmpty() && ManifestParser::parse(content).ok())
            manifests.insert(it.key(), content);
        else
            toFetch << it.key(); // not cached, or cut short by a crash: the storage has it
    }
    QStringList keys;
    for (const QString& name : toFetch)
        keys << m_location.keyFor(name + u'/' + ManifestName);
    const auto fetched = m_client.getAll(keys);
    for (qsizetype i = 0; i < toFetch.size(); ++i) {
        if (!fetched[i].ok())
            return fetched[i].error();
        manifests.insert(toFetch[i], *fetched[i]);
        writeCacheFile(cache.filePath(toFetch[i] + u'.' + folders[toFetch[i]].manifestEtag + QStringLiteral(".json")), *fetched[i]);
    }

    QList<Backup> backups;
    QJsonArray index;
    for (const QString& name : names) {
        const Folder& folder = folders[name];
        const auto manifest = ManifestParser::parse(manifests.value(name));
        Backup backup;
        if (manifest.ok()) {
            backup = backupFrom(name, *manifest, folder.bytes);
            for (const BundleFile& file : manifest->files) {
                if (folder.sizes.value(file.path, -1) != file.size) {
                    backup.status = BackupStatus::Damaged;
                    backup.problem = tr("%1 is missing off-site or has another size.").arg(file.path);
                    break;
                }
            }
        } else {
            backup.name = name;
            backup.path = m_location.url() + u'/' + name;
            backup.sizeBytes = folder.bytes;
            backup.status = BackupStatus::Damaged;
            backup.problem = manifest.error().message;
        }
        backups.append(backup);
        index.append(QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("bytes"), folder.bytes},
                                 {QStringLiteral("etag"), folder.manifestEtag}});
    }
    writeCacheFile(cache.filePath(QStringLiteral("listing.json")), QJsonDocument(index).toJson(QJsonDocument::Compact));
    // Manifests of backups gone from the storage leave the cache too.
    for (const QString& file : cache.entryList({QStringLiteral("*.json")}, QDir::Files)) {
        const QString name = file.section(u'.', 0, -3);
        if (file != QLatin1String("listing.json") && (!folders.contains(name) || !file.contains(u'.' + folders[name].manifestEtag + u'.')))
            cache.remove(file);
    }
    sortNewestFirst(backups);
    return backups;
}

QList<Backup> OffsiteStore::cachedList(const S3Location& location)
{
    const QDir cache(cacheFolderFor(location));
    QFile indexFile(cache.filePath(QStringLiteral("listing.json")));
    if (!indexFile.open(QIODevice::ReadOnly))
        return {};
    QList<Backup> backups;
    for (const QJsonValue& entry : QJsonDocument::fromJson(indexFile.readAll()).array()) {
        const QString name = entry[QLatin1String("name")].toString();
        QFile cached(cache.filePath(name + u'.' + entry[QLatin1String("etag")].toString() + QStringLiteral(".json")));
        if (!BundleNames::isValidName(name) || !cached.open(QIODevice::ReadOnly))
            continue;
        const auto manifest = ManifestParser::parse(cached.readAll());
        if (manifest.ok())
            backups.append(backupAt(location, name, *manifest, entry[QLatin1String("bytes")].toInteger()));
    }
    sortNewestFirst(backups);
    return backups;
}

QList<Backup> OffsiteStore::merge(const QList<Backup>& local, const QList<Backup>& offsite)
{
    QHash<QString, const Backup*> remote;
    for (const Backup& backup : offsite)
        if (backup.status == BackupStatus::Complete)
            remote.insert(backup.name, &backup);
    QList<Backup> merged;
    for (Backup backup : local) {
        backup.offsite = backup.status == BackupStatus::Complete && remote.remove(backup.name) > 0;
        merged.append(backup);
    }
    for (const Backup& backup : offsite) {
        if (!remote.contains(backup.name))
            continue;
        Backup copy = backup;
        copy.here = false;
        copy.offsite = true;
        merged.append(copy);
    }
    std::stable_sort(merged.begin(), merged.end(), [](const Backup& a, const Backup& b) { return a.created > b.created; });
    return merged;
}

Result<Backup> OffsiteStore::find(const QString& name)
{
    if (!BundleNames::isValidName(name))
        return Error{tr("“%1” is not a backup name.").arg(name), {}, ErrorCode::NotFound};
    const auto body = m_client.get(m_location.keyFor(name + u'/' + ManifestName));
    if (!body.ok()) {
        if (body.error().code == ErrorCode::NotFound)
            return Error{tr("There is no backup named “%1” in %2.").arg(name, m_location.url()), body.error().detail, ErrorCode::NotFound};
        return body.error();
    }
    const auto manifest = ManifestParser::parse(*body);
    if (!manifest.ok())
        return Error{tr("The off-site copy of %1 is damaged: %2").arg(name, manifest.error().message), manifest.error().detail};
    if (manifest->name != name)
        return Error{tr("The off-site copy of %1 is damaged: its manifest names “%2”.").arg(name, manifest->name)};
    qint64 bytes = body->size();
    for (const BundleFile& file : manifest->files)
        bytes += file.size;
    return backupFrom(name, *manifest, bytes);
}

Result<int> OffsiteStore::abortStaleUploads(const QString& name)
{
    const QString root = m_location.prefix.isEmpty() ? QString() : m_location.prefix + u'/';
    const auto pending = m_client.pendingUploads(root);
    if (!pending.ok() && pending.error().code == QLatin1String("s3-not-implemented"))
        return 0; // a storage without ListMultipartUploads: nothing to clean that way
    if (!pending.ok())
        return pending.error();
    const QDateTime dayAgo = QDateTime::currentDateTimeUtc().addDays(-1);
    int aborted = 0;
    for (const s3::PendingUpload& upload : *pending) {
        const bool ours = !name.isEmpty() && upload.key.startsWith(root + name + u'/');
        if (!ours && !(upload.initiated.isValid() && upload.initiated < dayAgo))
            continue;
        if (Status done = m_client.abortUpload(upload.key, upload.uploadId); !done)
            return done.error();
        ++aborted;
    }
    return aborted;
}

Result<Backup> OffsiteStore::upload(const Backup& local)
{
    AuditRecord audit(QFileInfo(local.path).absolutePath(), AuditAction::Upload, {}, local.name);
    const Result<Backup> sent = send(local);
    audit.finish(sent, local.sizeBytes, tr("to %1").arg(m_location.url()));
    return sent;
}

Result<Backup> OffsiteStore::download(const QString& name, const QString& repository)
{
    AuditRecord audit(repository, AuditAction::Download, {}, name);
    const Result<Backup> fetched = fetch(name, repository);
    audit.finish(fetched, fetched ? fetched->sizeBytes : 0, tr("from %1").arg(m_location.url()));
    return fetched;
}

Result<Backup> OffsiteStore::send(const Backup& local)
{
    if (Status complete = local.checkComplete(); !complete)
        return complete.error();
    const Manifest& manifest = *local.manifest;
    const auto existing = m_client.head(m_location.keyFor(local.name + u'/' + ManifestName));
    if (existing.ok())
        return Error{tr("%1 is already off-site in %2.").arg(local.name, m_location.url()), {}, QStringLiteral("exists")};
    if (existing.error().code != ErrorCode::NotFound)
        return existing.error();
    if (auto cleaned = abortStaleUploads(local.name); !cleaned.ok())
        return cleaned.error();

    qint64 total = 0;
    for (const BundleFile& file : manifest.files)
        total += file.size;
    if (m_control) {
        m_control->restartBytes(total);
        m_control->setPhase(tr("Copying off-site…"));
    }
    QStringList sent;
    auto undo = [&](const Error& error) -> Error {
        for (const QString& key : sent) // nothing half-sent stays: no manifest was written
            m_client.remove(key);
        return error;
    };
    for (const BundleFile& file : manifest.files) {
        const QString key = m_location.keyFor(local.name + u'/' + file.path);
        const auto uploaded = m_client.uploadFile(key, QDir(local.path).filePath(file.path));
        if (!uploaded.ok())
            return undo(uploaded.error());
        sent << key;
        if (uploaded->size != file.size || uploaded->sha256 != file.sha256)
            return undo(Error{tr("The local copy of %1 is damaged: %2 does not match its checksum. Nothing was kept off-site.")
                                  .arg(local.name, file.path)});
        if (m_control)
            m_control->log(tr("Sent %1 (%2 bytes).").arg(file.path).arg(file.size));
    }
    QFile manifestFile(QDir(local.path).filePath(ManifestName));
    if (!manifestFile.open(QIODevice::ReadOnly))
        return undo(Error{tr("Cannot read %1.").arg(manifestFile.fileName()), manifestFile.errorString()});
    if (Status put = m_client.put(m_location.keyFor(local.name + u'/' + ManifestName), manifestFile.readAll()); !put)
        return undo(put.error());
    return backupFrom(local.name, manifest, total + manifestFile.size());
}

Status OffsiteStore::fetchInto(const Manifest& manifest, const QString& name, const QString& folder)
{
    for (const BundleFile& entry : manifest.files) {
        const QString key = m_location.keyFor(name + u'/' + entry.path);
        std::unique_ptr<QFile> file;
        if (!folder.isEmpty()) {
            const QString path = QDir(folder).filePath(entry.path);
            QDir().mkpath(QFileInfo(path).path());
            file = std::make_unique<QFile>(path);
            if (!file->open(QIODevice::WriteOnly | QIODevice::NewOnly))
                return Error{tr("Cannot write %1.").arg(path), file->errorString()};
            file->setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        }
        Sha256 hash;
        qint64 received = 0;
        const Status downloaded = m_client.download(key, [&](const char* data, qint64 size) -> Status {
            received += size;
            if (received > entry.size)
                return Error{tr("The off-site copy of %1 is damaged: %2 is longer than its manifest says.").arg(name, entry.path)};
            hash.add(data, size);
            if (file && file->write(data, size) != size)
                return Error{tr("Cannot write %1.").arg(file->fileName()), file->errorString()};
            return {};
        });
        if (!downloaded)
            return downloaded;
        if (file && !file->flush())
            return Error{tr("Cannot write %1.").arg(file->fileName()), file->errorString()};
        if (received != entry.size || hash.hex() != entry.sha256)
            return Error{tr("The off-site copy of %1 is damaged: %2 does not match its checksum.").arg(name, entry.path),
                         QStringLiteral("%1 bytes received, %2 expected").arg(received).arg(entry.size)};
    }
    return {};
}

Result<Backup> OffsiteStore::fetch(const QString& name, const QString& repository)
{
    const auto remote = find(name);
    if (!remote.ok())
        return remote.error();
    if (QFileInfo::exists(QDir(repository).filePath(name)))
        return Error{tr("%1 is already in %2.").arg(name, repository), {}, QStringLiteral("exists")};
    if (!QDir().mkpath(repository))
        return Error{tr("Cannot create the folder %1.").arg(repository)};
    auto lock = RepositoryLock::acquire(repository);
    if (!lock.ok())
        return lock.error();
    if (m_control) {
        m_control->restartBytes(remote->sizeBytes);
        m_control->setPhase(tr("Fetching from off-site…"));
    }
    const QString staging = QDir(repository).filePath(QLatin1String(StagingPrefix) + QUuid::createUuid().toString(QUuid::Id128).left(12));
    const QString bundle = QDir(staging).filePath(name);
    QDir().mkpath(bundle);
    QFile::setPermissions(staging, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    auto fail = [&](const Error& error) -> Error {
        removeTree(staging);
        return error;
    };
    if (Status fetched = fetchInto(*remote->manifest, name, bundle); !fetched)
        return fail(fetched.error());
    const auto manifestBytes = m_client.get(m_location.keyFor(name + u'/' + ManifestName));
    if (!manifestBytes.ok())
        return fail(manifestBytes.error());
    if (Status written = AtomicFile::write(QDir(bundle).filePath(ManifestName), *manifestBytes); !written)
        return fail(written.error());
    if (Status synced = syncTree(bundle); !synced)
        return fail(synced.error());
    if (Status moved = renameNoReplace(bundle, QDir(repository).filePath(name)); !moved)
        return fail(moved.error());
    removeTree(staging);
    syncFolder(repository);
    return Catalog::inspect(repository, name);
}

Status OffsiteStore::verify(const QString& name)
{
    const auto remote = find(name);
    if (!remote.ok())
        return remote.error();
    if (m_control) {
        m_control->restartBytes(remote->sizeBytes);
        m_control->setPhase(tr("Checking the off-site copy…"));
    }
    return fetchInto(*remote->manifest, name, QString());
}

Status OffsiteStore::remove(const QString& name)
{
    if (!BundleNames::isValidName(name))
        return Error{tr("“%1” is not a backup name.").arg(name), {}, ErrorCode::NotFound};
    const QString folder = m_location.keyFor(name) + u'/';
    const auto objects = m_client.list(folder);
    if (!objects.ok())
        return objects.error();
    if (objects->objects.isEmpty())
        return Error{tr("There is no backup named “%1” in %2.").arg(name, m_location.url()), {}, ErrorCode::NotFound};
    // The manifest first: from then on the rest is an incomplete folder, never a backup.
    if (Status removed = m_client.remove(folder + ManifestName); !removed)
        return removed;
    for (const s3::ObjectInfo& object : objects->objects)
        if (Status removed = m_client.remove(object.key); !removed)
            return removed;
    return {};
}

} // namespace coffre
