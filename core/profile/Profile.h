#pragma once

#include "DatabaseTarget.h"
#include "notify/NotifySettings.h"
#include "remote/SshDestination.h"
#include "retention/RetentionPolicy.h"
#include "s3/S3Location.h"
#include "schedule/Schedule.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace coffre {

struct SourceRoot
{
    QString label; // "backend": becomes sources/<label>.tar.zst
    QString path;  // absolute folder
    bool operator==(const SourceRoot&) const = default;
};

// One web application to back up: its database, its source roots, what to leave out, where
// backups go, and what to run after a restore.
struct Profile
{
    QString name;
    DatabaseTarget database;           // empty: no database part
    QList<SourceRoot> sources;
    QStringList exclusions = defaultExclusions();
    QString repository;                // folder holding the backups
    QStringList postRestoreCommands;   // run in order, with the first source root as working folder
    bool passwordInKeychain = false;   // a hint only: the password itself is in the OS keychain
    // Set: the application runs on that server, whose coffre-cli holds the real profile
    // (database, folders, repository); the fields above then stay empty here.
    SshDestination server;
    // Off-site copies in object storage; with copyOffsite, each new backup is copied there
    // (verified) as soon as it is complete.
    s3::S3Location offsite;
    bool copyOffsite = false;
    // Which backups stay, here and off-site (coffre-cli prune; after each scheduled backup).
    RetentionRules retention;
    RetentionRules offsiteRetention;
    // When backups run by themselves (a systemd user timer or a cron line: coffre-cli schedule),
    // and who hears about them (coffre-cli notify).
    Schedule schedule;
    NotifySettings notify;
    // The application's uploaded documents (seed 004's MinIO bucket): snapshotted with each backup
    // as objects/documents.tar.zst, restored as the component "bucket:documents".
    s3::S3Location documents;
    static constexpr auto DocumentsLabel = "documents";

    bool isOnServer() const { return !server.isEmpty(); }

    // From seed 000: build output and dependencies are rebuilt, .env.local is a developer's own.
    static QStringList defaultExclusions();
    bool operator==(const Profile&) const = default;
};

} // namespace coffre
