// The real MainWindow with a profile that copies off-site, against a real S3 server
// (tests/s3-fixture, signatures checked); the AWS CLI sees what the window did.
#include "BackupTableModel.h"
#include "BackupFilterProxy.h"
#include "MainWindow.h"
#include "RetentionDialog.h"
#include "OffsiteCopies.h"
#include "TestBundles.h"
#include "jobs/DeleteJob.h"
#include "profile/ProfileStore.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QMessageBox>
#include <QProcess>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QSpinBox>
#include <QPushButton>
#include <QTest>
#include <QTimer>
#include <QUuid>

using namespace coffre;

namespace {

int rowOf(MainWindow& window, const QString& name)
{
    for (int row = 0; row < window.backupModel()->rowCount(); ++row)
        if (window.backupModel()->backupAt(row).name == name)
            return row;
    return -1;
}

BackupTableModel::Place placeOf(MainWindow& window, const QString& name)
{
    const int row = rowOf(window, name);
    return row < 0 ? BackupTableModel::Place(-1) : BackupTableModel::placeOf(window.backupModel()->backupAt(row));
}

void select(MainWindow& window, const QString& name)
{
    const QModelIndex source = window.backupModel()->index(rowOf(window, name), 0);
    window.backupTable()->selectRow(window.backupProxy()->mapFromSource(source).row());
}

// Clicks the button of `role` in the next message box.
void answerNextBox(QMessageBox::ButtonRole role)
{
    QTimer::singleShot(0, [role] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        QVERIFY(box);
        for (QAbstractButton* candidate : box->buttons())
            if (box->buttonRole(candidate) == role) {
                candidate->click();
                return;
            }
        QFAIL("no such button");
    });
}

} // namespace

class TestMainWindowOffsite : public QObject
{
    Q_OBJECT

    QTemporaryDir m_home;
    Profile m_profile;

    ProfileStore profiles() const { return ProfileStore(m_home.filePath(QStringLiteral("profiles"))); }

private slots:
    void initTestCase()
    {
        const QString app = m_home.filePath(QStringLiteral("app"));
        test::writeSampleTree(app);
        m_profile.name = QStringLiteral("shop");
        m_profile.sources = {{QStringLiteral("app"), app}};
        m_profile.repository = m_home.filePath(QStringLiteral("backups"));
        m_profile.offsite = s3::S3Location::parse(QStringLiteral("s3://coffre-offsite/window-") + QUuid::createUuid().toString(QUuid::Id128).left(8)).value();
        m_profile.offsite.endpoint = qEnvironmentVariable("COFFRE_TEST_S3_ENDPOINT");
        m_profile.copyOffsite = true;
        QVERIFY(profiles().save(m_profile));
    }

