#include "BundleNames.h"

#include <QRegularExpression>

#include <QDateTime>
#include <QStringList>

namespace coffre::BundleNames {

bool isValidName(const QString& name)
{
    if (name.isEmpty() || name.size() > 128 || name.startsWith(u'.'))
        return false;
    for (QChar c : name) {
        const bool asciiLetterOrDigit = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9');
        if (!asciiLetterOrDigit && c != u'-' && c != u'_' && c != u'.')
            return false;
    }
    return true;
}

bool isValidBundlePath(const QString& path)
{
    const QStringList parts = path.split(u'/');
    if (parts.size() == 1)
        return isValidName(parts[0]);
    if (parts.size() == 2)
        return (parts[0] == u"sources" || parts[0] == u"objects") && isValidName(parts[1]);
    if (parts.size() == 3) { // a pack: sources/<label>/000007.tar.zst
        static const QRegularExpression packName(QStringLiteral("^[0-9]{4,9}\\.tar(\\.zst|\\.gz)?$"));
        return parts[0] == u"sources" && isValidName(parts[1]) && packName.match(parts[2]).hasMatch();
    }
    return false;
}

QString defaultBackupName(const QDateTime& localTime)
{
    return QStringLiteral("backup_") + localTime.toString(QStringLiteral("yyyyMMdd_HHmmss"));
}

} // namespace coffre::BundleNames
