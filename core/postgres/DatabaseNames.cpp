#include "DatabaseNames.h"

#include "util/Sha256.h"

namespace coffre {

QString DatabaseNames::derived(const QString& database, const QString& tag)
{
    const QString whole = database + u'_' + tag;
    if (fits(whole))
        return whole;
    const QByteArray name = database.toUtf8();
    Sha256 hash;
    hash.add(name.constData(), name.size());
    const QByteArray suffix = (u'_' + hash.hex().left(8) + u'_' + tag).toUtf8();
    qsizetype keep = qMax<qsizetype>(0, MaxBytes - suffix.size());
    while (keep > 0 && (uchar(name[keep]) & 0xC0) == 0x80)
        --keep; // never half a character: step back to the start of the one that does not fit
    return QString::fromUtf8(name.left(keep) + suffix);
}

QString DatabaseNames::unused(const QString& database, const QString& tag,
                              const std::function<bool(const QString&)>& taken)
{
    for (int n = 1; n < 100; ++n) {
        const QString name = derived(database, n == 1 ? tag : tag + u'_' + QString::number(n));
        if (fits(name) && name != database && !taken(name))
            return name;
    }
    return {};
}

} // namespace coffre
