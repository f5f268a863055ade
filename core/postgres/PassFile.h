#pragma once

#include "Result.h"

#include <QProcessEnvironment>
#include <QTemporaryDir>

#include <memory>

namespace coffre {

// Hands a password to pg_dump or pg_restore without putting it in their argv or in our own
// environment: a passfile in a private 0700 folder, file 0600, removed when this goes away.
// The child alone gets PGPASSFILE pointing at it.
class PassFile
{
public:
    // No file (a null pointer) for an empty password: libpq then finds it as usual (~/.pgpass).
    static Result<std::unique_ptr<PassFile>> create(const QString& password);
    QString path() const;
    // The environment for a child: ours, plus PGPASSFILE when a password was given.
    static QProcessEnvironment childEnvironment(const PassFile* passFile);
    // Removes the passfile folders of Coffre processes that were killed before they could
    // (each folder's name carries its process id). Called at every start.
    static void removeLeftovers();

private:
    PassFile();
    QTemporaryDir m_dir;
};

} // namespace coffre
