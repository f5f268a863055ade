#include "RetentionCommands.h"

#include "CliJobRunner.h"
#include "CliTarget.h"
#include "TextTable.h"
#include "retention/Pins.h"
#include "retention/PruneJob.h"
#include "util/Background.h"
#include "util/HumanSize.h"

#include <QJsonArray>
#include <QJsonObject>

namespace coffre {
namespace {

QList<QCommandLineOption> pruneOptions()
{
    return {
        {QStringLiteral("dry-run"), RetentionCommands::tr("Say what would go, delete nothing.")},
        {QStringLiteral("offsite-copies"), RetentionCommands::tr("Prune the profile's off-site copies (their own rules) instead of this "
                                                                 "repository; so does --repository s3://…")},
        {QStringLiteral("keep-last"), RetentionCommands::tr("Keep the last N (instead of the profile's rules)."), QStringLiteral("N")},
        {QStringLiteral("keep-daily"), RetentionCommands::tr("Keep the newest backup of each of the last N days."), QStringLiteral("N")},
        {QStringLiteral("keep-weekly"), RetentionCommands::tr("… of each of the last N weeks."), QStringLiteral("N")},
        {QStringLiteral("keep-monthly"), RetentionCommands::tr("… of each of the last N months."), QStringLiteral("N")},
        {QStringLiteral("keep-yearly"), RetentionCommands::tr("… of each of the last N years."), QStringLiteral("N")},
        {QStringLiteral("keep-minimum"), RetentionCommands::tr("Never fewer than N backups (default 3)."), QStringLiteral("N")},
    };
}

// The profile's rules, or those given on the command line (any --keep-* replaces them all).
RetentionRules rulesFrom(const QCommandLineParser& parser, const RetentionRules& profileRules)
{
    const QStringList keys{QStringLiteral("keep-last"), QStringLiteral("keep-daily"), QStringLiteral("keep-weekly"),
                           QStringLiteral("keep-monthly"), QStringLiteral("keep-yearly"), QStringLiteral("keep-minimum")};
    if (std::none_of(keys.begin(), keys.end(), [&parser](const QString& key) { return parser.isSet(key); }))
        return profileRules;
    RetentionRules rules;
    rules.keepLast = parser.value(keys[0]).toInt();
    rules.daily = parser.value(keys[1]).toInt();
    rules.weekly = parser.value(keys[2]).toInt();
    rules.monthly = parser.value(keys[3]).toInt();
    rules.yearly = parser.value(keys[4]).toInt();
    if (parser.isSet(keys[5]))
        rules.minimum = parser.value(keys[5]).toInt();
    return rules;
}

QJsonObject toJson(const PruneOutcome& outcome)
{
    QJsonArray decisions;
    for (const RetentionDecision& decision : outcome.decisions)
        decisions.append(QJsonObject{{QStringLiteral("name"), decision.backup.name},
                                     {QStringLiteral("keep"), decision.keep},
                                     {QStringLiteral("reasons"), QJsonArray::fromStringList(decision.reasons)},
                                     {QStringLiteral("size_bytes"), decision.backup.sizeBytes}});
    return {{QStringLiteral("dry_run"), outcome.dryRun},
            {QStringLiteral("removed"), QJsonArray::fromStringList(outcome.removed())},
            {QStringLiteral("bytes_freed"), outcome.bytesFreed()},
            {QStringLiteral("decisions"), decisions}};
}

int runPrune(const CliContext& cli)
{
    const Result<Profile> target = CliTarget::resolve(cli.parser);
    if (!target)
        return cli.usage(target.error().message);
    const bool offsite = cli.parser.isSet(QStringLiteral("offsite-copies")) || CliTarget::repositoryIsOffsite(cli.parser);
    if (offsite && target->offsite.isEmpty())
        return cli.usage(RetentionCommands::tr("This profile has no off-site copies: give --offsite s3://…"));
    const RetentionRules rules = rulesFrom(cli.parser, offsite ? target->offsiteRetention : target->retention);
    if (rules.prunesNothing()) {
        if (cli.json())
            return cli.succeed(QJsonObject{{QStringLiteral("removed"), QJsonArray()}, {QStringLiteral("rules"), rules.describe()}});
        cli.out << RetentionCommands::tr("No retention rule: every backup stays. Set them in the profile, or give --keep-daily 7 …")
                << Qt::endl;
        return ExitSuccess;
    }
    const bool dryRun = cli.parser.isSet(QStringLiteral("dry-run"));
    const QString secret = offsite ? CliPassword::offsiteSecret(target->offsite) : QString();
    auto control = std::make_shared<JobControl>();
    QFuture<Result<PruneOutcome>> future = runInBackground([target = *target, offsite, rules, dryRun, secret, control] {
        return offsite ? PruneJob::runOffsite(target.offsite, secret, target.repository, rules, dryRun, control)
                       : PruneJob::run(target.repository, rules, dryRun, *control);
    });
    CliJobRunner(control, !cli.json() && CliJobRunner::stderrIsTerminal()).wait(QFuture<void>(future));
    const Result<PruneOutcome> outcome = future.result();
    if (!outcome)
        return cli.fail(outcome.error());
    if (cli.json())
        return cli.succeed(toJson(*outcome));
    TextTable table({RetentionCommands::tr("NAME"), RetentionCommands::tr("CREATED"), RetentionCommands::tr("SIZE"),
                     RetentionCommands::tr("DECISION"), RetentionCommands::tr("WHY")});
    for (const RetentionDecision& decision : outcome->decisions)
        table.addRow({decision.backup.name, decision.backup.created.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                      humanSize(decision.backup.sizeBytes),
                      decision.keep ? RetentionCommands::tr("keep") : dryRun ? RetentionCommands::tr("would go") : RetentionCommands::tr("removed"),
                      decision.reasons.join(QStringLiteral(", "))});
    cli.out << table.render();
    const QString where = offsite ? target->offsite.url() : target->repository;
    cli.out << (dryRun ? RetentionCommands::tr("Dry run (%1): %n backup(s) would go, %2 freed in %3.", nullptr, int(outcome->removed().size()))
                       : RetentionCommands::tr("Rules %1: %n backup(s) removed, %2 freed in %3.", nullptr, int(outcome->removed().size())))
                   .arg(rules.describe(), humanSize(outcome->bytesFreed()), where)
            << Qt::endl;
    return ExitSuccess;
}

int runPin(const CliContext& cli, bool pinned)
{
    const Result<Profile> target = CliTarget::resolve(cli.parser);
    if (!target)
        return cli.usage(target.error().message);
    const QStringList names = cli.parser.positionalArguments().mid(1);
    if (names.size() != 1)
        return cli.usage(RetentionCommands::tr("Name one backup."));
    if (Status set = Pins::set(target->repository, names.first(), pinned); !set)
        return cli.fail(set.error());
    if (cli.json())
        return cli.succeed(QJsonObject{{QStringLiteral("name"), names.first()}, {QStringLiteral("pinned"), pinned}});
    cli.out << (pinned ? RetentionCommands::tr("%1 is pinned: retention never removes it (here or off-site).")
                       : RetentionCommands::tr("%1 is no longer pinned."))
                   .arg(names.first())
            << Qt::endl;
    return ExitSuccess;
}

} // namespace

CliCommand RetentionCommands::prune()
{
    return {QStringLiteral("prune"), tr("Remove the backups the profile's retention rules let go (--dry-run: only say which)."), QString(),
            pruneOptions, runPrune};
}

CliCommand RetentionCommands::pin()
{
    return {QStringLiteral("pin"), tr("Keep a backup whatever the retention rules say."), QStringLiteral("NAME"), {},
            [](const CliContext& cli) { return runPin(cli, true); }};
}

CliCommand RetentionCommands::unpin()
{
    return {QStringLiteral("unpin"), tr("Let the retention rules decide for a pinned backup again."), QStringLiteral("NAME"), {},
            [](const CliContext& cli) { return runPin(cli, false); }};
}

} // namespace coffre
