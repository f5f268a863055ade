#include "BrowseCommands.h"

#include "CliJobRunner.h"
#include "CliTarget.h"
#include "TextTable.h"
#include "browse/BackupFiles.h"
#include "browse/DumpContents.h"
#include "browse/SelectionExtractor.h"
#include "browse/TreeComparison.h"
#include "util/Background.h"
#include "util/HumanSize.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtConcurrent>

namespace coffre {
namespace {

// The profile and the complete backup named first on the command line; exit status when not.
struct Chosen
{
    Profile profile;
    Backup backup;
    int exitCode = ExitSuccess;
};

Chosen choose(const CliContext& cli)
{
    Chosen chosen;
    const Result<Profile> target = CliTarget::resolve(cli.parser);
    if (!target) {
        chosen.exitCode = cli.usage(target.error().message);
        return chosen;
    }
    chosen.profile = *target;
    const QStringList arguments = cli.parser.positionalArguments();
    if (arguments.size() < 2) {
        chosen.exitCode = cli.usage(BrowseCommands::tr("Name the backup."));
        return chosen;
    }
    const Result<Backup> backup = CliTarget::completeBackup(chosen.profile, arguments.at(1));
    if (!backup)
        chosen.exitCode = cli.fail(backup.error());
    else
        chosen.backup = *backup;
    return chosen;
}

// A job on a worker, with the progress line on a terminal and Ctrl-C as a clean cancel.
template<typename T>
Result<T> runJob(const Profile& profile, const std::function<Result<T>(JobControl&)>& work, bool showProgress = true)
{
    return runWithPassword<T>(profile, false, showProgress && CliJobRunner::stderrIsTerminal(),
                              [work](const QString&, std::shared_ptr<JobControl> control) {
                                  return runInBackground([work, control] { return work(*control); });
                              });
}

QString typeLetter(ArchiveEntry::Type type)
{
    switch (type) {
    case ArchiveEntry::Type::Directory: return QStringLiteral("d");
    case ArchiveEntry::Type::Symlink: return QStringLiteral("l");
    case ArchiveEntry::Type::Other: return QStringLiteral("?");
    case ArchiveEntry::Type::File: break;
    }
    return QStringLiteral("-");
}

QJsonObject entryToJson(const QString& path, const FileTree::Node& node)
{
    return {{QStringLiteral("path"), path},
            {QStringLiteral("type"), typeLetter(node.type)},
            {QStringLiteral("size"), node.size},
            {QStringLiteral("modified"), node.modified},
            {QStringLiteral("link"), node.linkTarget}};
}

// Every entry under each source root: what a desktop's Browse builds its tree from.
int printTree(const CliContext& cli, const FileTree& tree)
{
    QJsonObject roots;
    for (const int top : tree.node(tree.rootIndex()).children) {
        QJsonArray entries;
        QList<int> pending = tree.node(top).children;
        while (!pending.isEmpty()) {
            const int index = pending.takeLast();
            const FileTree::Node& node = tree.node(index);
            entries.append(entryToJson(tree.pathOf(index).section(u'/', 1), node));
            pending += node.children;
        }
        roots.insert(tree.node(top).name, entries);
    }
    return cli.succeed(QJsonObject{{QStringLiteral("roots"), roots}});
}

int printFile(const CliContext& cli, const Backup& backup, const QString& path)
{
    const Result<FilePreview> preview = BackupFiles::preview(backup, path);
    if (!preview)
        return cli.fail(preview.error());
    if (cli.json())
        return cli.succeed(QJsonObject{{QStringLiteral("path"), path},
                                       {QStringLiteral("size"), preview->size},
                                       {QStringLiteral("binary"), preview->binary},
                                       {QStringLiteral("bytes_base64"),
                                        preview->binary ? QString() : QString::fromLatin1(preview->bytes.toBase64())}});
    if (preview->binary) {
        cli.err << BrowseCommands::tr("“%1” is a binary file (%2): use extract to get it.").arg(path, humanSize(preview->size)) << Qt::endl;
        return ExitSuccess;
    }
    cli.out << QString::fromUtf8(preview->bytes);
    if (preview->truncated())
        cli.err << Qt::endl << BrowseCommands::tr("(the first %1 of %2 shown; use extract for the whole file)")
                                   .arg(humanSize(preview->bytes.size()), humanSize(preview->size))
                << Qt::endl;
    return ExitSuccess;
}

// The objects of the backup's database dump, as the window's Database tab shows them.
int printDatabase(const CliContext& cli, const Chosen& chosen)
{
    const Result<QList<DumpObject>> objects = runJob<QList<DumpObject>>(chosen.profile, [backup = chosen.backup](JobControl& control) {
        return DumpContents::list(backup, control);
    });
    if (!objects)
        return cli.fail(objects.error());
    if (cli.json()) {
        QJsonArray array;
        for (const DumpObject& object : *objects)
            array.append(QJsonObject{{QStringLiteral("type"), object.type},
                                     {QStringLiteral("schema"), object.schema},
                                     {QStringLiteral("name"), object.name},
                                     {QStringLiteral("owner"), object.owner},
                                     {QStringLiteral("rows"), object.rows}});
        return cli.succeed(array);
    }
    TextTable table({BrowseCommands::tr("TYPE"), BrowseCommands::tr("SCHEMA"), BrowseCommands::tr("NAME"), BrowseCommands::tr("OWNER"),
                     BrowseCommands::tr("ROWS")});
    for (const DumpObject& object : *objects)
        table.addRow({object.type, object.schema, object.name, object.owner, object.rows < 0 ? QString() : QString::number(object.rows)});
    cli.out << table.render();
    return ExitSuccess;
}

int runBrowse(const CliContext& cli)
{
    const Chosen chosen = choose(cli);
    if (chosen.exitCode != ExitSuccess)
        return chosen.exitCode;
    if (cli.parser.positionalArguments().size() > 2)
        return cli.usage(BrowseCommands::tr("Name one backup; give the folder with --path."));
    if (cli.parser.isSet(QStringLiteral("database")))
        return printDatabase(cli, chosen);
    const Result<FileTree> tree = runJob<FileTree>(chosen.profile, [backup = chosen.backup](JobControl& control) {
        return BackupFiles::load(backup, control);
    });
    if (!tree)
        return cli.fail(tree.error());
    if (cli.parser.isSet(QStringLiteral("tree"))) {
        if (!cli.json())
            return cli.usage(BrowseCommands::tr("--tree answers in JSON only: give --json."));
        return printTree(cli, *tree);
    }
    const QString path = cli.parser.value(QStringLiteral("path"));
    const int index = tree->find(path);
    if (index < 0)
        return cli.fail(Error{BrowseCommands::tr("“%1” is not in the backup %2.").arg(path, chosen.backup.name), {}});
    const FileTree::Node& node = tree->node(index);
    if (node.type == ArchiveEntry::Type::File)
        return printFile(cli, chosen.backup, path);
    if (cli.json() && node.type != ArchiveEntry::Type::Directory)
        return cli.succeed(entryToJson(path, node));
    if (cli.json()) {
        QJsonArray entries;
        for (const int child : node.children)
            entries.append(entryToJson(tree->pathOf(child), tree->node(child)));
        return cli.succeed(QJsonObject{{QStringLiteral("path"), path}, {QStringLiteral("entries"), entries}});
    }
    if (node.type == ArchiveEntry::Type::Symlink) {
        cli.out << path << QStringLiteral(" -> ") << node.linkTarget << Qt::endl;
        return ExitSuccess;
    }
    TextTable table({BrowseCommands::tr("TYPE"), BrowseCommands::tr("SIZE"), BrowseCommands::tr("MODIFIED"), BrowseCommands::tr("NAME")});
    for (const int child : node.children) {
        const FileTree::Node& item = tree->node(child);
        QString name = item.name;
        if (item.type == ArchiveEntry::Type::Directory)
            name += u'/';
        else if (item.type == ArchiveEntry::Type::Symlink)
            name += QStringLiteral(" -> ") + item.linkTarget;
        table.addRow({typeLetter(item.type), humanSize(item.size),
                      item.modified > 0 ? QDateTime::fromSecsSinceEpoch(item.modified).toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QString(),
                      name});
    }
    cli.out << table.render();
    return ExitSuccess;
}

int runExtract(const CliContext& cli)
{
    const Chosen chosen = choose(cli);
    if (chosen.exitCode != ExitSuccess)
        return chosen.exitCode;
    const QStringList paths = cli.parser.positionalArguments().mid(2);
    const QString destination = cli.parser.value(QStringLiteral("to"));
    if (paths.isEmpty() || destination.isEmpty())
        return cli.usage(BrowseCommands::tr("Name the files or folders to extract, and the folder to put them in with --to."));
    const Result<QStringList> created = runJob<QStringList>(chosen.profile, [=, backup = chosen.backup](JobControl& control) {
        return SelectionExtractor::run(backup, paths, destination, control);
    });
    if (!created)
        return cli.fail(created.error());
    for (const QString& path : *created)
        cli.out << path << Qt::endl;
    return ExitSuccess;
}

int runDiff(const CliContext& cli)
{
    const Chosen chosen = choose(cli);
    if (chosen.exitCode != ExitSuccess)
        return chosen.exitCode;
    const bool json = cli.json();
    const Result<TreeChanges> changes = runJob<TreeChanges>(
        chosen.profile,
        [backup = chosen.backup, roots = chosen.profile.sources, documents = chosen.profile.documents,
         secret = chosen.profile.documents.isEmpty() ? QString() : CliPassword::offsiteSecret(chosen.profile.documents)](JobControl& control) {
            return TreeComparison::run(backup, roots, control, documents, secret);
        },
        !json);
    if (!changes)
        return cli.fail(changes.error());
    if (json) {
        return cli.succeed(QJsonObject{{QStringLiteral("backup"), chosen.backup.name},
                                             {QStringLiteral("added"), QJsonArray::fromStringList(changes->added)},
                                             {QStringLiteral("removed"), QJsonArray::fromStringList(changes->removed)},
                                             {QStringLiteral("changed"), QJsonArray::fromStringList(changes->changed)},
                                             {QStringLiteral("unchanged"), changes->unchanged},
                                             {QStringLiteral("missingFolders"), QJsonArray::fromStringList(changes->missingRoots)}});
    }
    for (const QString& path : changes->added)
        cli.out << "+ " << path << u'\n';
    for (const QString& path : changes->removed)
        cli.out << "- " << path << u'\n';
    for (const QString& path : changes->changed)
        cli.out << "M " << path << u'\n';
    for (const QString& root : changes->missingRoots)
        cli.err << BrowseCommands::tr("Not compared, the folder is not there: %1").arg(root) << Qt::endl;
    cli.out << BrowseCommands::tr("%1 added, %2 removed, %3 changed, %4 unchanged since %5.")
                   .arg(changes->added.size())
                   .arg(changes->removed.size())
                   .arg(changes->changed.size())
                   .arg(changes->unchanged)
                   .arg(chosen.backup.name)
            << Qt::endl;
    return ExitSuccess;
}

} // namespace

CliCommand BrowseCommands::browse()
{
    return {QStringLiteral("browse"), tr("List a folder of a backup's source archives, print one of its text files, or list its database objects."),
            QStringLiteral("NAME"),
            [] {
                return QList<QCommandLineOption>{{QStringLiteral("path"),
                                                  tr("The folder or file inside the backup, starting with the source's label "
                                                     "(backend/src). Without it: the sources."),
                                                  QStringLiteral("PATH")},
                                                 {QStringLiteral("database"),
                                                  tr("List the objects of the backup's database dump instead (tables with their rows).")},
                                                 {QStringLiteral("tree"), tr("With --json: every entry of every source, for a desktop's Browse.")}};
            },
            runBrowse};
}

CliCommand BrowseCommands::extract()
{
    return {QStringLiteral("extract"), tr("Copy files or folders out of a backup, without restoring it."),
            QStringLiteral("NAME PATH... --to DIR"),
            [] { return QList<QCommandLineOption>{{QStringLiteral("to"), tr("The folder to put them in (each under its own name)."), QStringLiteral("DIR")}}; },
            runExtract};
}

CliCommand BrowseCommands::diff()
{
    return {QStringLiteral("diff"), tr("Files added, removed and changed in the source folders and the documents bucket since a backup."),
            QStringLiteral("NAME"),
            {}, runDiff};
}

} // namespace coffre
