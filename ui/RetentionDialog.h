#pragma once

#include "retention/RetentionPolicy.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace coffre {

// "Clean up old backups…": the profile's retention rules, editable, and before anything is
// deleted the list of what goes, what stays and why, and the space freed. Accepting removes
// exactly the backups shown as going (the caller's job); the rules can be kept in the profile.
class RetentionDialog : public QDialog
{
    Q_OBJECT

public:
    RetentionDialog(const QList<Backup>& backups, const RetentionRules& rules, const QSet<QString>& pinned, QWidget* parent = nullptr,
                    const QString& title = {});

    RetentionRules rules() const;
    QStringList toRemove() const { return RetentionPolicy::pruned(m_decisions); }
    bool saveRules() const;

private:
    void recompute();

    QList<Backup> m_backups;
    QSet<QString> m_pinned;
    QList<RetentionDecision> m_decisions;
    QSpinBox* m_last;
    QSpinBox* m_daily;
    QSpinBox* m_weekly;
    QSpinBox* m_monthly;
    QSpinBox* m_yearly;
    QSpinBox* m_minimum;
    QTableWidget* m_table;
    QLabel* m_summary;
    QCheckBox* m_save;
    QPushButton* m_remove;
};

} // namespace coffre
