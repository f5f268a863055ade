#include "BackupFilterProxy.h"
#include "BackupTableModel.h"
#include "TestBundles.h"
#include "catalog/Catalog.h"

#include <QAbstractItemModelTester>
#include <QTemporaryDir>
#include <QTest>

using namespace coffre;

class TestBackupTableModel : public QObject
{
    Q_OBJECT

private:
    static Backup backup(const QString& name, qint64 size, const QDateTime& created,
                         BackupStatus status = BackupStatus::Complete)
    {
        Backup b;
        b.name = name;
        b.sizeBytes = size;
        b.created = created;
        b.status = status;
        if (status == BackupStatus::Complete) {
            test::BundleSpec spec;
            spec.name = name;
            spec.created = created;
            spec.note = name == u"b" ? QStringLiteral("before migration") : QString();
            b.manifest = std::make_shared<const Manifest>(test::manifestFor(spec));
        }
        return b;
    }

    static QStringList namesInOrder(const QAbstractItemModel& model)
    {
        QStringList names;
        for (int row = 0; row < model.rowCount(); ++row)
            names << model.index(row, BackupTableModel::NameColumn).data().toString();
        return names;
    }

    const QDateTime t0 = QDateTime(QDate(2026, 11, 1), QTime(3, 0), Qt::UTC);

private slots:
    void passesTheModelTesterThroughUpdates()
    {
        BackupTableModel model;
        BackupFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);

        model.setBackups({backup(QStringLiteral("a"), 10, t0), backup(QStringLiteral("b"), 20, t0.addDays(1))});
        QCOMPARE(model.rowCount(), 2);
        // a goes, b changes, c arrives: rows are updated in place
        model.setBackups({backup(QStringLiteral("b"), 25, t0.addDays(1)), backup(QStringLiteral("c"), 30, t0.addDays(2))});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(namesInOrder(model), QStringList({QStringLiteral("b"), QStringLiteral("c")}));
        QCOMPARE(model.backupAt(0).sizeBytes, 25);
        model.setBackups({});
        QCOMPARE(model.rowCount(), 0);
    }

    void sortsBySizeInBytesAndByDate()
    {
        BackupTableModel model;
        BackupFilterProxy proxy;
        proxy.setSourceModel(&model);
        // 900 bytes sorts below 2 KB and 1.5 MB even though "900" > "2" as text
        model.setBackups({backup(QStringLiteral("small"), 900, t0.addDays(2)),
                          backup(QStringLiteral("large"), 1500000, t0),
                          backup(QStringLiteral("medium"), 2000, t0.addDays(1))});
        proxy.sort(BackupTableModel::SizeColumn, Qt::AscendingOrder);
        QCOMPARE(namesInOrder(proxy), QStringList({QStringLiteral("small"), QStringLiteral("medium"), QStringLiteral("large")}));
        proxy.sort(BackupTableModel::DateColumn, Qt::DescendingOrder);
        QCOMPARE(namesInOrder(proxy), QStringList({QStringLiteral("small"), QStringLiteral("medium"), QStringLiteral("large")}));
        proxy.sort(BackupTableModel::DateColumn, Qt::AscendingOrder);
        QCOMPARE(namesInOrder(proxy), QStringList({QStringLiteral("large"), QStringLiteral("medium"), QStringLiteral("small")}));
    }

    void showsHumanTextAndRawSortValues()
    {
        BackupTableModel model;
        model.setBackups({backup(QStringLiteral("b"), 1500000, t0),
                          backup(QStringLiteral("broken"), 5, t0, BackupStatus::Damaged)});
        QCOMPARE(model.index(0, BackupTableModel::SizeColumn).data().toString(), QStringLiteral("1.5 MB"));
        QCOMPARE(model.index(0, BackupTableModel::SizeColumn).data(BackupTableModel::SortRole).toLongLong(), 1500000);
        QCOMPARE(model.index(0, BackupTableModel::DateColumn).data(BackupTableModel::SortRole).toDateTime(), t0);
        QCOMPARE(model.index(0, BackupTableModel::KindColumn).data().toString(), QStringLiteral("Manual"));
        QCOMPARE(model.index(0, BackupTableModel::ContentsColumn).data().toString(),
                 QStringLiteral("Database, backend, frontend"));
        QCOMPARE(model.index(0, BackupTableModel::StatusColumn).data().toString(), QStringLiteral("Complete"));
        QCOMPARE(model.index(1, BackupTableModel::StatusColumn).data().toString(), QStringLiteral("Damaged"));
        QCOMPARE(model.index(1, BackupTableModel::KindColumn).data().toString(), QStringLiteral("—"));
    }

    void filtersOnEveryWord()
    {
        BackupTableModel model;
        BackupFilterProxy proxy;
        proxy.setSourceModel(&model);
        model.setBackups({backup(QStringLiteral("a"), 1, t0), backup(QStringLiteral("b"), 2, t0),
                          backup(QStringLiteral("cron_c"), 3, t0, BackupStatus::Incomplete)});
        proxy.setFilterWords(QStringLiteral("MIGRATION"));
        QCOMPARE(namesInOrder(proxy), QStringList{QStringLiteral("b")});
        proxy.setFilterWords(QStringLiteral("cron incomplete"));
        QCOMPARE(namesInOrder(proxy), QStringList{QStringLiteral("cron_c")});
        proxy.setFilterWords(QStringLiteral("cron complete backend"));
        QCOMPARE(proxy.rowCount(), 0);
        proxy.setFilterWords(QString());
        QCOMPARE(proxy.rowCount(), 3);
    }
};

QTEST_MAIN(TestBackupTableModel)
#include "tst_backuptablemodel.moc"
