#pragma once

#include "PgConnection.h"
#include "catalog/Manifest.h"

namespace coffre {

// The settings of a database itself, which pg_dump leaves out: ALTER DATABASE ... SET, ALTER
// ROLE ... IN DATABASE ... SET, CONNECTION LIMIT, owner, privileges (datacl) and comment. A
// backup records them; a restore puts the backup's back (issue 9 §3).
class DatabaseSettings
{
    Q_DECLARE_TR_FUNCTIONS(DatabaseSettings)

public:
    // As they are now, read on any connection to the same server (shared catalogs).
    static Result<DatabaseSettingsPart> read(PgConnection& connection, const QString& database);

    // Puts `wanted` on `database`, on a connection to another database of the server (the
    // maintenance one, or the database itself). What the role may not change (another role's
    // setting, the owner or privileges without being owner or superuser), a role that no longer
    // exists, a setting the server refuses: each a warning, in the returned list; never a failure.
    static QStringList apply(PgConnection& connection, const QString& database, const DatabaseSettingsPart& wanted);

    // "search_path (now: public → backup: public, extra)", one per difference, for confirmations.
    static QStringList differences(const DatabaseSettingsPart& now, const DatabaseSettingsPart& backup);
    // "Database settings that will change: …" for a restore of `backup` onto `database`; empty
    // when nothing changes, when the backup did not record them, or when they cannot be read now.
    static QString changeSummary(PgConnection& connection, const QString& database,
                                 const std::optional<DatabaseSettingsPart>& backup);

    // "name=value" as pg_db_role_setting stores it, as the right-hand side of SET: `search_path
    // = 'public', 'extra'` (each element of a list-valued setting quoted alone), `work_mem = '8MB'`.
    static QString assignment(const PgConnection& connection, const QString& setting);
    // The settings whose stored value is a list of separately quoted elements (GUC_LIST_QUOTE).
    static bool isListQuoted(const QString& name);
    // Splits such a value as the server does (SplitGUCList): commas outside double quotes, quotes removed.
    static QStringList splitList(const QString& value);
};

} // namespace coffre
