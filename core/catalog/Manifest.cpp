#include "Manifest.h"

#include <QDir>

#include <QCoreApplication>

namespace coffre {

QString kindToString(BackupKind kind)
{
    switch (kind) {
    case BackupKind::Manual:
        return QStringLiteral("manual");
    case BackupKind::Scheduled:
        return QStringLiteral("scheduled");
    case BackupKind::Safety:
        return QStringLiteral("safety");
    }
    return {};
}

QString kindDisplayName(BackupKind kind)
{
    switch (kind) {
    case BackupKind::Manual:
        return QCoreApplication::translate("Manifest", "manual");
    case BackupKind::Scheduled:
        return QCoreApplication::translate("Manifest", "scheduled");
    case BackupKind::Safety:
        return QCoreApplication::translate("Manifest", "safety copy");
    }
    return {};
}

std::optional<BackupKind> kindFromString(const QString& text)
{
    for (BackupKind kind : {BackupKind::Manual, BackupKind::Scheduled, BackupKind::Safety}) {
        if (kindToString(kind) == text)
            return kind;
    }
    return std::nullopt;
}

QStringList Manifest::components() const
{
    QStringList result;
    if (database)
        result << QStringLiteral("database");
    for (const SourcePart& source : sources)
        result << QStringLiteral("source:") + source.label;
    for (const ObjectsPart& part : objects)
        result << QStringLiteral("bucket:") + part.label;
    return result;
}

QStringList SourcePart::archiveFiles() const
{
    if (packs.isEmpty())
        return {archive};
    QStringList files;
    for (const SourcePack& pack : packs)
        files << pack.file;
    return files;
}

QStringList SourcePart::archivePaths(const QString& bundle) const
{
    QStringList paths;
    for (const QString& file : archiveFiles())
        paths << QDir(bundle).filePath(file);
    return paths;
}

int Manifest::formatVersion() const
{
    for (const SourcePart& source : sources) {
        if (!source.packs.isEmpty())
            return FormatVersion;
    }
    return OldestFormatVersion;
}

qint64 Manifest::filesTotalBytes() const
{
    qint64 total = 0;
    for (const BundleFile& file : files)
        total += file.size;
    return total;
}

const BundleFile* Manifest::findFile(const QString& path) const
{
    for (const BundleFile& file : files) {
        if (file.path == path)
            return &file;
    }
    return nullptr;
}

const ObjectsPart* Manifest::findObjects(const QString& label) const
{
    for (const ObjectsPart& part : objects) {
        if (part.label == label)
            return &part;
    }
    return nullptr;
}

QString ObjectsPart::relativeKey(const QString& key) const
{
    return prefix.isEmpty() ? key : key.mid(prefix.size() + 1);
}

QString ObjectsPart::entryOf(const StoredObject& object) const
{
    return object.entry.isEmpty() ? QStringLiteral("objects/") + relativeKey(object.key) : object.entry;
}

} // namespace coffre
