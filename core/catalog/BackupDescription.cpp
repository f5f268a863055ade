#include "BackupDescription.h"

#include "util/HumanSize.h"

#include <QLocale>

namespace coffre {

QString BackupDescription::text(const Backup& backup)
{
    QString out = backup.name + u'\n' + tr("  status: %1").arg(statusDisplayName(backup.status));
    if (!backup.problem.isEmpty())
        out += QStringLiteral(" (%1)").arg(backup.problem);
    out += u'\n' + tr("  size: %1").arg(humanSize(backup.sizeBytes)) + u'\n';
    if (!backup.manifest)
        return out;
    const Manifest& m = *backup.manifest;
    out += tr("  kind: %1, made on %2 by Coffre %3 on %4 (profile %5), in %6 s")
               .arg(kindDisplayName(m.kind), m.created.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")), m.coffreVersion,
                    m.host, m.profile)
               .arg(QLocale().toString(double(m.durationMs) / 1000.0, 'f', 1)) +
           u'\n';
    if (!m.note.isEmpty())
        out += tr("  note: %1").arg(m.note) + u'\n';
    if (m.database) {
        const DatabasePart& db = *m.database;
        out += tr("  database %1: PostgreSQL %2, pg_dump %3, %4, %n table(s)", nullptr, int(db.tables.size()))
                   .arg(db.name, db.serverVersion, db.pgDumpVersion, humanSize(db.sizeBytes)) +
               u'\n';
        for (const TableRowCount& t : db.tables)
            out += QStringLiteral("    %1.%2: %L3\n").arg(t.schema, t.table).arg(t.rows);
    }
    for (const SourcePart& s : m.sources) {
        out += tr("  folder %1 (%2): %n file(s), %3", nullptr, int(s.fileCount)).arg(s.label, s.path, humanSize(s.bytes)) + u'\n';
        if (!s.vanished.isEmpty())
            out += tr("    deleted while the backup ran, so not in it: %1").arg(s.vanished.join(QStringLiteral(", "))) + u'\n';
    }
    out += tr("  files:") + u'\n';
    for (const BundleFile& f : m.files)
        out += QStringLiteral("    %1  %2  %3\n").arg(f.sha256, humanSize(f.size).rightJustified(10), f.path);
    return out;
}

} // namespace coffre
