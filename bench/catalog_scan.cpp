// Lists a repository of 5,000 backups: the catalog scan alone, and `coffre-cli list --json`.
// Usage: catalog-scan [COUNT] [PATH-TO-coffre-cli]
#include "TestBundles.h"
#include "catalog/Catalog.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>

#include <cstdio>
#include <unistd.h>

using namespace coffre;

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    const int count = argc > 1 ? QString::fromLocal8Bit(argv[1]).toInt() : 5000;
    QTemporaryDir repo;
    test::BundleSpec spec;
    spec.name = QStringLiteral("template");
    const QString templateDir = test::writeCompleteBundle(repo.path(), spec);
    const char* files[] = {"database.dump", "sources/backend.tar.zst", "sources/frontend.tar.zst",
                           "RESTORE_INSTRUCTIONS.md", "manifest.json"};
    for (int i = 0; i < count; ++i) {
        const QString dir = repo.filePath(QStringLiteral("backup_%1").arg(i, 5, 10, QLatin1Char('0')));
        QDir().mkpath(dir + QStringLiteral("/sources"));
        for (const char* f : files) {
            if (::link(QFile::encodeName(templateDir + u'/' + QLatin1String(f)).constData(),
                       QFile::encodeName(dir + u'/' + QLatin1String(f)).constData()) != 0)
                qFatal("cannot link %s into %s", f, qPrintable(dir));
        }
    }
    for (int run = 1; run <= 3; ++run) {
        QElapsedTimer clock;
        clock.start();
        const Result<RepositoryScan> scan = Catalog::scan(repo.path());
        std::printf("scan %d: %lld backups in %lld ms\n", run, qint64(scan->backups.size()), clock.elapsed());
    }
    if (argc > 2) {
        QElapsedTimer clock;
        clock.start();
        QProcess cli;
        cli.start(QString::fromLocal8Bit(argv[2]), {QStringLiteral("list"), QStringLiteral("--json"), QStringLiteral("--repository"), repo.path()});
        cli.waitForFinished(60000);
        std::printf("coffre-cli list --json: %lld bytes of JSON in %lld ms (exit %d)\n", qint64(cli.readAllStandardOutput().size()),
                    clock.elapsed(), cli.exitCode());
    }
    return 0;
}
