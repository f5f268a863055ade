#pragma once

#include "site/BackupSite.h"

#include <QDialog>
#include <QFutureWatcher>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QStandardItemModel;
class QTableView;

namespace coffre {

class HistoryFilter;

// History…: the repository's audit log as a table, newest first, filtered by action, outcome
// and words. Read on a worker thread (a server's over ssh); nothing here writes.
class HistoryDialog : public QDialog
{
    Q_OBJECT

public:
    enum Column { TimeColumn, ActionColumn, OutcomeColumn, BackupColumn, SizeColumn, DurationColumn, ByColumn, MessageColumn, ColumnCount };

    HistoryDialog(std::shared_ptr<const BackupSite> site, const QString& profile, QWidget* parent = nullptr);

    QTableView* table() const { return m_table; }
    QComboBox* actionBox() const { return m_action; }
    QComboBox* outcomeBox() const { return m_outcome; }
    QLineEdit* filterEdit() const { return m_words; }

signals:
    void loaded(); // the entries are in the table (or the reason they are not is shown)

private:
    void fill(const QList<AuditEntry>& entries);

    QStandardItemModel* m_model;
    HistoryFilter* m_filter;
    QTableView* m_table;
    QComboBox* m_action;
    QComboBox* m_outcome;
    QLineEdit* m_words;
    QLabel* m_state;
    QFutureWatcher<Result<QList<AuditEntry>>> m_reading;
};

} // namespace coffre
