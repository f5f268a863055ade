#include "RepositoryStatusBar.h"

#include "util/HumanSize.h"

namespace coffre {

RepositoryStatusBar::RepositoryStatusBar(QStatusBar* bar)
    : QObject(bar), m_repository(new QLabel(bar)), m_total(new QLabel(bar)), m_disk(new QLabel(bar))
{
    m_repository->setObjectName(QStringLiteral("repositoryLabel"));
    m_total->setObjectName(QStringLiteral("totalLabel"));
    m_disk->setObjectName(QStringLiteral("diskLabel"));
    m_repository->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // A long path gives way to the labels beside it (the schedule's line); the tooltip keeps it whole.
    m_repository->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_disk->setMargin(2);
    bar->addPermanentWidget(m_repository, 1);
    m_offsite = new QLabel;
    m_offsite->setObjectName(QStringLiteral("offsiteStatus"));
    m_offsite->hide();
    bar->addPermanentWidget(m_total);
    bar->addPermanentWidget(m_offsite);
    bar->addPermanentWidget(m_disk);
}

void RepositoryStatusBar::showScan(const RepositoryScan& scan)
{
    m_repository->setText(scan.repository);
    m_repository->setToolTip(scan.repository);
    m_total->setText(tr("%n backup(s), %1", nullptr, int(scan.backups.size())).arg(humanSize(scan.totalBytes)));
    if (!scan.disk.valid) {
        m_disk->clear();
        return;
    }
    const QString text = tr("%1 free (%2 % used)").arg(humanSize(scan.disk.availableBytes)).arg(scan.disk.usedPercent);
    // The profile's threshold where its jobs run (80 % unless it says otherwise; 0: never).
    const int threshold = scan.targetProfile.notify.diskPercent;
    if (scan.disk.valid && threshold > 0 && scan.disk.usedPercent >= threshold) {
        m_disk->setText(QStringLiteral("⚠ ") + text);
        m_disk->setStyleSheet(QStringLiteral("QLabel { background: #c62828; color: white; font-weight: bold; }"));
        m_disk->setToolTip(tr("The disk holding the backups is %1 % full. Delete old backups or move the repository "
                              "before a backup fails for lack of space.")
                               .arg(scan.disk.usedPercent));
    } else {
        m_disk->setText(text);
        m_disk->setStyleSheet({});
        m_disk->setToolTip({});
    }
}

void RepositoryStatusBar::showOffsite(const QString& place, const QList<Backup>& backups)
{
    m_offsite->setVisible(!place.isEmpty());
    qint64 bytes = 0;
    for (const Backup& backup : backups)
        bytes += backup.sizeBytes;
    m_offsite->setText(tr("Off-site: %n backup(s), %1", nullptr, int(backups.size())).arg(humanSize(bytes)));
    m_offsite->setToolTip(place);
}

void RepositoryStatusBar::showNoRepository()
{
    m_repository->setText(tr("No profile"));
    m_total->clear();
    m_disk->clear();
    m_disk->setStyleSheet({});
}

void RepositoryStatusBar::showError(const QString& repository, const QString& message)
{
    m_repository->setText(repository);
    m_total->setText(message);
    m_disk->clear();
    m_disk->setStyleSheet({});
}

} // namespace coffre
