#include "PrismaMigrations.h"

#include <QDir>
#include <QFileInfo>
#include <QSet>

namespace coffre {

namespace {

std::optional<QStringList> migrationsIn(const QString& folder)
{
    if (!QFileInfo(folder).isDir())
        return std::nullopt;
    QStringList names;
    for (const QString& name : QDir(folder).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        if (QFileInfo::exists(folder + u'/' + name + QStringLiteral("/migration.sql")))
            names << name;
    }
    return names;
}

} // namespace

std::optional<QStringList> PrismaMigrations::inTree(const QString& root)
{
    const QString migrations = QStringLiteral("prisma/migrations");
    if (auto found = migrationsIn(QDir(root).filePath(migrations)))
        return found;
    // A monorepo: backend/prisma/migrations, apps/api/prisma/migrations. Never into node_modules.
    const auto folders = [](const QString& dir) {
        QStringList names = QDir(dir).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks, QDir::Name);
        names.removeAll(QStringLiteral("node_modules"));
        return names;
    };
    for (const QString& first : folders(root)) {
        const QString one = QDir(root).filePath(first);
        if (auto found = migrationsIn(QDir(one).filePath(migrations)))
            return found;
        for (const QString& second : folders(one)) {
            if (auto found = migrationsIn(QDir(one).filePath(second + u'/' + migrations)))
                return found;
        }
    }
    return std::nullopt;
}

Result<std::optional<QStringList>> PrismaMigrations::inDatabase(PgConnection& db)
{
    // In whichever schema Prisma was pointed at (public unless ?schema=…): public first.
    const Result<QString> schema = db.scalar(QStringLiteral(
        "select coalesce((select n.nspname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where c.relname = '_prisma_migrations' and c.relkind in ('r', 'p') order by n.nspname <> 'public', n.nspname limit 1), '')"));
    if (!schema)
        return schema.error();
    if (schema->isEmpty())
        return std::optional<QStringList>();
    const Result<QList<QStringList>> rows = db.query(
        QStringLiteral("select migration_name from %1._prisma_migrations where finished_at is not null and rolled_back_at is null "
                       "order by 1")
            .arg(db.quoteIdentifier(*schema)));
    if (!rows)
        return rows.error();
    QStringList names;
    for (const QStringList& row : *rows)
        names << row.value(0);
    names.removeDuplicates();
    return std::optional<QStringList>(names);
}

QString PrismaMigrations::disagreement(const QStringList& database, const QStringList& code)
{
    const QSet<QString> applied(database.cbegin(), database.cend());
    const QSet<QString> written(code.cbegin(), code.cend());
    QStringList notApplied, notInCode;
    for (const QString& name : code)
        if (!applied.contains(name))
            notApplied << name;
    for (const QString& name : database)
        if (!written.contains(name))
            notInCode << name;
    QStringList lines;
    if (!notApplied.isEmpty())
        lines << tr("%n migration(s) of the code not applied in the database: %1", nullptr, int(notApplied.size()))
                     .arg(notApplied.join(QStringLiteral(", ")));
    if (!notInCode.isEmpty())
        lines << tr("%n migration(s) applied in the database not in the code: %1", nullptr, int(notInCode.size()))
                     .arg(notInCode.join(QStringLiteral(", ")));
    return lines.join(QStringLiteral("; "));
}

} // namespace coffre
