#include "PreviousPacks.h"

#include "catalog/BundleNames.h"
#include "catalog/ManifestParser.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>

namespace coffre {

QHash<QString, ReusablePack> PreviousPacks::find(const QString& repository, const QString& label, const PackSeal& seal, int backups)
{
    // Newest first by the manifest's own time on disk: a stat each, where parsing all the
    // manifests of a repository of thousands of backups would not be cheap.
    struct Candidate
    {
        QString folder;
        QDateTime written;
    };
    QList<Candidate> candidates;
    const QDir dir(repository);
    for (const QString& name : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks)) {
        if (!BundleNames::isValidName(name))
            continue;
        const QFileInfo manifest(dir.filePath(name) + u'/' + QLatin1String(Manifest::FileName));
        if (manifest.isFile())
            candidates.append({dir.filePath(name), manifest.lastModified()});
    }
    std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) { return a.written > b.written; });

    QHash<QString, ReusablePack> packs;
    int found = 0;
    for (const Candidate& candidate : candidates) {
        if (found >= backups)
            break;
        const Result<Manifest> manifest = ManifestParser::readFile(QDir(candidate.folder).filePath(QLatin1String(Manifest::FileName)));
        if (!manifest)
            continue;
        for (const SourcePart& source : manifest->sources) {
            if (source.label != label || source.packs.isEmpty())
                continue;
            ++found;
            for (const SourcePack& pack : source.packs) {
                const BundleFile* file = manifest->findFile(pack.file);
                if (file && !packs.contains(pack.fingerprint) && seal.verifies(pack.seal, pack.fingerprint, file->sha256))
                    packs.insert(pack.fingerprint, {QDir(candidate.folder).filePath(pack.file), *file, pack.entries, pack.bytes});
            }
        }
    }
    return packs;
}

} // namespace coffre
