#include "RestoreJournal.h"

#include "util/AtomicFile.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace coffre {
namespace {

QStringList strings(const QJsonValue& value)
{
    QStringList list;
    for (const QJsonValue& v : value.toArray())
        list << v.toString();
    return list;
}

} // namespace

QJsonObject RestoreJournal::toJson() const
{
    QJsonArray folderArray;
    for (const Folder& f : folders)
        folderArray.append(QJsonObject{{QStringLiteral("path"), f.path},
                                       {QStringLiteral("before"), f.before},
                                       {QStringLiteral("staging"), f.staging},
                                       {QStringLiteral("exclusions"), QJsonArray::fromStringList(f.exclusions)},
                                       {QStringLiteral("moved_back"), QJsonArray::fromStringList(f.movedBack)},
                                       {QStringLiteral("created_dirs"), QJsonArray::fromStringList(f.createdDirs)},
                                       {QStringLiteral("had_original"), f.hadOriginal},
                                       {QStringLiteral("reverted"), f.reverted}});
    QJsonObject json{{QStringLiteral("stamp"), stamp},
            {QStringLiteral("backup"), backup},
            {QStringLiteral("profile"), profile},
            {QStringLiteral("state"), state},
            {QStringLiteral("database"), database},
            {QStringLiteral("database_before"), databaseBefore},
            {QStringLiteral("database_restored"), databaseRestored},
            {QStringLiteral("database_undone"), databaseUndone},
            {QStringLiteral("database_oid"), qint64(databaseOid)},
            {QStringLiteral("restored_oid"), qint64(restoredOid)},
            {QStringLiteral("server_pid"), serverPid},
            {QStringLiteral("database_reverted"), databaseReverted},
            {QStringLiteral("folders"), folderArray}};
    if (bucket) {
        QJsonArray created;
        for (const auto& [key, etag] : bucket->created)
            created.append(QJsonObject{{QStringLiteral("key"), key}, {QStringLiteral("etag"), etag}});
        json.insert(QStringLiteral("bucket"), QJsonObject{{QStringLiteral("label"), bucket->label},
                                                          {QStringLiteral("location"), bucket->location.toJson()},
                                                          {QStringLiteral("safety_backup"), bucket->safetyBackup},
                                                          {QStringLiteral("created"), created},
                                                          {QStringLiteral("started"), bucket->started},
                                                          {QStringLiteral("reverted"), bucket->reverted}});
    }
    return json;
}

Result<RestoreJournal> RestoreJournal::read(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{QCoreApplication::translate("RestoreJournal", "No restore to undo."), path};
    const QJsonObject o = QJsonDocument::fromJson(file.readAll()).object();
    if (o.isEmpty())
        return Error{QCoreApplication::translate("RestoreJournal", "The restore journal is unreadable."), path};
    return fromJson(o);
}

RestoreJournal RestoreJournal::fromJson(const QJsonObject& o)
{
    RestoreJournal j;
    j.stamp = o[QStringLiteral("stamp")].toString();
    j.backup = o[QStringLiteral("backup")].toString();
    j.profile = o[QStringLiteral("profile")].toString();
    j.state = o[QStringLiteral("state")].toString();
    j.database = o[QStringLiteral("database")].toString();
    j.databaseBefore = o[QStringLiteral("database_before")].toString();
    j.databaseRestored = o[QStringLiteral("database_restored")].toString();
    j.databaseUndone = o[QStringLiteral("database_undone")].toString();
    j.databaseOid = quint32(o[QStringLiteral("database_oid")].toInteger());
    j.restoredOid = quint32(o[QStringLiteral("restored_oid")].toInteger());
    j.serverPid = o[QStringLiteral("server_pid")].toInteger();
    j.databaseReverted = o[QStringLiteral("database_reverted")].toBool();
    for (const QJsonValue& v : o[QStringLiteral("folders")].toArray()) {
        Folder f;
        f.path = v[QStringLiteral("path")].toString();
        f.before = v[QStringLiteral("before")].toString();
        f.staging = v[QStringLiteral("staging")].toString();
        f.exclusions = strings(v[QStringLiteral("exclusions")]);
        f.movedBack = strings(v[QStringLiteral("moved_back")]);
        f.createdDirs = strings(v[QStringLiteral("created_dirs")]);
        f.hadOriginal = v[QStringLiteral("had_original")].toBool(true);
        f.reverted = v[QStringLiteral("reverted")].toBool();
        j.folders.append(f);
    }
    const QJsonObject bucket = o[QStringLiteral("bucket")].toObject();
    if (!bucket.isEmpty()) {
        Bucket b;
        b.label = bucket[QStringLiteral("label")].toString();
        if (const auto location = s3::S3Location::fromJson(bucket[QStringLiteral("location")].toObject()); location.ok())
            b.location = *location; // else empty: putting the bucket back then fails with a message
        b.safetyBackup = bucket[QStringLiteral("safety_backup")].toString();
        for (const QJsonValue& v : bucket[QStringLiteral("created")].toArray())
            b.created.append({v[QStringLiteral("key")].toString(), v[QStringLiteral("etag")].toString()});
        b.started = bucket[QStringLiteral("started")].toBool();
        b.reverted = bucket[QStringLiteral("reverted")].toBool();
        j.bucket = b;
    }
    return j;
}

Status RestoreJournal::belongsTo(const QString& profileName) const
{
    if (profile.isEmpty() || profile == profileName)
        return {};
    return Error{QCoreApplication::translate("RestoreJournal",
                                             "The restore journal in this repository was written by the profile “%1”, "
                                             "which shares the repository with “%2”: only “%1” can undo, put back or clean "
                                             "up that restore. Nothing was changed.")
                     .arg(profile, profileName),
                 {}};
}

Status RestoreJournal::write(const QString& path) const
{
    return AtomicFile::write(path, QJsonDocument(toJson()).toJson());
}

} // namespace coffre
