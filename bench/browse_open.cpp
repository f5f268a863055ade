// Opens a backup whose source archive holds 100,000 entries in the real Browse dialog and times
// it until the tree is shown (target: under 2 s), then one filter over all of it.
// Usage: browse-open [ENTRIES]   (the tree and the backup are made in a temporary folder first)
#include "BrowseDialog.h"
#include "site/BackupSite.h"
#include "FileTreeModel.h"
#include "TestBundles.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include <cstdio>

using namespace coffre;

int main(int argc, char* argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int entries = argc > 1 ? QString::fromLocal8Bit(argv[1]).toInt() : 100000;
    QTemporaryDir work;
    const QString tree = work.filePath(QStringLiteral("app"));
    QElapsedTimer clock;
    clock.start();
    const int perFolder = 100; // like a node project: many folders of a few dozen files
    for (int i = 0; i < entries; ++i) {
        const QString folder = QStringLiteral("%1/pkg%2/lib%3").arg(tree).arg(i / 5000).arg(i / perFolder);
        if (i % perFolder == 0)
            QDir().mkpath(folder);
        QFile file(QStringLiteral("%1/file%2.js").arg(folder).arg(i));
        if (!file.open(QIODevice::WriteOnly) || file.write(QByteArray("export default ") + QByteArray::number(i) + ";\n") < 0)
            return 1;
    }
    std::printf("tree of %d files written in %lld ms\n", entries, clock.restart());
    QDir().mkpath(work.filePath(QStringLiteral("repo")));
    const Backup backup = test::makeSourcesBackup(work.filePath(QStringLiteral("repo")), {{QStringLiteral("app"), tree}},
                                                  QStringLiteral("big"));
    std::printf("backup made in %lld ms (%lld bytes)\n", clock.restart(), backup.sizeBytes);

    Profile profile;
    profile.name = QStringLiteral("bench");
    profile.repository = work.filePath(QStringLiteral("repo"));
    for (int run = 1; run <= 3; ++run) {
        clock.restart();
        BrowseDialog dialog(BackupSite::forProfile(profile)->browser(backup), backup);
        QSignalSpy loaded(&dialog, &BrowseDialog::filesLoaded);
        dialog.show();
        if (!loaded.wait(60000))
            return 1;
        QCoreApplication::processEvents(); // the view lays out and paints its first rows
        const qint64 openMs = clock.elapsed();
        const int files = int(dialog.fileModel()->tree()->fileCount());
        clock.restart();
        const int matches = dialog.fileModel()->setFilter(QStringLiteral("file99"));
        const qint64 filterMs = clock.elapsed();
        std::printf("open %d: %d files shown in %lld ms; filter over all of them: %d matches in %lld ms\n", run, files, openMs,
                    matches, filterMs);
    }
    return 0;
}
