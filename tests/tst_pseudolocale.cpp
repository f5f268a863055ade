// The pseudo-locale check: every translated string 40 % longer (French runs 15–30 % longer than
// English, German more), then every dialog and the main window opened at their default sizes,
// offscreen, with the real widgets. A label, button, check box, radio button, group box title or
// tab bar that needs more room than it was given is clipped (or elided, or scrolled out of
// sight): the test names the dialog and the widget. COFFRE_SCREENSHOT_DIR saves a picture of each.
#include "BackupTableModel.h"
#include "BrowseDialog.h"
#include "CleanupDialog.h"
#include "BackupFilterProxy.h"
#include "MainWindow.h"
#include "ProfileDialog.h"
#include "ScheduleDialog.h"
#include "TestBundles.h"
#include "profile/ProfileStore.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QGroupBox>
#include <QLabel>
#include <QLayout>
#include <QRadioButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTabBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>

using namespace coffre;

namespace {

// Returns every source text lengthened by 40 %, line by line: accented padding words, so that
// text still wraps between words as a real translation would, and no letter a date format or a
// placeholder could take for its own.
class PseudoTranslator : public QTranslator
{
public:
    bool isEmpty() const override { return false; }

    QString translate(const char*, const char* sourceText, const char*, int) const override
    {
        if (!sourceText || !*sourceText)
            return {};
        return lengthened(QString::fromUtf8(sourceText));
    }

    static QString lengthened(const QString& text)
    {
        static const QString padding = QStringLiteral("éèàçù ôîâêû ëïüÿœ ");
        QStringList lines = text.split(u'\n');
        for (QString& line : lines) {
            const qsizetype extra = (line.size() * 4 + 9) / 10;
            QString pad;
            for (qsizetype i = 0; i < extra; ++i)
                pad += padding.at(i % padding.size());
            if (!line.isEmpty())
                line += (pad.startsWith(u' ') ? QString() : QStringLiteral(" ")) + pad.trimmed();
        }
        return lines.join(u'\n');
    }
};

QString describe(const QWidget* widget)
{
    QString text;
    if (auto* label = qobject_cast<const QLabel*>(widget))
        text = label->text();
    else if (auto* button = qobject_cast<const QAbstractButton*>(widget))
        text = button->text();
    else if (auto* box = qobject_cast<const QGroupBox*>(widget))
        text = box->title();
    text = text.simplified();
    if (text.size() > 50)
        text = text.left(50) + u'…';
    const QString name = widget->objectName().isEmpty() ? QString() : u' ' + widget->objectName();
    return QStringLiteral("%1%2 “%3”").arg(QString::fromLatin1(widget->metaObject()->className()), name, text);
}

// What the widget needs to show all of its text, or an empty size when it shows no text of ours.
QSize needed(const QWidget* widget)
{
    if (auto* label = qobject_cast<const QLabel*>(widget)) {
        if (label->text().isEmpty())
            return {};
        // A label that gives way by design (a long path in the status bar) keeps its text whole in its tooltip.
        if (label->sizePolicy().horizontalPolicy() == QSizePolicy::Ignored && label->toolTip().contains(label->text()))
            return {};
        if (label->wordWrap()) // as wide as its longest word, as tall as its lines at this width
            return {label->minimumSizeHint().width(), label->heightForWidth(label->width())};
        return label->minimumSizeHint(); // its text on one line (or what it shows when short of room)
    }
    if (auto* button = qobject_cast<const QAbstractButton*>(widget)) {
        if (button->text().isEmpty() || qobject_cast<const QTabBar*>(button->parentWidget()))
            return {}; // a tab bar's scroll buttons
        return button->sizeHint();
    }
    if (auto* box = qobject_cast<const QGroupBox*>(widget))
        return box->title().isEmpty() ? QSize() : box->minimumSizeHint();
    if (auto* tabs = qobject_cast<const QTabBar*>(widget))
        return QSize(tabs->sizeHint().width(), 0); // wider than it is: tabs scrolled out of sight
    return {};
}

// Every clipped widget of the window `top` (its own widgets, not another window's).
QStringList clippedIn(const QWidget* top, const QString& where)
{
    QStringList found;
    for (const QWidget* widget : top->findChildren<QWidget*>()) {
        if (!widget->isVisible() || widget->window() != top)
            continue;
        const QSize needs = needed(widget);
        if (!needs.isValid())
            continue;
        if (needs.width() > widget->width() || needs.height() > widget->height())
            found << QStringLiteral("%1: %2 needs %3×%4 px, has %5×%6")
                         .arg(where, describe(widget))
                         .arg(needs.width())
                         .arg(needs.height())
                         .arg(widget->width())
                         .arg(widget->height());
    }
    return found;
}

} // namespace

