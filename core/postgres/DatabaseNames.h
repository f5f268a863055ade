#pragma once

#include <QString>

#include <functional>

namespace coffre {

// The names a restore gives databases (<db>_restoring_<stamp>, <db>_before_restore_<stamp>,
// <db>_undone_<stamp>). PostgreSQL keeps 63 bytes of a name and silently cuts the rest: two
// restores of a long name would share a name, and a 63-byte name cut back is the live
// database's own. Every generated name comes from here and fits.
class DatabaseNames
{
public:
    static constexpr int MaxBytes = 63; // NAMEDATALEN - 1

    static bool fits(const QString& name) { return name.toUtf8().size() <= MaxBytes; }
    // "<database>_<tag>" when it fits; else "<database cut on a character boundary>_<first 8
    // hex digits of the SHA-256 of the whole name>_<tag>", 63 bytes at most.
    static QString derived(const QString& database, const QString& tag);
    // derived(database, tag), or with "_2", "_3"... after the tag: the first that is not
    // `database` and that `taken` says is free. Empty when none is (a tag too long to fit).
    static QString unused(const QString& database, const QString& tag,
                          const std::function<bool(const QString&)>& taken);
};

} // namespace coffre
