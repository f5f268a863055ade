// What the jobs panel and the CLI's progress line say: never "0 bytes of 0 bytes" while scanning,
// and no time left before the rate has been measured for a few seconds.
#include "jobs/JobControl.h"
#include "jobs/ProgressMeter.h"
#include "util/AppSetup.h"

#include <QTest>
#include <QThread>

using namespace coffre;

class TestProgressMeter : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { setUpApplication(*QCoreApplication::instance()); } // English plurals

    void scanningShowsFilesFound()
    {
        JobControl control;
        ProgressMeter meter;
        meter.sample(control);
        QCOMPARE(meter.summary(), QString());
        control.addFilesFound(3);
        meter.sample(control);
        QCOMPARE(meter.percent(), -1);
        QCOMPARE(meter.summary(), QStringLiteral("3 files found"));
    }

    void noTimeLeftBeforeTheRateIsKnown()
    {
        JobControl control;
        control.setBytesTotal(1000 * 1000 * 1000);
        ProgressMeter meter;
        meter.sample(control);
        for (int i = 0; i < 6; ++i) { // 1.2 s of a steady 10 MB/s
            QThread::msleep(200);
            control.addBytesDone(2 * 1000 * 1000);
            meter.sample(control);
        }
        QVERIFY2(meter.bytesPerSecond() > 5e6 && meter.bytesPerSecond() < 20e6, qPrintable(QString::number(meter.bytesPerSecond())));
        QCOMPARE(meter.secondsLeft(), -1);
        QVERIFY(!meter.summary().contains(QStringLiteral("left")));
        QVERIFY(meter.summary().contains(QStringLiteral("/s")));
    }

    void timeLeftInWords()
    {
        QCOMPARE(ProgressMeter::timeLeft(0), QStringLiteral("about 1 s left"));
        QCOMPARE(ProgressMeter::timeLeft(40), QStringLiteral("about 40 s left"));
        QCOMPARE(ProgressMeter::timeLeft(200), QStringLiteral("about 3 min left"));
        QCOMPARE(ProgressMeter::timeLeft(25691), QStringLiteral("about 7.1 h left"));
    }
};

QTEST_GUILESS_MAIN(TestProgressMeter)
#include "tst_progressmeter.moc"
