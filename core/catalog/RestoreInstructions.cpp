#include "RestoreInstructions.h"

#include <QFileInfo>

namespace coffre {
namespace {

// The command that turns one bundle file back into its plain stream on stdout.
QString decompress(const QString& file)
{
    if (file.endsWith(QLatin1String(".zst")))
        return QStringLiteral("zstd -dc %1").arg(file);
    if (file.endsWith(QLatin1String(".gz")))
        return QStringLiteral("gzip -dc %1").arg(file);
    return QStringLiteral("cat %1").arg(file);
}

// One shell word, whatever the text holds (a prefix with spaces or quotes).
QString shellQuoted(const QString& text)
{
    QString quoted = text;
    quoted.replace(u'\'', QLatin1String("'\\''"));
    return u'\'' + quoted + u'\'';
}

struct Words
{
    const char* title;
    const char* intro;
    const char* stepsHeading;
    const char* checkStep;
    const char* databaseStep;
    const char* sourcesStep;
    const char* optionalHeading;
    const char* swapStep;
    const char* sqlNote;
    const char* bucketStep;
    const char* bucketHeading;
    const char* bucketUpload;
};

const Words English{
    "## English",
    "Backup `%1`, made on %2 UTC. Run these commands from inside this folder. They need the PostgreSQL "
    "client tools (createdb, pg_restore, psql) of version %3 or newer, tar, zstd and sha256sum. "
    "Connection settings come from PGHOST, PGPORT and PGUSER, and the password from ~/.pgpass, as usual.",
    "### Steps",
    "1. Check that every file is intact:",
    "2. Restore the database `%1` into a new database, `%1_restored`, next to the current one:",
    "3. Restore each source folder into `restored/<label>/`, next to the current ones:",
    "### Optional: put the restored database in place",
    "Stop the application first. The current database is kept under the name `%1_old`:",
    "`%1` holds the same data as plain SQL, for reading by eye.",
    "4. Extract the objects of the bucket `%1` into `restored/<label>/`. Each object is in `objects/`, under its key "
    "without the prefix; a key that is not a plain path (`../x`, `folder/`) is in `other-keys/<n>`, and the "
    "manifest's `objects` list says which key each entry holds:",
    "### Optional: put the objects back into the bucket",
    "With the AWS CLI; objects of the same key are overwritten, the others stay as they are:",
};

const Words French{
    "## Français",
    "Sauvegarde `%1`, faite le %2 UTC. Lancez ces commandes depuis ce dossier. Il faut les outils clients "
    "PostgreSQL (createdb, pg_restore, psql) en version %3 ou plus récente, tar, zstd et sha256sum. "
    "La connexion se règle comme d'habitude avec PGHOST, PGPORT et PGUSER, et le mot de passe avec ~/.pgpass.",
    "### Étapes",
    "1. Vérifier que chaque fichier est intact :",
    "2. Restaurer la base `%1` dans une nouvelle base, `%1_restored`, à côté de l'actuelle :",
    "3. Restaurer chaque dossier source dans `restored/<libellé>/`, à côté des dossiers actuels :",
    "### Facultatif : mettre la base restaurée en service",
    "Arrêtez d'abord l'application. La base actuelle est gardée sous le nom `%1_old` :",
    "`%1` contient les mêmes données en SQL, pour les lire à l'œil.",
    "4. Extraire les objets du bucket `%1` dans `restored/<libellé>/`. Chaque objet est dans `objects/`, sous sa clé "
    "sans le préfixe ; une clé qui n'est pas un chemin simple (`../x`, `dossier/`) est dans `other-keys/<n>`, et la "
    "liste `objects` du manifeste dit quelle clé contient chaque entrée :",
    "### Facultatif : remettre les objets dans le bucket",
    "Avec l'AWS CLI ; les objets de même clé sont remplacés, les autres restent tels quels :",
};

QString section(const Manifest& m, const Words& w)
{
    const QString db = m.database ? m.database->name : QString();
    const QString serverMajor = m.database ? m.database->serverVersion.section(u'.', 0, 0) : QStringLiteral("15");
    QString text = QString::fromUtf8(w.title) + QStringLiteral("\n\n");
    text += QString::fromUtf8(w.intro).arg(m.name, m.created.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                                           serverMajor) +
            QStringLiteral("\n\n");
    text += QString::fromUtf8(w.stepsHeading) + QStringLiteral("\n\n");
    text += QString::fromUtf8(w.checkStep) + QStringLiteral("\n\n```sh\nsha256sum -c %1\n```\n\n")
                                                 .arg(QLatin1String(RestoreInstructions::ChecksumsFileName));
    if (m.database) {
        text += QString::fromUtf8(w.databaseStep).arg(db) + QStringLiteral("\n\n```sh\n");
        text += QStringLiteral("createdb '%1_restored'\n").arg(db);
        text += QStringLiteral("%1 | pg_restore --no-owner --exit-on-error -d '%2_restored'\n```\n\n")
                    .arg(decompress(m.database->file), db);
        if (!m.database->plainSqlFile.isEmpty())
            text += QString::fromUtf8(w.sqlNote).arg(m.database->plainSqlFile) + QStringLiteral("\n\n");
    }
    if (!m.sources.isEmpty()) {
        text += QString::fromUtf8(w.sourcesStep) + QStringLiteral("\n\n```sh\n");
        for (const SourcePart& s : m.sources) {
            if (s.packs.isEmpty()) {
                text += QStringLiteral("mkdir -p restored/%1 && %2 | tar -xf - -C restored/%1\n").arg(s.label, decompress(s.archive));
                continue;
            }
            // Packs: each a complete archive, read in the order of their numbers (the names sort so).
            const QString first = s.packs.first().file; // sources/backend/000001.tar.zst
            const QString pattern = QFileInfo(first).path() + QStringLiteral("/*.") + QFileInfo(first).completeSuffix();
            const QString command = decompress(first).replace(first, QStringLiteral("\"$pack\""));
            // In a subshell with -e: the first pack that fails stops it, with a failing status.
            text += QStringLiteral("mkdir -p restored/%1 && (set -e; for pack in %2; do %3 | tar -xf - -C restored/%1; done)\n")
                        .arg(s.label, pattern, command);
        }
        text += QStringLiteral("```\n\n");
    }
    for (const ObjectsPart& o : m.objects) {
        text += QString::fromUtf8(w.bucketStep).arg(o.bucket) + QStringLiteral("\n\n```sh\n");
        text += QStringLiteral("mkdir -p restored/%1 && %2 | tar -xf - -C restored/%1\n```\n\n").arg(o.label, decompress(o.archive));
    }
    for (const ObjectsPart& o : m.objects) {
        const QString endpoint = o.endpoint.isEmpty() ? QString() : QStringLiteral("--endpoint-url %1 ").arg(shellQuoted(o.endpoint));
        const QString url = QStringLiteral("s3://") + o.bucket + u'/' + (o.prefix.isEmpty() ? QString() : o.prefix + u'/');
        text += QString::fromUtf8(w.bucketHeading) + QStringLiteral("\n\n") + QString::fromUtf8(w.bucketUpload) +
                QStringLiteral("\n\n```sh\naws %1s3 cp --recursive restored/%2/objects/ %3\n```\n\n").arg(endpoint, o.label, shellQuoted(url));
    }
    if (m.database) {
        text += QString::fromUtf8(w.optionalHeading) + QStringLiteral("\n\n");
        text += QString::fromUtf8(w.swapStep).arg(db) + QStringLiteral("\n\n```sh\n");
        text += QStringLiteral("psql -d postgres -c 'ALTER DATABASE \"%1\" RENAME TO \"%1_old\"'\n").arg(db);
        text += QStringLiteral("psql -d postgres -c 'ALTER DATABASE \"%1_restored\" RENAME TO \"%1\"'\n```\n\n").arg(db);
    }
    return text;
}

} // namespace

QByteArray RestoreInstructions::markdown(const Manifest& manifest)
{
    QString text = QStringLiteral("# Restore / Restauration — %1\n\n").arg(manifest.name);
    text += section(manifest, English);
    text += section(manifest, French);
    return text.toUtf8();
}

} // namespace coffre
