#include "HistoryDialog.h"

#include "util/HumanSize.h"

#include <QColor>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace coffre {

namespace {
constexpr int SortRole = Qt::UserRole + 1;
}

// Rows whose action and outcome are the chosen ones and whose text holds every word typed.
class HistoryFilter : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    QString action, outcome;
    QStringList words;
    void update() { invalidateRowsFilter(); }

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override
    {
        auto text = [&](int column, int role = Qt::UserRole) {
            return sourceModel()->index(row, column, parent).data(role).toString();
        };
        if ((!action.isEmpty() && text(HistoryDialog::ActionColumn) != action) ||
            (!outcome.isEmpty() && text(HistoryDialog::OutcomeColumn) != outcome))
            return false;
        QString all;
        for (int column = 0; column < HistoryDialog::ColumnCount; ++column)
            all += text(column, Qt::DisplayRole) + u'\n';
        return std::all_of(words.begin(), words.end(), [&](const QString& word) { return all.contains(word, Qt::CaseInsensitive); });
    }
};

HistoryDialog::HistoryDialog(std::shared_ptr<const BackupSite> site, const QString& profile, QWidget* parent)
    : QDialog(parent), m_model(new QStandardItemModel(0, ColumnCount, this)), m_filter(new HistoryFilter(this))
{
    setObjectName(QStringLiteral("historyDialog"));
    setWindowTitle(tr("History of %1").arg(profile));
    m_model->setHorizontalHeaderLabels({tr("Time"), tr("Action"), tr("Outcome"), tr("Backup"), tr("Size"), tr("Took"), tr("By"), tr("Message")});
    m_filter->setSourceModel(m_model);
    m_filter->setSortRole(SortRole);

    m_action = new QComboBox;
    m_action->setObjectName(QStringLiteral("historyAction"));
    m_action->addItem(tr("Every action"), QString());
    for (const QString& action : {AuditAction::Create, AuditAction::Restore, AuditAction::Undo, AuditAction::Delete, AuditAction::Prune,
                                  AuditAction::Download, AuditAction::Upload, AuditAction::Export, AuditAction::Import})
        m_action->addItem(action, action);
    m_outcome = new QComboBox;
    m_outcome->setObjectName(QStringLiteral("historyOutcome"));
    m_outcome->addItem(tr("Any outcome"), QString());
    m_outcome->addItem(tr("OK"), QStringLiteral("ok"));
    m_outcome->addItem(tr("Failed"), QStringLiteral("failed"));
    m_outcome->addItem(tr("Canceled"), QStringLiteral("canceled"));
    m_words = new QLineEdit;
    m_words->setObjectName(QStringLiteral("historyFilter"));
    m_words->setClearButtonEnabled(true);
    m_words->setPlaceholderText(tr("Filter: backup, user, message…"));
    auto refilter = [this] {
        m_filter->action = m_action->currentData().toString();
        m_filter->outcome = m_outcome->currentData().toString();
        m_filter->words = m_words->text().split(u' ', Qt::SkipEmptyParts);
        m_filter->update();
        m_state->setText(tr("%1 of %n line(s)", nullptr, m_model->rowCount()).arg(m_filter->rowCount()));
    };
    connect(m_action, &QComboBox::currentIndexChanged, this, refilter);
    connect(m_outcome, &QComboBox::currentIndexChanged, this, refilter);
    connect(m_words, &QLineEdit::textChanged, this, refilter);

    m_table = new QTableView;
    m_table->setObjectName(QStringLiteral("historyTable"));
    m_table->setModel(m_filter);
    m_table->setSortingEnabled(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    for (const auto& [column, width] : {std::pair{TimeColumn, 150}, std::pair{ActionColumn, 150}, std::pair{OutcomeColumn, 80},
                                        std::pair{BackupColumn, 190}, std::pair{SizeColumn, 80}, std::pair{DurationColumn, 70},
                                        std::pair{ByColumn, 110}})
        m_table->setColumnWidth(column, width);
    m_state = new QLabel(tr("Reading the audit log…"));
    m_state->setObjectName(QStringLiteral("historyState"));

    auto* filters = new QHBoxLayout;
    filters->addWidget(m_action);
    filters->addWidget(m_outcome);
    filters->addWidget(m_words, 1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(m_table, 1);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_state, 1);
    bottom->addWidget(buttons);
    layout->addLayout(bottom);
    resize(980, 480);

    connect(&m_reading, &QFutureWatcherBase::finished, this, [this, refilter] {
        const Result<QList<AuditEntry>> read = m_reading.result();
        if (!read) {
            m_state->setText(read.error().message);
        } else {
            fill(*read);
            refilter();
        }
        emit loaded();
    });
    m_reading.setFuture(site->history());
}

void HistoryDialog::fill(const QList<AuditEntry>& entries)
{
    const QLocale locale;
    for (const AuditEntry& entry : entries) {
        auto item = [](const QString& text, const QVariant& sort = {}, const QString& raw = {}) {
            auto* cell = new QStandardItem(text);
            cell->setData(sort.isValid() ? sort : QVariant(text), SortRole);
            cell->setData(raw.isEmpty() ? text : raw, Qt::UserRole);
            return cell;
        };
        const QString action = entry.kind == u"scheduled" ? tr("%1 (scheduled)").arg(entry.action) : entry.action;
        const QString outcome = entry.outcome == u"ok" ? tr("OK") : entry.outcome == u"failed" ? tr("Failed") : tr("Canceled");
        QList<QStandardItem*> row{
            item(locale.toString(entry.time.toLocalTime(), QLocale::ShortFormat), entry.time.toMSecsSinceEpoch()),
            item(action, action, entry.action),
            item(outcome, outcome, entry.outcome),
            item(entry.backup),
            item(entry.bytes > 0 ? humanSize(entry.bytes) : QString(), entry.bytes),
            item(entry.durationMs >= 1000 ? tr("%1 s").arg(double(entry.durationMs) / 1000, 0, 'f', 1) : tr("%1 ms").arg(entry.durationMs),
                 entry.durationMs),
            item(entry.user + u'@' + entry.host),
            item(entry.message)};
        row[MessageColumn]->setToolTip(entry.message); // the column is narrow; warnings and errors are long
        if (!entry.ok())
            row[OutcomeColumn]->setForeground(QColor(0xc6, 0x28, 0x28));
        m_model->appendRow(row);
    }
    m_table->sortByColumn(TimeColumn, Qt::DescendingOrder);
}

} // namespace coffre
