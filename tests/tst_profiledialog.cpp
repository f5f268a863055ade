#include "ProfileDialog.h"
#include "ServerSettingsWidget.h"
#include "profile/ProfileStore.h"

#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace coffre;

// The profile dialog's choice of where the application runs: this computer, or a server whose
// coffre-cli holds the database, folders and backups. Offscreen, with the real dialog.
class TestProfileDialog : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;

    // Saves a picture of the dialog when COFFRE_SCREENSHOT_DIR is set, to look at by eye.
    static void picture(QWidget& dialog, const QString& name)
    {
        const QString folder = qEnvironmentVariable("COFFRE_SCREENSHOT_DIR");
        if (!folder.isEmpty())
            dialog.grab().save(QDir(folder).filePath(name + QStringLiteral(".png")));
    }

    template <typename T> static T* child(const QWidget& dialog, const char* name)
    {
        T* found = dialog.findChild<T*>(QLatin1String(name));
        if (!found)
            qFatal("no %s", name);
        return found;
    }

private slots:
    void serverProfileKeepsOnlyTheWayThere()
    {
        Profile profile; // nothing local: as a local profile it could not be saved
        profile.name = QStringLiteral("shop-on-server");
        ProfileDialog dialog(profile, true);
        dialog.show();
        QVERIFY(child<QRadioButton>(dialog, "onThisComputerRadio")->isChecked());
        auto* tabs = dialog.findChild<QTabWidget*>();
        QVERIFY(tabs->isVisible());

        QTest::mouseClick(child<QRadioButton>(dialog, "onServerRadio"), Qt::LeftButton);
        QVERIFY(!tabs->isVisible()); // the local tabs make no sense for a server
        QVERIFY(dialog.findChild<ServerSettingsWidget*>()->isVisible());
        QCOMPARE(child<QLineEdit>(dialog, "remoteCliEdit")->text(), QStringLiteral("coffre-cli"));
        QTest::keyClicks(child<QLineEdit>(dialog, "sshHostEdit"), QStringLiteral("deploy@web1"));
        child<QSpinBox>(dialog, "sshPortSpin")->setValue(2222);
        QTest::keyClicks(child<QLineEdit>(dialog, "sshKeyEdit"), QStringLiteral("/home/me/.ssh/id_web1"));
        QTest::keyClicks(child<QLineEdit>(dialog, "remoteProfileEdit"), QStringLiteral("shop"));
        child<QLineEdit>(dialog, "remoteCliEdit")->setText(QStringLiteral("/opt/coffre/bin/coffre-cli"));
        picture(dialog, QStringLiteral("profile-dialog-server"));

        const Profile saved = dialog.profile();
        QVERIFY(saved.isOnServer());
        QCOMPARE(saved.name, QStringLiteral("shop-on-server"));
        QCOMPARE(saved.server.host, QStringLiteral("deploy@web1"));
        QCOMPARE(saved.server.port, 2222);
        QCOMPARE(saved.server.identityFile, QStringLiteral("/home/me/.ssh/id_web1"));
        QCOMPARE(saved.server.remoteProfile, QStringLiteral("shop"));
        QCOMPARE(saved.server.remoteCli, QStringLiteral("/opt/coffre/bin/coffre-cli"));
        QVERIFY(saved.database.isEmpty() && saved.sources.isEmpty() && saved.repository.isEmpty() &&
                saved.exclusions.isEmpty());
        QVERIFY(dialog.password().isEmpty() && !dialog.rememberPassword());

        // No backup folder, no database, no source here: none of that blocks a server profile.
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        const ProfileStore store(m_home.filePath(QStringLiteral("profiles")));
        QVERIFY(store.save(saved));
        const Result<Profile> loaded = store.load(saved.name);
        QVERIFY2(loaded, qPrintable(loaded.error().toLogString()));
        QCOMPARE(*loaded, saved);
    }

    void backOnThisComputerTheLocalRulesApply()
    {
        Profile profile;
        profile.name = QStringLiteral("shop");
        ProfileDialog dialog(profile, true);
        dialog.show();
        QTest::mouseClick(child<QRadioButton>(dialog, "onServerRadio"), Qt::LeftButton);
        QTest::keyClicks(child<QLineEdit>(dialog, "sshHostEdit"), QStringLiteral("web1"));
        QTest::mouseClick(child<QRadioButton>(dialog, "onThisComputerRadio"), Qt::LeftButton);
        QVERIFY(!dialog.profile().isOnServer());
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Rejected)); // still open: no backup folder
        QVERIFY(!child<QLabel>(dialog, "errorLabel")->text().isEmpty());
    }

    // Editing a profile keeps what the dialog does not show (its schedule, its retention rules:
    // a scheduled prune must not fall back to other rules), and edits its notifications.
    void editingKeepsScheduleAndRetentionAndEditsNotifications()
    {
        Profile profile;
        profile.name = QStringLiteral("kept");
        profile.repository = m_home.filePath(QStringLiteral("kept-backups"));
        QVERIFY(QDir().mkpath(profile.repository));
        profile.sources = {{QStringLiteral("app"), m_home.path()}};
        profile.schedule.every = Schedule::Every::Daily;
        profile.schedule.drillDays = 7;
        profile.retention.keepLast = 5;
        profile.retention.monthly = 12;
        profile.offsiteRetention.yearly = 3;
        profile.notify.webhook = QStringLiteral("https://hooks.example.org/a");
        ProfileDialog dialog(profile, false);
        dialog.show();
        Profile edited = dialog.profile();
        QCOMPARE(edited.schedule, profile.schedule);
        QCOMPARE(edited.retention, profile.retention);
        QCOMPARE(edited.offsiteRetention, profile.offsiteRetention);
        QCOMPARE(edited.notify, profile.notify);

        auto* mail = child<QLineEdit>(dialog, "notifyMail");
        QTest::keyClicks(mail, QStringLiteral("ops@example.org"));
        child<QSpinBox>(dialog, "notifyDiskPercent")->setValue(90);
        edited = dialog.profile();
        QCOMPARE(edited.notify.mailTo, QStringLiteral("ops@example.org"));
        QCOMPARE(edited.notify.diskPercent, 90);
        QCOMPARE(edited.notify.webhook, profile.notify.webhook);

        // Not an address: refused, said, the dialog stays open.
        mail->setText(QStringLiteral("ops@example.org, the whole team"));
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QVERIFY2(child<QLabel>(dialog, "errorLabel")->text().contains(QStringLiteral("not a mail address")),
                 qPrintable(child<QLabel>(dialog, "errorLabel")->text()));
        picture(dialog, QStringLiteral("notifications"));
    }

    void aBadDestinationIsRefused()
    {
        Profile profile;
        profile.name = QStringLiteral("shop");
        ProfileDialog dialog(profile, true);
        dialog.show();
        QTest::mouseClick(child<QRadioButton>(dialog, "onServerRadio"), Qt::LeftButton);
        QTest::keyClicks(child<QLineEdit>(dialog, "sshHostEdit"), QStringLiteral("-oProxyCommand=touch"));
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QVERIFY(child<QLabel>(dialog, "errorLabel")->text().contains(QStringLiteral("SSH destination")));

        // Testing it says so too, without starting ssh.
        auto* settings = dialog.findChild<ServerSettingsWidget*>();
        QSignalSpy tested(settings, &ServerSettingsWidget::connectionTested);
        settings->testConnection();
        QCOMPARE(tested.size(), 1);
        QCOMPARE(tested.last().at(0).toBool(), false);
    }

    void aServerProfileOpensOnItsSettings()
    {
        Profile profile;
        profile.name = QStringLiteral("shop");
        profile.exclusions.clear();
        profile.server.host = QStringLiteral("web1");
        profile.server.configFile = QStringLiteral("/home/me/other_ssh_config"); // set by hand: kept
        ProfileDialog dialog(profile, false);
        dialog.show();
        QVERIFY(child<QRadioButton>(dialog, "onServerRadio")->isChecked());
        QVERIFY(!dialog.findChild<QTabWidget*>()->isVisible());
        QCOMPARE(child<QLineEdit>(dialog, "sshHostEdit")->text(), QStringLiteral("web1"));
        QCOMPARE(child<QSpinBox>(dialog, "sshPortSpin")->value(), 0);
        QCOMPARE(dialog.profile(), profile);
        picture(dialog, QStringLiteral("profile-dialog-server-edit"));
    }
};

QTEST_MAIN(TestProfileDialog)
#include "tst_profiledialog.moc"
