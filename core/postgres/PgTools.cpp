#include "PgTools.h"

#include "util/ChildProcess.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>

namespace coffre {

Result<PgTool> PgTools::probe(const QString& path)
{
    QProcess process;
    ChildProcess::dieWithParent(process);
    process.start(path, {QStringLiteral("--version")});
    if (!process.waitForFinished(10000) || process.exitCode() != 0)
        return Error{tr("“%1” does not run.").arg(path), process.errorString()};
    // "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
    static const QRegularExpression version(QStringLiteral("\\(PostgreSQL\\) (\\d+)(\\.\\d+)?"));
    const QRegularExpressionMatch match = version.match(QString::fromUtf8(process.readAllStandardOutput()));
    if (!match.hasMatch())
        return Error{tr("“%1” does not say which PostgreSQL version it belongs to.").arg(path), {}};
    return PgTool{path, match.captured(1) + match.captured(2), match.captured(1).toInt()};
}

Result<PgTool> PgTools::find(const QString& tool, int serverMajor)
{
    QStringList candidates;
    const QString overrideDir = qEnvironmentVariable("COFFRE_PG_BINDIR");
    if (!overrideDir.isEmpty())
        candidates << QDir(overrideDir).filePath(tool);
    candidates << QStringLiteral("/usr/lib/postgresql/%1/bin/%2").arg(serverMajor).arg(tool);
    QStringList versions = QDir(QStringLiteral("/usr/lib/postgresql")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    std::sort(versions.begin(), versions.end(), [](const QString& a, const QString& b) { return a.toInt() < b.toInt(); });
    for (const QString& v : versions)
        candidates << QStringLiteral("/usr/lib/postgresql/%1/bin/%2").arg(v, tool);
    const QString onPath = QStandardPaths::findExecutable(tool);
    if (!onPath.isEmpty())
        candidates << onPath;

    QStringList tooOld;
    for (const QString& path : candidates) {
        if (!QFileInfo(path).isExecutable())
            continue;
        const Result<PgTool> found = probe(path);
        if (!found)
            continue;
        if (found->major >= serverMajor)
            return found;
        tooOld << QStringLiteral("%1 %2").arg(path, found->version);
    }
    return Error{tr("No %1 for PostgreSQL %2 or newer is installed. Install the package postgresql-client-%2.")
                     .arg(tool)
                     .arg(serverMajor),
                 tooOld.isEmpty() ? QString() : QStringLiteral("too old: ") + tooOld.join(QStringLiteral(", "))};
}

} // namespace coffre
