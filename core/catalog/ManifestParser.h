#pragma once

#include "Manifest.h"
#include "Result.h"

#include <QByteArray>
#include <QCoreApplication>

namespace coffre {

// Reads manifest.json, trusting nothing: every field is checked for presence and type, every
// name and path for safety, and every part for a matching entry in "files".
class ManifestParser
{
    Q_DECLARE_TR_FUNCTIONS(ManifestParser)

public:
    static Result<Manifest> parse(const QByteArray& json);
    static Result<Manifest> readFile(const QString& path);
};

} // namespace coffre
