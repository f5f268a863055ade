#include "RetentionPolicy.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>

#include <sys/stat.h>

#include <algorithm>

namespace coffre {

QString RetentionRules::describe() const
{
    if (prunesNothing())
        return RetentionPolicy::tr("keep everything");
    QStringList parts;
    if (keepLast > 0)
        parts << RetentionPolicy::tr("the last %1").arg(keepLast);
    if (daily > 0)
        parts << RetentionPolicy::tr("%1 daily").arg(daily);
    if (weekly > 0)
        parts << RetentionPolicy::tr("%1 weekly").arg(weekly);
    if (monthly > 0)
        parts << RetentionPolicy::tr("%1 monthly").arg(monthly);
    if (yearly > 0)
        parts << RetentionPolicy::tr("%1 yearly").arg(yearly);
    return RetentionPolicy::tr("%1; at least %2; %3 safety copies").arg(parts.join(QStringLiteral(", "))).arg(minimum).arg(keepSafety);
}

QJsonObject RetentionRules::toJson() const
{
    return {{QStringLiteral("keep_last"), keepLast}, {QStringLiteral("daily"), daily},     {QStringLiteral("weekly"), weekly},
            {QStringLiteral("monthly"), monthly},    {QStringLiteral("yearly"), yearly},   {QStringLiteral("minimum"), minimum},
            {QStringLiteral("keep_safety"), keepSafety}};
}

RetentionRules RetentionRules::fromJson(const QJsonObject& o)
{
    RetentionRules rules;
    auto count = [&o](const char* key, int fallback) { return std::max(0, o.value(QLatin1String(key)).toInt(fallback)); };
    rules.keepLast = count("keep_last", 0);
    rules.daily = count("daily", 0);
    rules.weekly = count("weekly", 0);
    rules.monthly = count("monthly", 0);
    rules.yearly = count("yearly", 0);
    rules.minimum = count("minimum", rules.minimum);
    rules.keepSafety = count("keep_safety", rules.keepSafety);
    return rules;
}

namespace {

// A calendar bucket: the newest backup of each distinct key is kept, up to `count` keys.
struct Bucket
{
    QString label;
    int count;
    std::function<QString(const QDate&)> key;
    QString lastKey;
    int kept = 0;
};

} // namespace

QList<RetentionDecision> RetentionPolicy::decide(const QList<Backup>& backups, const RetentionRules& rules, const QSet<QString>& pinned,
                                                 const QTimeZone& zone)
{
    QList<RetentionDecision> decisions;
    for (const Backup& backup : backups)
        decisions.append({backup, true, {}});
    std::stable_sort(decisions.begin(), decisions.end(),
                     [](const RetentionDecision& a, const RetentionDecision& b) { return a.backup.created > b.backup.created; });
    if (rules.prunesNothing())
        return decisions;

    std::vector<Bucket> buckets{
        {tr("daily"), rules.daily, [](const QDate& d) { return d.toString(Qt::ISODate); }, {}, 0},
        {tr("weekly"), rules.weekly, [](const QDate& d) { int year = 0; const int week = d.weekNumber(&year); return QStringLiteral("%1-W%2").arg(year).arg(week); }, {}, 0},
        {tr("monthly"), rules.monthly, [](const QDate& d) { return d.toString(QStringLiteral("yyyy-MM")); }, {}, 0},
        {tr("yearly"), rules.yearly, [](const QDate& d) { return QString::number(d.year()); }, {}, 0},
    };
    int last = 0;
    int safety = 0;
    int completeKept = 0;
    for (RetentionDecision& decision : decisions) {
        const Backup& backup = decision.backup;
        if (backup.status != BackupStatus::Complete) {
            decision.reasons << tr("not complete: left for you to look at");
            continue;
        }
        if (pinned.contains(backup.name))
            decision.reasons << tr("pinned");
        if (backup.kind() == BackupKind::Safety) { // its own rule
            if (safety++ < rules.keepSafety)
                decision.reasons << tr("one of the %1 newest safety copies").arg(rules.keepSafety);
            decision.keep = !decision.reasons.isEmpty();
            continue;
        }
        if (last < rules.keepLast) {
            ++last;
            decision.reasons << tr("the last %1").arg(rules.keepLast);
        }
        const QDate day = backup.created.toTimeZone(zone).date();
        for (Bucket& bucket : buckets) {
            if (bucket.kept >= bucket.count)
                continue;
            const QString key = bucket.key(day);
            if (key == bucket.lastKey)
                continue;
            bucket.lastKey = key;
            ++bucket.kept;
            decision.reasons << bucket.label;
        }
        decision.keep = !decision.reasons.isEmpty();
        completeKept += decision.keep ? 1 : 0;
    }
    // Never fewer than the minimum: the newest of those that would go stay.
    for (RetentionDecision& decision : decisions) {
        if (completeKept >= rules.minimum)
            break;
        if (decision.keep || decision.backup.kind() == BackupKind::Safety)
            continue;
        decision.keep = true;
        decision.reasons << tr("at least %1").arg(rules.minimum);
        ++completeKept;
    }
    for (RetentionDecision& decision : decisions)
        if (!decision.keep)
            decision.reasons << tr("beyond the rules");
    return decisions;
}

qint64 RetentionPolicy::bytesFreed(const QList<RetentionDecision>& decisions)
{
    // A pack shared with a kept backup (a hard link, docs/DECISIONS.md 66) frees nothing: a
    // file's bytes come back only when every one of its names goes. Off-site copies share nothing.
    struct Shared
    {
        qint64 size = 0;
        nlink_t links = 0;
        nlink_t going = 0;
    };
    QHash<QPair<dev_t, ino_t>, Shared> files;
    qint64 bytes = 0;
    for (const RetentionDecision& decision : decisions) {
        if (decision.keep)
            continue;
        const Backup& backup = decision.backup;
        if (!backup.manifest || backup.path.isEmpty() || !QFileInfo(backup.path).isDir()) {
            bytes += backup.sizeBytes;
            continue;
        }
        for (const BundleFile& file : backup.manifest->files) {
            struct stat st;
            if (::stat(QFile::encodeName(backup.path + u'/' + file.path).constData(), &st) != 0)
                continue;
            Shared& shared = files[{st.st_dev, st.st_ino}];
            shared.size = st.st_size;
            shared.links = st.st_nlink;
            ++shared.going;
        }
        bytes += QFileInfo(backup.path + u'/' + QLatin1String(Manifest::FileName)).size();
    }
    for (const Shared& file : std::as_const(files))
        bytes += file.going >= file.links ? file.size : 0;
    return bytes;
}

QStringList RetentionPolicy::pruned(const QList<RetentionDecision>& decisions)
{
    QStringList names;
    for (const RetentionDecision& decision : decisions)
        if (!decision.keep)
            names << decision.backup.name;
    return names;
}

} // namespace coffre
