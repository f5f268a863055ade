#include "Pins.h"

#include "catalog/BundleNames.h"
#include "util/AtomicFile.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace coffre {

QSet<QString> Pins::read(const QString& repository)
{
    QFile file(QDir(repository).filePath(QLatin1String(FileName)));
    QSet<QString> names;
    if (!file.open(QIODevice::ReadOnly))
        return names;
    for (const QJsonValue& value : QJsonDocument::fromJson(file.readAll()).array())
        if (BundleNames::isValidName(value.toString()))
            names.insert(value.toString());
    return names;
}

Status Pins::set(const QString& repository, const QString& name, bool pinned)
{
    if (!BundleNames::isValidName(name))
        return Error{tr("“%1” is not a backup name.").arg(name), {}, ErrorCode::NotFound};
    QSet<QString> names = read(repository);
    if (pinned)
        names.insert(name);
    else
        names.remove(name);
    QStringList sorted(names.begin(), names.end());
    sorted.sort();
    return AtomicFile::write(QDir(repository).filePath(QLatin1String(FileName)),
                             QJsonDocument(QJsonArray::fromStringList(sorted)).toJson());
}

} // namespace coffre