class TestPseudoLocale : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;
    PseudoTranslator m_translator;
    QStringList m_clipped;

    ProfileStore store() const { return ProfileStore(m_home.filePath(QStringLiteral("profiles"))); }

    Profile profile() const
    {
        Profile profile;
        profile.name = QStringLiteral("shop");
        profile.database.host = m_home.filePath(QStringLiteral("no-server")); // nothing answers: the dialogs say so
        profile.database.dbname = QStringLiteral("shop");
        profile.database.user = QStringLiteral("shop_owner");
        profile.sources = {{QStringLiteral("backend"), m_home.filePath(QStringLiteral("app/backend"))},
                           {QStringLiteral("frontend"), m_home.filePath(QStringLiteral("app/frontend"))}};
        profile.repository = m_home.filePath(QStringLiteral("backups"));
        profile.offsite.bucket = QStringLiteral("shop-backups");
        profile.offsite.prefix = QStringLiteral("prod");
        profile.documents.bucket = QStringLiteral("shop-uploads");
        profile.schedule.every = Schedule::Every::Daily;
        profile.schedule.drillDays = 7;
        profile.retention.daily = 7;
        profile.retention.weekly = 4;
        return profile;
    }

    // Checks a window as it is now, and each page of each of its tab widgets.
    void check(QWidget* window, const QString& name)
    {
        QVERIFY(QTest::qWaitForWindowExposed(window));
        QTest::qWait(300); // what it loads in the background (a summary, a listing) arrives
        const QList<QTabWidget*> tabs = window->findChildren<QTabWidget*>();
        auto look = [&](const QString& page) {
            m_clipped << clippedIn(window, name);
            const QString folder = qEnvironmentVariable("COFFRE_SCREENSHOT_DIR");
            if (!folder.isEmpty())
                window->grab().save(QDir(folder).filePath(name + page + QStringLiteral(".png")));
        };
        if (qEnvironmentVariableIsSet("PSEUDO_DEBUG"))
            qWarning() << name << window->size() << window->minimumSize() << (window->layout() ? window->layout()->minimumSize() : QSize())
                       << (window->layout() ? window->layout()->totalHeightForWidth(window->width()) : -1) << window->sizeHint();
        look({});
        for (QTabWidget* tab : tabs) {
            if (!tab->isVisible())
                continue;
            for (int i = 1; i < tab->count(); ++i) {
                tab->setCurrentIndex(i);
                QTest::qWait(50);
                look(QStringLiteral("-tab%1").arg(i));
            }
            tab->setCurrentIndex(0);
        }
    }

    // The dialog the window opened for --screenshot-dialog NAME (the same code path).
    QWidget* openedBy(MainWindow& window, const QString& name)
    {
        window.showDialogForScreenshot(name);
        QTest::qWait(200);
        for (QWidget* top : QApplication::topLevelWidgets())
            if (top != &window && top->isVisible() && top->inherits("QDialog"))
                return top;
        return nullptr;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        QCoreApplication::installTranslator(&m_translator);
        QCOMPARE(QCoreApplication::translate("MainWindow", "Restore"), PseudoTranslator::lengthened(QStringLiteral("Restore")));
        QCOMPARE(PseudoTranslator::lengthened(QStringLiteral("0123456789")).size(), 10 + 1 + 4);
        for (const QString& side : {QStringLiteral("backend"), QStringLiteral("frontend")})
            test::writeSampleTree(m_home.filePath(QStringLiteral("app/") + side));
        // One real backup of the folders, for Browse to list and preview; older than the others.
        test::makeSourcesBackup(profile().repository, profile().sources, QStringLiteral("backup_real"));
        const QDateTime now = QDateTime::currentDateTimeUtc().addSecs(1);
        for (int i = 0; i < 4; ++i) {
            test::BundleSpec spec{QStringLiteral("backup_") + now.addDays(-i).toString(QStringLiteral("yyyyMMdd")) + QStringLiteral("_020000"),
                                  now.addDays(-i), 4000};
            spec.note = i == 0 ? QStringLiteral("before the v2 migration") : QString();
            test::writeCompleteBundle(profile().repository, spec);
        }
        QVERIFY(store().save(profile()));
        Profile server;
        server.name = QStringLiteral("web1");
        server.server.host = QStringLiteral("deploy@web1.example.org");
        server.server.remoteProfile = QStringLiteral("shop");
        QVERIFY(store().save(server));
    }

    void mainWindowAndItsDialogs()
    {
        MainWindow window(store());
        window.selectProfile(QStringLiteral("shop"));
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.backupModel()->rowCount() == 5, 20000);
        check(&window, QStringLiteral("MainWindow"));
        for (const QString& name : {QStringLiteral("create"), QStringLiteral("restore"), QStringLiteral("history"),
                                    QStringLiteral("schedule"), QStringLiteral("retention"), QStringLiteral("profile")}) {
            QWidget* dialog = openedBy(window, name);
            QVERIFY2(dialog, qPrintable(name));
            check(dialog, name + QStringLiteral("Dialog"));
            dialog->close();
            QTest::qWait(50);
        }
        // Browse, on the real backup: its files listed, the first one previewed.
        const QModelIndexList real = window.backupProxy()->match(window.backupProxy()->index(0, BackupTableModel::NameColumn),
                                                                 Qt::DisplayRole, QStringLiteral("backup_real"));
        QCOMPARE(real.size(), 1);
        window.backupTable()->selectRow(real.first().row());
        BrowseDialog* browse = window.showBrowseDialog();
        QVERIFY(browse);
        QSignalSpy loaded(browse, &BrowseDialog::filesLoaded);
        QVERIFY(loaded.wait(20000));
        browse->selectFirstFile();
        check(browse, QStringLiteral("browseDialog"));
        browse->close();
    }

    void dialogsOpenedElsewhere()
    {
        {
            ProfileDialog dialog(Profile{}, true); // Profile › New profile…, then "A server, over SSH"
            dialog.show();
            check(&dialog, QStringLiteral("newProfileDialog"));
            dialog.findChild<QRadioButton*>(QStringLiteral("onServerRadio"))->click();
            check(&dialog, QStringLiteral("newServerProfileDialog"));
        }
        {
            ScheduleDialog dialog(QStringLiteral("web1"), profile().schedule, true);
            dialog.show();
            check(&dialog, QStringLiteral("serverScheduleDialog"));
        }
        {
            CleanupDialog dialog(profile(), {});
            dialog.show();
            check(&dialog, QStringLiteral("cleanupDialog"));
        }
    }

    void nothingClipped()
    {
        m_clipped.removeDuplicates();
        for (const QString& clipped : std::as_const(m_clipped))
            qWarning("clipped: %s", qPrintable(clipped));
        QVERIFY2(m_clipped.isEmpty(), qPrintable(QStringLiteral("%1 widgets clipped (listed above)").arg(m_clipped.size())));
    }
};

QTEST_MAIN(TestPseudoLocale)
#include "tst_pseudolocale.moc"
