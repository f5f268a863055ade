#include "DeleteCommand.h"

#include "CliTarget.h"
#include "catalog/Catalog.h"
#include "jobs/DeleteJob.h"
#include "util/HumanSize.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

#include <unistd.h>

namespace coffre {
namespace {

int runDelete(const CliContext& cli)
{
    const Result<Profile> target = CliTarget::resolve(cli.parser);
    if (!target)
        return cli.usage(target.error().message);
    const QStringList names = cli.parser.positionalArguments().mid(1);
    if (names.isEmpty())
        return cli.usage(DeleteCommand::tr("Name the backups to delete."));
    qint64 bytes = 0;
    bool safety = false;
    for (const QString& name : names) {
        if (const QString why = DeleteJob::refusal(target->repository, name); !why.isEmpty())
            return cli.fail(Error{why, {}});
        const Backup backup = Catalog::inspect(target->repository, name);
        bytes += backup.sizeBytes;
        safety |= backup.kind() == BackupKind::Safety;
    }
    if (!cli.parser.isSet(QStringLiteral("yes"))) {
        if (!::isatty(STDIN_FILENO))
            return cli.usage(DeleteCommand::tr("Without a terminal, give --yes to delete."));
        cli.err << DeleteCommand::tr("Delete %1 (%2)?").arg(names.join(QStringLiteral(", ")), humanSize(bytes));
        if (safety)
            cli.err << u' ' << DeleteCommand::tr("One of them is a safety copy made before a restore.");
        cli.err << DeleteCommand::tr(" [y/N] ") << Qt::flush;
        const QString answer = QTextStream(stdin).readLine().trimmed().toLower();
        if (answer != u"y" && answer != u"yes" && answer != u"o" && answer != u"oui") {
            cli.err << DeleteCommand::tr("Nothing was deleted.") << Qt::endl;
            return ExitFailure;
        }
    }
    JobControl control;
    if (Status deleted = DeleteJob::run(target->repository, names, control); !deleted)
        return cli.fail(deleted.error());
    if (cli.json())
        return cli.succeed(QJsonObject{{QStringLiteral("deleted"), QJsonArray::fromStringList(names)}, {QStringLiteral("bytes"), bytes}});
    cli.out << DeleteCommand::tr("Deleted %1 (%2).").arg(names.join(QStringLiteral(", ")), humanSize(bytes)) << Qt::endl;
    return ExitSuccess;
}

} // namespace

CliCommand DeleteCommand::command()
{
    return {QStringLiteral("delete"), tr("Delete backups (complete, incomplete or damaged); never another folder."),
            QStringLiteral("NAME..."),
            [] { return QList<QCommandLineOption>{{QStringLiteral("yes"), tr("Do not ask for confirmation.")}}; }, runDelete};
}

} // namespace coffre
