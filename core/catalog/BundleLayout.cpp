#include "BundleLayout.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QRegularExpression>

namespace coffre::BundleLayout {

bool isBundleFile(const QString& path)
{
    static const QRegularExpression known(QStringLiteral(
        "^(manifest\\.json(\\.tmp)?|RESTORE_INSTRUCTIONS\\.md(\\.tmp)?|SHA256SUMS(\\.tmp)?|database\\.(dump|sql)(\\.zst|\\.gz)?"
        "|(sources|objects)/[A-Za-z0-9][A-Za-z0-9_.-]*\\.tar(\\.zst|\\.gz)?"
        "|sources/[A-Za-z0-9][A-Za-z0-9_.-]*/[0-9]{4,9}\\.tar(\\.zst|\\.gz)?)$"));
    return known.match(path).hasMatch();
}

QString foreignEntry(const QString& folder)
{
    QDirIterator it(folder, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo info(it.next());
        const QString path = QDir(folder).relativeFilePath(info.filePath());
        static const QRegularExpression packFolder(QStringLiteral("^sources/[A-Za-z0-9][A-Za-z0-9_.-]*$"));
        const bool bundleFolder = info.isDir() && !info.isSymLink() &&
                                  (path == u"sources" || path == u"objects" || packFolder.match(path).hasMatch());
        const bool bundleFile = info.isFile() && !info.isSymLink() && isBundleFile(path);
        if (!bundleFolder && !bundleFile)
            return path;
    }
    return {};
}

} // namespace coffre::BundleLayout
