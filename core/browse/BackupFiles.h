#pragma once

#include "FileTree.h"
#include "Result.h"
#include "catalog/Backup.h"
#include "jobs/JobControl.h"

#include <QCoreApplication>

namespace coffre {

// The first bytes of one file of a backup, for a preview.
struct FilePreview
{
    QByteArray bytes;       // at most the limit asked for
    qint64 size = 0;        // the whole file's size
    bool binary = false;    // bytes that are not text: show no bytes, say so
    bool truncated() const { return bytes.size() < size; }
};

// Reads the source archives of a complete backup without restoring anything: their listing as
// one tree, and single files. Paths start with the source's label: "backend/src/app.js".
// A bucket's objects are a top folder too, from the manifest's list: "documents/invoices/a.pdf"
// by their key under the prefix; a key that is no plain path ("../x", "folder/") is under
// "documents (other keys)/<n>", as in the archive (ObjectKeys).
class BackupFiles
{
    Q_DECLARE_TR_FUNCTIONS(BackupFiles)

public:
    static constexpr qint64 PreviewBytes = 1024 * 1024;

    // Blocking: reads every archive's headers (run it on a worker).
    static Result<FileTree> load(const Backup& backup, JobControl& control);
    static Result<FilePreview> preview(const Backup& backup, const QString& path, qint64 maxBytes = PreviewBytes);

    // The archive holding `path` and the path inside it; empty archive when no source has that label.
    struct Location
    {
        QStringList archives;   // absolute file paths: one archive, or a source root's packs
        QString label;
        QString pathInArchive;  // "" for the whole source
    };
    static Location locate(const Backup& backup, const QString& path);

    // The top folder of a bucket's plain keys, and of its other keys ("documents (other keys)").
    static QString bucketFolder(const Manifest& manifest, const ObjectsPart& part);
    static QString otherKeysFolder(const Manifest& manifest, const ObjectsPart& part);
    // Where an object shows in the tree: "documents/a.pdf", "documents (other keys)/3".
    static QString objectPath(const Manifest& manifest, const ObjectsPart& part, const StoredObject& object);

    // NUL bytes, or bytes that are not UTF-8 (a cut at the end is allowed): not text.
    static bool looksBinary(const QByteArray& bytes);
};

} // namespace coffre
