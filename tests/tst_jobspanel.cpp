// The jobs panel: finished rows pile up until "Clear finished" takes them away, never a running one.
#include "JobsPanel.h"

#include <QApplication>
#include <QPushButton>
#include <QTest>

using namespace coffre;

class TestJobsPanel : public QObject
{
    Q_OBJECT

private slots:
    void clearFinishedKeepsRunningJobs()
    {
        JobsPanel panel;
        panel.show();
        JobRow* running = panel.addJob(QStringLiteral("running"), std::make_shared<JobControl>());
        JobRow* done = panel.addJob(QStringLiteral("done"), std::make_shared<JobControl>());
        auto* clear = panel.findChild<QPushButton*>(QStringLiteral("jobsClearFinished"));
        QVERIFY(clear);
        QVERIFY(!clear->isVisible());
        done->finish(true, QStringLiteral("Done."));
        QVERIFY(!clear->isVisible()); // one finished row: its own Dismiss is enough
        JobRow* failed = panel.addJob(QStringLiteral("failed"), std::make_shared<JobControl>());
        failed->finish(false, QStringLiteral("Failed."), QStringLiteral("detail"));
        QVERIFY(clear->isVisible());
        QTest::mouseClick(clear, Qt::LeftButton);
        const QList<JobRow*> left = panel.findChildren<JobRow*>(Qt::FindDirectChildrenOnly);
        QCOMPARE(left, QList<JobRow*>{running});
        QVERIFY(panel.isVisible());
        QVERIFY(!clear->isVisible());
    }
};

QTEST_MAIN(TestJobsPanel)
#include "tst_jobspanel.moc"
