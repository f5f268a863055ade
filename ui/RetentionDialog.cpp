#include "RetentionDialog.h"

#include "util/HumanSize.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace coffre {

RetentionDialog::RetentionDialog(const QList<Backup>& backups, const RetentionRules& rules, const QSet<QString>& pinned, QWidget* parent,
                                 const QString& title)
    : QDialog(parent), m_backups(backups), m_pinned(pinned)
{
    setWindowTitle(title.isEmpty() ? tr("Clean up old backups") : title);
    auto spin = [this](int value, const QString& name) {
        auto* box = new QSpinBox;
        box->setObjectName(name);
        box->setRange(0, 9999);
        box->setValue(value);
        connect(box, &QSpinBox::valueChanged, this, &RetentionDialog::recompute);
        return box;
    };
    m_last = spin(rules.keepLast, QStringLiteral("keepLastSpin"));
    m_daily = spin(rules.daily, QStringLiteral("dailySpin"));
    m_weekly = spin(rules.weekly, QStringLiteral("weeklySpin"));
    m_monthly = spin(rules.monthly, QStringLiteral("monthlySpin"));
    m_yearly = spin(rules.yearly, QStringLiteral("yearlySpin"));
    m_minimum = spin(rules.minimum, QStringLiteral("minimumSpin"));
    m_minimum->setMinimum(1);

    auto* form = new QFormLayout;
    form->addRow(tr("Keep the &last:"), m_last);
    form->addRow(tr("One a &day, for the last N days:"), m_daily);
    form->addRow(tr("One a &week, for the last N weeks:"), m_weekly);
    form->addRow(tr("One a &month, for the last N months:"), m_monthly);
    form->addRow(tr("One a &year, for the last N years:"), m_yearly);
    form->addRow(tr("Never fewer &than:"), m_minimum);

    m_table = new QTableWidget(0, 4);
    m_table->setObjectName(QStringLiteral("retentionTable"));
    m_table->setHorizontalHeaderLabels({tr("Backup"), tr("Date"), tr("Size"), tr("Decision")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("retentionSummary"));
    m_summary->setWordWrap(true);
    m_save = new QCheckBox(tr("&Save these rules in the profile (scheduled backups apply them)"));
    m_save->setChecked(true);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_remove = buttons->addButton(tr("&Remove"), QDialogButtonBox::DestructiveRole);
    m_remove->setObjectName(QStringLiteral("retentionRemoveButton"));
    connect(m_remove, &QPushButton::clicked, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_summary);
    layout->addWidget(m_save);
    layout->addWidget(buttons);
    resize(760, 560);
    recompute();
}

RetentionRules RetentionDialog::rules() const
{
    RetentionRules rules;
    rules.keepLast = m_last->value();
    rules.daily = m_daily->value();
    rules.weekly = m_weekly->value();
    rules.monthly = m_monthly->value();
    rules.yearly = m_yearly->value();
    rules.minimum = m_minimum->value();
    return rules;
}

bool RetentionDialog::saveRules() const
{
    return m_save->isChecked();
}

void RetentionDialog::recompute()
{
    m_decisions = RetentionPolicy::decide(m_backups, rules(), m_pinned);
    m_table->setRowCount(int(m_decisions.size()));
    int row = 0;
    for (const RetentionDecision& decision : m_decisions) {
        const QColor goes(0xc6, 0x28, 0x28);
        auto item = [&](const QString& text) {
            auto* cell = new QTableWidgetItem(text);
            if (!decision.keep)
                cell->setForeground(goes);
            return cell;
        };
        m_table->setItem(row, 0, item(decision.backup.name));
        m_table->setItem(row, 1, item(QLocale().toString(decision.backup.created.toLocalTime(), QLocale::ShortFormat)));
        m_table->setItem(row, 2, item(humanSize(decision.backup.sizeBytes)));
        m_table->setItem(row, 3, item((decision.keep ? tr("stays: %1") : tr("goes: %1")).arg(decision.reasons.join(QStringLiteral(", ")))));
        ++row;
    }
    m_table->resizeColumnsToContents();
    const int going = int(toRemove().size());
    const qint64 freed = RetentionPolicy::bytesFreed(m_decisions);
    m_summary->setText(rules().prunesNothing()
                           ? tr("No rule: every backup stays.")
                           : tr("%n backup(s) go; %1 freed.", nullptr, going).arg(humanSize(freed)) + u' ' +
                                 tr("%n backup(s) stay.", nullptr, int(m_decisions.size()) - going));
    m_remove->setText(going > 0 ? tr("&Remove %n backup(s)", nullptr, going) : tr("&Save the rules"));
}

} // namespace coffre
