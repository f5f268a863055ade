#include "ObjectKeys.h"

#include <QRegularExpression>
#include <QSet>

namespace coffre::ObjectKeys {

bool isPlain(const QString& relativeKey)
{
    if (relativeKey.isEmpty() || relativeKey.toUtf8().size() > 1024)
        return false;
    for (const QString& segment : relativeKey.split(u'/')) {
        if (segment.isEmpty() || segment == u"." || segment == u".." || segment.toUtf8().size() > 255)
            return false;
    }
    for (const QChar c : relativeKey) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f || c == u'\\')
            return false;
    }
    return true;
}

QStringList entryNames(const QStringList& relativeKeys)
{
    QSet<QString> folders; // every "a", "a/b" that holds another key
    for (const QString& key : relativeKeys) {
        for (qsizetype slash = key.indexOf(u'/'); slash > 0; slash = key.indexOf(u'/', slash + 1))
            folders.insert(key.left(slash));
    }
    QStringList names;
    names.reserve(relativeKeys.size());
    for (qsizetype i = 0; i < relativeKeys.size(); ++i) {
        const QString& key = relativeKeys[i];
        names << (isPlain(key) && !folders.contains(key) ? QString() : QStringLiteral("other-keys/") + QString::number(i));
    }
    return names;
}

bool isOtherKeyEntry(const QString& entry)
{
    static const QRegularExpression form(QStringLiteral("^other-keys/[0-9]{1,9}$"));
    return form.match(entry).hasMatch();
}

} // namespace coffre::ObjectKeys
