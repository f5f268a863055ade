#include "RestoreDialog.h"

#include "postgres/DatabaseAdmin.h"
#include "postgres/DatabaseNames.h"
#include "postgres/DatabaseSettings.h"
#include "util/Background.h"
#include "util/FolderSize.h"
#include "util/HumanSize.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <algorithm>

namespace coffre {

RestoreDialog::RestoreDialog(std::shared_ptr<const BackupSite> site, const Profile& profile, const Backup& backup,
                             const QString& password, QWidget* parent)
    : QDialog(parent), m_site(std::move(site)), m_profile(profile), m_backup(backup), m_password(password)
{
    setWindowTitle(tr("Restore %1").arg(backup.name));
    const Manifest& m = *backup.manifest;
    auto* heading = new QLabel(tr("<b>%1</b>, made on %2 (%3)%4")
                                   .arg(backup.name.toHtmlEscaped(),
                                        QLocale().toString(backup.created.toLocalTime(), QLocale::LongFormat), humanSize(backup.sizeBytes),
                                        m.note.isEmpty() ? QString() : QStringLiteral(" — ") + m.note.toHtmlEscaped()));
    heading->setWordWrap(true);

    auto* parts = new QGroupBox(tr("Restore"));
    auto* partsLayout = new QVBoxLayout(parts);
    if (m.database && !profile.database.isEmpty()) {
        m_database = new QCheckBox(tr("The database (%n table(s))", nullptr, int(m.database->tables.size())));
        m_database->setObjectName(QStringLiteral("databaseCheck"));
        m_database->setChecked(true);
        partsLayout->addWidget(m_database);
        auto* asRow = new QHBoxLayout;
        m_asDatabase = new QCheckBox(tr("under another name, for inspection:"));
        m_asDatabase->setObjectName(QStringLiteral("asDatabaseCheck"));
        m_asDatabaseName = new QLineEdit(DatabaseNames::derived(m.database->name, backup.name));
        m_asDatabaseName->setEnabled(false);
        asRow->addSpacing(24);
        asRow->addWidget(m_asDatabase);
        asRow->addWidget(m_asDatabaseName);
        partsLayout->addLayout(asRow);
        connect(m_asDatabase, &QCheckBox::toggled, m_asDatabaseName, &QWidget::setEnabled);
        connect(m_asDatabase, &QCheckBox::toggled, this, &RestoreDialog::updateState);
        connect(m_asDatabaseName, &QLineEdit::textChanged, this, &RestoreDialog::updateState); // the warning names it
        connect(m_database, &QCheckBox::toggled, this, &RestoreDialog::updateState);
        // What is replaced, and whether code and database stay in step, depend on the parts chosen.
        connect(m_asDatabase, &QCheckBox::toggled, this, &RestoreDialog::loadSummary);
        connect(m_database, &QCheckBox::toggled, this, &RestoreDialog::loadSummary);
    }
    for (const SourcePart& part : m.sources) {
        for (const SourceRoot& root : profile.sources) {
            if (root.label != part.label)
                continue;
            auto* check = new QCheckBox(tr("The folder “%1” into %2 (%n file(s))", nullptr, int(part.fileCount)).arg(part.label, root.path));
            check->setObjectName(QStringLiteral("sourceCheck_") + part.label);
            check->setChecked(true);
            connect(check, &QCheckBox::toggled, this, &RestoreDialog::updateState);
            connect(check, &QCheckBox::toggled, this, &RestoreDialog::loadSummary);
            partsLayout->addWidget(check);
            m_sources.append({check, part.label});
        }
    }
    for (const ObjectsPart& part : m.objects) {
        if (part.label != QLatin1String(Profile::DocumentsLabel) || profile.documents.isEmpty())
            continue;
        m_bucket = new QCheckBox(tr("The uploaded documents into %1 (%n object(s))", nullptr, int(part.objectCount)).arg(profile.documents.url()));
        m_bucket->setObjectName(QStringLiteral("bucketCheck"));
        m_bucket->setChecked(true);
        m_removeNewObjects = new QCheckBox(tr("and remove the documents added since the backup (listed below)"));
        m_removeNewObjects->setObjectName(QStringLiteral("removeNewObjectsCheck"));
        connect(m_bucket, &QCheckBox::toggled, this, &RestoreDialog::updateState);
        connect(m_bucket, &QCheckBox::toggled, m_removeNewObjects, &QWidget::setEnabled);
        connect(m_removeNewObjects, &QCheckBox::toggled, this, &RestoreDialog::loadSummary);
        connect(m_bucket, &QCheckBox::toggled, this, &RestoreDialog::loadSummary);
        partsLayout->addWidget(m_bucket);
        auto* indented = new QHBoxLayout;
        indented->addSpacing(24);
        indented->addWidget(m_removeNewObjects);
        partsLayout->addLayout(indented);
    }
    auto* safety = new QCheckBox(tr("Keep what is replaced, beside it (…before_restore_…), for Undo"));
    safety->setChecked(true);
    safety->setEnabled(false); // the swap itself keeps it: there is no way to restore without a way back
    safety->setToolTip(tr("Coffre never overwrites: the current database and folders are renamed, not deleted."));
    partsLayout->addWidget(safety);

    m_summary = new QLabel(tr("Measuring what will be replaced…"));
    m_summary->setObjectName(QStringLiteral("summaryLabel"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_warning = new QLabel;
    m_warning->setWordWrap(true);
    m_warning->setStyleSheet(QStringLiteral("QLabel { background: #fff3e0; border: 1px solid #ef6c00; padding: 6px; }"));
    m_confirm = new QLineEdit;
    m_confirm->setObjectName(QStringLiteral("confirmEdit"));
    m_confirm->setPlaceholderText(QStringLiteral("OUI"));
    connect(m_confirm, &QLineEdit::textChanged, this, &RestoreDialog::updateState);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_restore = buttons->addButton(tr("&Restore"), QDialogButtonBox::AcceptRole);
    m_restore->setObjectName(QStringLiteral("restoreButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    // Enter restores only once OUI is typed, and never cancels: a word mistyped then Enter used
    // to close the dialog without a word. Escape cancels.
    buttons->button(QDialogButtonBox::Cancel)->setAutoDefault(false);
    m_restore->setAutoDefault(false);

    auto* summaryBox = new QGroupBox(tr("Will be replaced"));
    auto* summaryLayout = new QVBoxLayout(summaryBox);
    summaryLayout->addWidget(m_summary);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(heading);
    layout->addWidget(parts);
    layout->addWidget(summaryBox);
    layout->addWidget(m_warning);
    layout->addWidget(m_confirm);
    layout->addWidget(buttons);
    setMinimumWidth(600);
    connect(&m_summaryWatcher, &QFutureWatcherBase::finished, this, [this] {
        m_summary->setText(m_summaryWatcher.result());
        // The summary arrives after the dialog was sized for "Measuring…": grow to show all of it
        // (French lines are longer and wrap more). The layouts still hold the old text's height
        // (their requests to measure again are only posted): measure now, or the dialog keeps a
        // height its wrapped lines no longer fit in, and squeezes the check boxes.
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        const QSize shown = size();
        adjustSize();
        resize(qMax(shown.width(), width()), std::max({shown.height(), height(), this->layout()->totalHeightForWidth(qMax(shown.width(), width()))}));
        m_summaryLoaded = true;
        emit summaryLoaded();
    });
    updateState();
    loadSummary();
}

void RestoreDialog::loadSummary()
{
    const RestoreRequest r = request();
    m_summaryWatcher.setFuture(m_site->previewRestore(r, m_password));
}

RestoreRequest RestoreDialog::request() const
{
    RestoreRequest r;
    r.profile = m_profile;
    r.backup = m_backup;
    r.database = m_database && m_database->isChecked();
    if (r.database && m_asDatabase->isChecked())
        r.asDatabase = m_asDatabaseName->text().trimmed();
    for (const auto& [check, label] : m_sources) {
        if (check->isChecked() && r.asDatabase.isEmpty())
            r.sources << label;
    }
    if (m_bucket && m_bucket->isChecked() && r.asDatabase.isEmpty()) {
        r.bucket = QLatin1String(Profile::DocumentsLabel);
        r.removeNewObjects = m_removeNewObjects->isChecked();
    }
    return r;
}

void RestoreDialog::updateState()
{
    const RestoreRequest r = request();
    for (const auto& [check, label] : m_sources)
        check->setEnabled(r.asDatabase.isEmpty());
    if (m_bucket)
        m_bucket->setEnabled(r.asDatabase.isEmpty());
    const bool somethingChosen = r.database || !r.sources.isEmpty() || !r.bucket.isEmpty();
    // Says what is ticked: a backup without a database has no sessions to end, and a restore
    // into a new database replaces nothing.
    if (!r.asDatabase.isEmpty())
        m_warning->setText(tr("<b>The backup's database goes into a new database, “%1”: nothing current is replaced.</b> Type "
                              "<b>OUI</b> (yes, in French) to confirm.")
                               .arg(r.asDatabase.toHtmlEscaped()));
    else
        m_warning->setText(r.database ? tr("<b>This replaces what is ticked above with the backup's.</b> Sessions open on the database are "
                                           "ended. Stop the application first if you can. Type <b>OUI</b> (yes, in French) to confirm.")
                                      : tr("<b>This replaces what is ticked above with the backup's.</b> Stop the application first if "
                                           "you can. Type <b>OUI</b> (yes, in French) to confirm."));
    // Exactly OUI, in capitals, typed: nothing else wakes the button.
    const bool confirmed = somethingChosen && m_confirm->text() == RestoreRequest::Confirmation;
    m_restore->setEnabled(confirmed);
    m_restore->setDefault(confirmed);
}

} // namespace coffre
