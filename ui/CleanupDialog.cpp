#include "CleanupDialog.h"

#include "util/Background.h"
#include "util/HumanSize.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace coffre {

CleanupDialog::CleanupDialog(const Profile& profile, const QString& password, QWidget* parent)
    : QDialog(parent), m_summary(new QLabel(tr("Looking for the copies kept by the last restore…"))), m_list(new QTreeWidget),
      m_remove(nullptr)
{
    setWindowTitle(tr("Clean up before-restore copies — %1").arg(profile.name));
    m_summary->setObjectName(QStringLiteral("cleanupSummary"));
    m_summary->setWordWrap(true);
    m_list->setObjectName(QStringLiteral("cleanupList"));
    m_list->setRootIsDecorated(false);
    m_list->setHeaderLabels({tr("Copy"), tr("Kind"), tr("Size")});
    m_list->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_list->header()->setStretchLastSection(false);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_remove = buttons->addButton(tr("&Remove for good"), QDialogButtonBox::DestructiveRole);
    m_remove->setObjectName(QStringLiteral("cleanupRemoveButton"));
    m_remove->setEnabled(false);
    buttons->button(QDialogButtonBox::Cancel)->setDefault(true);
    connect(m_remove, &QPushButton::clicked, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_list, 1);
    layout->addWidget(buttons);
    resize(720, 320);

    connect(&m_watcher, &QFutureWatcherBase::finished, this, [this] { showCopies(m_watcher.result()); });
    m_watcher.setFuture(runInBackground([profile, password]() -> Result<RestoreCopies> {
        Result<RestoreCopies> found = RestoreCleanup::find(profile);
        if (found)
            RestoreCleanup::measure(found.value(), profile, password);
        return found;
    }));
}

void CleanupDialog::showCopies(const Result<RestoreCopies>& found)
{
    m_loaded = true;
    if (!found || found->copies.isEmpty()) {
        m_summary->setText(found ? tr("The last restore left no copies.") : found.error().message);
    } else {
        m_copies = *found;
        for (const RestoreCopies::Copy& copy : m_copies.copies) {
            auto* item = new QTreeWidgetItem(m_list, {copy.name, copy.database ? tr("database") : tr("folder"),
                                                      copy.bytes < 0 ? tr("unknown") : humanSize(copy.bytes)});
            item->setTextAlignment(2, Qt::AlignRight | Qt::AlignVCenter);
        }
        m_list->resizeColumnToContents(1);
        m_list->resizeColumnToContents(2);
        m_summary->setText(tr("The restore of %1 (%2) kept what it replaced. Removing these copies frees %3 and ends Undo "
                              "for that restore: they cannot be brought back.")
                               .arg(m_copies.backup, m_copies.stamp, humanSize(m_copies.totalBytes())));
        m_remove->setEnabled(true);
    }
    emit loaded();
}

} // namespace coffre
