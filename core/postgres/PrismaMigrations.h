#pragma once

#include "PgConnection.h"
#include "Result.h"

#include <QCoreApplication>
#include <QStringList>

#include <optional>

namespace coffre {

// Code and database in step (Prisma): the migrations a source tree holds (prisma/migrations/<name>/
// migration.sql) and those the database has applied (_prisma_migrations). Restoring one without
// the other when they disagree leaves an application that fails at its first query.
class PrismaMigrations
{
    Q_DECLARE_TR_FUNCTIONS(PrismaMigrations)

public:
    // The migration names under `root`/prisma/migrations, or one or two folders down
    // (backend/prisma/migrations), sorted; nullopt when the tree has no migrations folder.
    static std::optional<QStringList> inTree(const QString& root);
    // The migrations applied (finished, not rolled back), sorted; nullopt without _prisma_migrations.
    static Result<std::optional<QStringList>> inDatabase(PgConnection& db);
    // What differs, in words ("" when they agree): `database` is what the database will hold,
    // `code` what the folder will hold.
    static QString disagreement(const QStringList& database, const QStringList& code);
};

} // namespace coffre
