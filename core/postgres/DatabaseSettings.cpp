#include "DatabaseSettings.h"

#include <algorithm>

namespace coffre {
namespace {

const QString SettingsQuery =
    QStringLiteral("select coalesce(r.rolname, ''), s.setrole = 0, unnest(s.setconfig) from pg_db_role_setting s "
                   "join pg_database d on d.oid = s.setdatabase left join pg_roles r on r.oid = s.setrole "
                   "where d.datname::text = $1::text order by s.setrole <> 0, 1");
const QString DatabaseQuery =
    QStringLiteral("select datconnlimit, pg_get_userbyid(datdba), coalesce(shobj_description(oid, 'pg_database'), '') "
                   "from pg_database where datname::text = $1::text");
// A null datacl means the default ACL: recorded as what it means, so a restore can compare and set it.
const QString AclQuery = QStringLiteral(
    "select case when a.grantee = 0 then '' else pg_get_userbyid(a.grantee) end, a.privilege_type, a.is_grantable "
    "from pg_database d, aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a "
    "where d.datname::text = $1::text order by 1, 2");

QString settingName(const QString& setting)
{
    return setting.section(u'=', 0, 0);
}

QString settingValue(const QString& setting)
{
    return setting.section(u'=', 1);
}

QString grantText(const DatabaseGrant& g)
{
    return (g.grantee.isEmpty() ? QStringLiteral("PUBLIC") : g.grantee) + u':' + g.privilege +
           (g.grantable ? QStringLiteral("*") : QString());
}

QString aclText(const QList<DatabaseGrant>& acl)
{
    QStringList items;
    for (const DatabaseGrant& g : acl)
        items << grantText(g);
    items.sort();
    return items.join(QStringLiteral(", "));
}

// The value of each (role, name) pair: the key says which statement sets it.
QMap<QPair<QString, QString>, QString> configMap(const QList<DatabaseSetting>& config)
{
    QMap<QPair<QString, QString>, QString> map;
    for (const DatabaseSetting& c : config)
        map.insert({c.role, settingName(c.setting)}, settingValue(c.setting));
    return map;
}

// Runs one statement; a refusal becomes a warning naming what was not restored.
void attempt(PgConnection& c, const QString& sql, const QString& what, QStringList& warnings)
{
    if (auto done = c.query(sql); !done)
        warnings << DatabaseSettings::tr("%1 was not restored: %2")
                        .arg(what, done.error().detail.isEmpty() ? done.error().message : done.error().detail);
}

bool roleExists(PgConnection& c, const QString& role)
{
    const Result<QString> found =
        c.scalar(QStringLiteral("select count(*) from pg_roles where rolname::text = $1::text"), {role});
    return found && *found != u"0";
}

} // namespace

Result<DatabaseSettingsPart> DatabaseSettings::read(PgConnection& c, const QString& database)
{
    DatabaseSettingsPart part;
    Result<QList<QStringList>> rows = c.query(DatabaseQuery, {database});
    if (!rows)
        return rows.error();
    if (rows->isEmpty())
        return Error{tr("There is no database named “%1”.").arg(database), {}};
    part.connectionLimit = rows->first()[0].toInt();
    part.owner = rows->first()[1];
    part.comment = rows->first()[2];
    Result<QList<QStringList>> settings = c.query(SettingsQuery, {database});
    if (!settings)
        return settings.error();
    for (const QStringList& row : *settings) {
        // A setting of a role dropped since is no longer in pg_db_role_setting's join: skipped.
        if (row[1] == u"t" || !row[0].isEmpty())
            part.config.append({row[1] == u"t" ? QString() : row[0], row[2]});
    }
    Result<QList<QStringList>> acl = c.query(AclQuery, {database});
    if (!acl)
        return acl.error();
    for (const QStringList& row : *acl)
        part.acl.append({row[0], row[1], row[2] == u"t"});
    return part;
}

bool DatabaseSettings::isListQuoted(const QString& name)
{
    // pg_dump's variable_is_guc_list_quote(): the GUCs marked GUC_LIST_QUOTE in guc_tables.c.
    // Others that take lists without quoting each element (DateStyle) are set as one string.
    static const QStringList names{
        QStringLiteral("local_preload_libraries"),   QStringLiteral("search_path"),
        QStringLiteral("session_preload_libraries"), QStringLiteral("shared_preload_libraries"),
        QStringLiteral("temp_tablespaces"),          QStringLiteral("unix_socket_directories")};
    return names.contains(name, Qt::CaseInsensitive);
}

QStringList DatabaseSettings::splitList(const QString& value)
{
    QStringList elements;
    QString current;
    bool quoted = false;
    for (qsizetype i = 0; i < value.size(); ++i) {
        const QChar ch = value[i];
        if (quoted) {
            if (ch == u'"' && i + 1 < value.size() && value[i + 1] == u'"')
                current += u'"', ++i;
            else if (ch == u'"')
                quoted = false;
            else
                current += ch;
        } else if (ch == u'"') {
            quoted = true;
        } else if (ch == u',') {
            elements << current.trimmed();
            current.clear();
        } else {
            current += ch;
        }
    }
    if (!current.trimmed().isEmpty() || !elements.isEmpty())
        elements << current.trimmed();
    return elements;
}

QString DatabaseSettings::assignment(const PgConnection& c, const QString& setting)
{
    const QString name = settingName(setting), value = settingValue(setting);
    QStringList literals;
    if (isListQuoted(name)) {
        for (const QString& element : splitList(value))
            literals << c.quoteLiteral(element);
    }
    if (literals.isEmpty())
        literals << c.quoteLiteral(value);
    return QStringLiteral("set %1 = %2").arg(c.quoteIdentifier(name), literals.join(QStringLiteral(", ")));
}

QStringList DatabaseSettings::apply(PgConnection& c, const QString& database, const DatabaseSettingsPart& wanted)
{
    QStringList warnings;
    const Result<DatabaseSettingsPart> now = read(c, database);
    if (!now)
        return {tr("The database settings were not restored: %1").arg(now.error().message)};
    const QString db = c.quoteIdentifier(database);
    if (configMap(now->config) != configMap(wanted.config)) {
        // Back to none, then the backup's: a setting added since the backup goes away too.
        attempt(c, QStringLiteral("alter database %1 reset all").arg(db), tr("Resetting the database's settings"),
                warnings);
        for (const DatabaseSetting& s : now->config) {
            if (!s.role.isEmpty())
                attempt(c, QStringLiteral("alter role %1 in database %2 reset all").arg(c.quoteIdentifier(s.role), db),
                        tr("Resetting the settings of role %1").arg(s.role), warnings);
        }
        for (const DatabaseSetting& s : wanted.config) {
            const QString what = s.role.isEmpty() ? tr("The setting %1").arg(settingName(s.setting))
                                                  : tr("The setting %1 of role %2").arg(settingName(s.setting), s.role);
            if (!s.role.isEmpty() && !roleExists(c, s.role)) {
                warnings << tr("%1 was not restored: the role no longer exists.").arg(what);
                continue;
            }
            const QString target = s.role.isEmpty()
                                       ? QStringLiteral("database %1").arg(db)
                                       : QStringLiteral("role %1 in database %2").arg(c.quoteIdentifier(s.role), db);
            attempt(c, QStringLiteral("alter %1 %2").arg(target, assignment(c, s.setting)), what, warnings);
        }
    }
    if (now->connectionLimit != wanted.connectionLimit)
        attempt(c, QStringLiteral("alter database %1 connection limit %2").arg(db).arg(wanted.connectionLimit),
                tr("The connection limit"), warnings);
    if (now->comment != wanted.comment)
        attempt(c,
                QStringLiteral("comment on database %1 is %2")
                    .arg(db, wanted.comment.isEmpty() ? QStringLiteral("null") : c.quoteLiteral(wanted.comment)),
                tr("The comment"), warnings);
    const bool ownerDiffers = !wanted.owner.isEmpty() && now->owner != wanted.owner;
    const bool aclDiffers = aclText(now->acl) != aclText(wanted.acl);
    if (!ownerDiffers && !aclDiffers)
        return warnings;
    // Only a superuser or the owner may give the database away or change who may use it.
    const Result<QString> may =
        c.scalar(QStringLiteral("select rolsuper or pg_has_role(current_user, $1::name, 'member') "
                                "from pg_roles where rolname = current_user"),
                 {now->owner});
    if (!may || *may != u"t") {
        warnings << tr("The owner and privileges of the database were not restored: only its owner or a superuser may "
                       "change them.");
        return warnings;
    }
    if (ownerDiffers && !roleExists(c, wanted.owner))
        warnings << tr("The owner %1 was not restored: the role no longer exists.").arg(wanted.owner);
    else if (ownerDiffers)
        attempt(c, QStringLiteral("alter database %1 owner to %2").arg(db, c.quoteIdentifier(wanted.owner)),
                tr("The owner"), warnings);
    if (!aclDiffers)
        return warnings;
    const Result<DatabaseSettingsPart> current = read(c, database); // the owner's grants moved with the owner
    QStringList revoked;
    for (const DatabaseGrant& g : current ? current->acl : QList<DatabaseGrant>()) {
        const QString grantee = g.grantee.isEmpty() ? QStringLiteral("public") : c.quoteIdentifier(g.grantee);
        if (!revoked.contains(grantee))
            attempt(c, QStringLiteral("revoke all on database %1 from %2 cascade").arg(db, grantee),
                    tr("The privileges"), warnings);
        revoked << grantee;
    }
    for (const DatabaseGrant& g : wanted.acl) {
        if (!g.grantee.isEmpty() && !roleExists(c, g.grantee)) {
            warnings << tr("The privilege %1 of role %2 was not restored: the role no longer exists.")
                            .arg(g.privilege, g.grantee);
            continue;
        }
        const QString grantee = g.grantee.isEmpty() ? QStringLiteral("public") : c.quoteIdentifier(g.grantee);
        attempt(c,
                QStringLiteral("grant %1 on database %2 to %3%4")
                    .arg(g.privilege, db, grantee, g.grantable ? QStringLiteral(" with grant option") : QString()),
                tr("The privileges"), warnings);
    }
    return warnings;
}

QStringList DatabaseSettings::differences(const DatabaseSettingsPart& now, const DatabaseSettingsPart& backup)
{
    QStringList lines;
    const auto change = [&lines](const QString& what, const QString& before, const QString& after) {
        const QString none = tr("(none)");
        lines << tr("%1 (now: %2 → backup: %3)")
                     .arg(what, before.isEmpty() ? none : before, after.isEmpty() ? none : after);
    };
    const auto nowConfig = configMap(now.config), backupConfig = configMap(backup.config);
    QList<QPair<QString, QString>> keys = nowConfig.keys();
    for (const auto& key : backupConfig.keys())
        keys.append(key);
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (const auto& key : keys) {
        if (nowConfig.value(key) != backupConfig.value(key))
            change(key.first.isEmpty() ? key.second : tr("%1 for role %2").arg(key.second, key.first),
                   nowConfig.value(key), backupConfig.value(key));
    }
    const auto limit = [](int n) { return n < 0 ? tr("no limit") : QString::number(n); };
    if (now.connectionLimit != backup.connectionLimit)
        change(tr("connection limit"), limit(now.connectionLimit), limit(backup.connectionLimit));
    if (!backup.owner.isEmpty() && now.owner != backup.owner)
        change(tr("owner"), now.owner, backup.owner);
    if (aclText(now.acl) != aclText(backup.acl))
        change(tr("privileges"), aclText(now.acl), aclText(backup.acl));
    if (now.comment != backup.comment)
        change(tr("comment"), now.comment, backup.comment);
    return lines;
}

QString DatabaseSettings::changeSummary(PgConnection& connection, const QString& database,
                                        const std::optional<DatabaseSettingsPart>& backup)
{
    if (!backup)
        return {};
    const Result<DatabaseSettingsPart> now = read(connection, database);
    const QStringList changes = now ? differences(*now, *backup) : QStringList();
    return changes.isEmpty() ? QString()
                             : tr("Database settings that will change: %1").arg(changes.join(QStringLiteral("; ")));
}

} // namespace coffre