    void createCopiesOffsiteThenFetchCopyAndDelete()
    {
        MainWindow window(profiles());
        QSignalSpy shown(&window, &MainWindow::catalogShown);
        QSignalSpy finished(&window, &MainWindow::jobFinished);
        window.selectProfile(QStringLiteral("shop"));
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), 20000);
        auto* placeBox = window.findChild<QComboBox*>(QStringLiteral("placeBox"));
        QVERIFY(!window.backupTable()->isColumnHidden(BackupTableModel::PlaceColumn));

        // Create: made here, copied off-site as part of the same job.
        BackupRequest request;
        request.profile = m_profile;
        request.name = QStringLiteral("made_in_window");
        request.includeDatabase = false;
        window.startBackup(request);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
        QVERIFY(test::aws({QStringLiteral("s3"), QStringLiteral("ls"), QStringLiteral("--recursive"), m_profile.offsite.url() + u'/'})
                    .contains("made_in_window/manifest.json"));
        QTRY_COMPARE_WITH_TIMEOUT(placeOf(window, QStringLiteral("made_in_window")), BackupTableModel::Place::Both, 20000);

        // The copy here goes: the row stays, off-site only; the filter tells the places apart.
        JobControl control;
        QVERIFY(DeleteJob::run(m_profile.repository, {QStringLiteral("made_in_window")}, control).ok());
        window.findChild<QAction*>(QStringLiteral("actionRefresh"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(placeOf(window, QStringLiteral("made_in_window")), BackupTableModel::Place::Offsite, 20000);
        placeBox->setCurrentIndex(placeBox->findData(int(BackupTableModel::Place::Here)));
        QCOMPARE(window.backupProxy()->rowCount(), 0);
        placeBox->setCurrentIndex(placeBox->findData(int(BackupTableModel::Place::Offsite)));
        QCOMPARE(window.backupProxy()->rowCount(), 1);
        placeBox->setCurrentIndex(0);

        // Fetch: back here, every checksum verified.
        select(window, QStringLiteral("made_in_window"));
        auto* fetch = window.findChild<QAction*>(QStringLiteral("actionFetch"));
        QVERIFY(fetch->isEnabled());
        QVERIFY(!window.findChild<QAction*>(QStringLiteral("actionCopyOffsite"))->isEnabled());
        QVERIFY(!window.findChild<QAction*>(QStringLiteral("actionDelete"))->isEnabled()); // nothing here to delete
        fetch->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 60000);
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
        QTRY_COMPARE_WITH_TIMEOUT(placeOf(window, QStringLiteral("made_in_window")), BackupTableModel::Place::Both, 20000);
        QVERIFY(QFile::exists(m_profile.repository + QStringLiteral("/made_in_window/manifest.json")));

        // Copy off-site: a backup made here by the CLI's way (no copy), sent from the window.
        test::makeSourcesBackup(m_profile.repository, m_profile.sources, QStringLiteral("made_here"));
        window.findChild<QAction*>(QStringLiteral("actionRefresh"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(placeOf(window, QStringLiteral("made_here")), BackupTableModel::Place::Here, 20000);
        select(window, QStringLiteral("made_here"));
        auto* copy = window.findChild<QAction*>(QStringLiteral("actionCopyOffsite"));
        QVERIFY(copy->isEnabled());
        copy->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, 60000);
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
        QTRY_COMPARE_WITH_TIMEOUT(placeOf(window, QStringLiteral("made_here")), BackupTableModel::Place::Both, 20000);

        // Delete off-site copy (confirmed): the bucket no longer has it; the copy here stays.
        select(window, QStringLiteral("made_here"));
        answerNextBox(QMessageBox::DestructiveRole);
        window.findChild<QAction*>(QStringLiteral("actionDeleteOffsite"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 4, 60000);
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
        QTRY_COMPARE_WITH_TIMEOUT(placeOf(window, QStringLiteral("made_here")), BackupTableModel::Place::Here, 20000);
        QVERIFY(!test::aws({QStringLiteral("s3"), QStringLiteral("ls"), QStringLiteral("--recursive"), m_profile.offsite.url() + u'/'})
                     .contains("made_here/"));
    }

    // Backups › Off-site › Clean up old off-site copies…: the off-site copies' own rules, the
    // preview, then exactly what it showed as going is deleted from the bucket; the copies here stay.
    void offsiteCopiesAreCleanedUpByTheirOwnRules()
    {
        // Four older copies that exist only off-site (as another machine sent them).
        QTemporaryDir elsewhere;
        for (int i = 1; i <= 4; ++i) {
            const QString name = QStringLiteral("old_%1").arg(i);
            test::makeSourcesBackup(elsewhere.path(), m_profile.sources, name);
            test::aws({QStringLiteral("s3"), QStringLiteral("cp"), QStringLiteral("--recursive"), QStringLiteral("--quiet"),
                       elsewhere.filePath(name), m_profile.offsite.url() + u'/' + name + u'/'});
            QTest::qWait(1100); // distinct creation times, in seconds
        }
        MainWindow window(profiles());
        QSignalSpy shown(&window, &MainWindow::catalogShown);
        QSignalSpy finished(&window, &MainWindow::jobFinished);
        window.selectProfile(QStringLiteral("shop"));
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(placeOf(window, QStringLiteral("old_1")) == BackupTableModel::Place::Offsite, 20000);
        auto* clean = window.findChild<QAction*>(QStringLiteral("actionOffsiteRetention"));
        QVERIFY(clean->isVisible() && clean->isEnabled());

        QStringList previewed;
        QTimer::singleShot(0, [&] {
            auto* dialog = qobject_cast<RetentionDialog*>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            QCOMPARE(dialog->windowTitle(), QStringLiteral("Clean up old off-site copies"));
            dialog->findChild<QSpinBox*>(QStringLiteral("minimumSpin"))->setValue(1);
            dialog->findChild<QSpinBox*>(QStringLiteral("keepLastSpin"))->setValue(2);
            previewed = dialog->toRemove();
            dialog->findChild<QPushButton*>(QStringLiteral("retentionRemoveButton"))->click();
        });
        clean->trigger();
        // The two newest stay (old_3, old_4); the older go, made_in_window's off-site copy too.
        previewed.sort();
        QCOMPARE(previewed, QStringList({QStringLiteral("made_in_window"), QStringLiteral("old_1"), QStringLiteral("old_2")}));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(1).toString()));
        const QByteArray listing =
            test::aws({QStringLiteral("s3"), QStringLiteral("ls"), QStringLiteral("--recursive"), m_profile.offsite.url() + u'/'});
        for (const QString& name : previewed)
            QVERIFY2(!listing.contains((name + u'/').toUtf8()), qPrintable(name));
        QVERIFY(listing.contains("old_4/manifest.json") && listing.contains("old_3/manifest.json"));
        QVERIFY(QFile::exists(m_profile.repository + QStringLiteral("/made_in_window/manifest.json"))); // here: untouched
        QCOMPARE(profiles().load(QStringLiteral("shop"))->offsiteRetention.keepLast, 2);
        QCOMPARE(profiles().load(QStringLiteral("shop"))->retention.keepLast, 0);
    }

    void aWrongSecretIsSaidAndTheLocalListStays()
    {
        Profile wrong = m_profile;
        wrong.name = QStringLiteral("wrong");
        wrong.offsite.accessKeyId = QStringLiteral("S3RVER");
        OffsiteCopies::rememberSecret(QStringLiteral("S3RVER"), QStringLiteral("not-the-secret"));
        QVERIFY(profiles().save(wrong));
        MainWindow window(profiles());
        QSignalSpy shown(&window, &MainWindow::catalogShown);
        QSignalSpy failed(window.offsiteCopies(), &OffsiteCopies::listFailed);
        window.selectProfile(QStringLiteral("wrong"));
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 20000);
        QVERIFY2(failed.first().at(0).toString().contains(QLatin1String("Access denied")), qPrintable(failed.first().at(0).toString()));
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), 20000);
        QVERIFY(rowOf(window, QStringLiteral("made_here")) >= 0); // the local backups are listed all the same
    }
};

QTEST_MAIN(TestMainWindowOffsite)
#include "tst_mainwindow_offsite.moc"
