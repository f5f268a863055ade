#include "CreateDialog.h"

#include "catalog/BundleNames.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QVBoxLayout>

namespace coffre {

CreateDialog::CreateDialog(const Profile& profile, QWidget* parent) : QDialog(parent), m_profile(profile)
{
    setWindowTitle(tr("Create backup — %1").arg(profile.name));
    m_name = new QLineEdit;
    m_name->setObjectName(QStringLiteral("nameEdit"));
    m_name->setPlaceholderText(BundleNames::defaultBackupName(QDateTime::currentDateTime()));
    m_name->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[A-Za-z0-9_.-]{0,128}")), this));
    m_name->setToolTip(tr("Letters, digits, '-', '_' and '.'. Empty: the date and time."));
    m_note = new QLineEdit;
    m_note->setObjectName(QStringLiteral("noteEdit"));
    m_note->setPlaceholderText(tr("e.g. before the v2 migration"));

    auto* parts = new QGroupBox(tr("Include"));
    auto* partsLayout = new QVBoxLayout(parts);
    if (!profile.database.isEmpty()) {
        m_database = new QCheckBox(tr("Database %1").arg(profile.database.displayName()));
        m_database->setObjectName(QStringLiteral("databaseCheck"));
        m_database->setChecked(true);
        partsLayout->addWidget(m_database);
    }
    for (const SourceRoot& root : profile.sources) {
        auto* check = new QCheckBox(tr("Folder “%1” (%2)").arg(root.label, root.path));
        check->setObjectName(QStringLiteral("sourceCheck_") + root.label);
        check->setChecked(true);
        partsLayout->addWidget(check);
        m_sources << check;
    }
    m_plainSql = new QCheckBox(tr("Also keep the database as plain &SQL, for reading by eye"));
    m_plainSql->setEnabled(m_database != nullptr);
    m_gzip = new QCheckBox(tr("Compress with &gzip instead of zstd (for old tools; slower)"));
    m_error = new QLabel;
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->setWordWrap(true);

    auto* form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("N&ote:"), m_note);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Create"));
    connect(buttons, &QDialogButtonBox::accepted, this, &CreateDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &CreateDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(parts);
    layout->addWidget(m_plainSql);
    layout->addWidget(m_gzip);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    setMinimumWidth(520);
}

BackupRequest CreateDialog::request() const
{
    BackupRequest request;
    request.profile = m_profile;
    request.profile.sources.clear();
    for (qsizetype i = 0; i < m_sources.size(); ++i) {
        if (m_sources[i]->isChecked())
            request.profile.sources << m_profile.sources[i];
    }
    request.name = m_name->text().trimmed();
    request.note = m_note->text().trimmed();
    request.includeDatabase = m_database && m_database->isChecked();
    request.includeSources = !request.profile.sources.isEmpty();
    request.plainSql = request.includeDatabase && m_plainSql->isChecked();
    request.gzip = m_gzip->isChecked();
    return request;
}

void CreateDialog::accept()
{
    const BackupRequest r = request();
    if (!r.includeDatabase && !r.includeSources) {
        m_error->setText(tr("Choose at least one part to back up."));
        return;
    }
    if (!r.name.isEmpty() && !BundleNames::isValidName(r.name)) {
        m_error->setText(tr("The name may use letters, digits, '-', '_' and '.', and may not start with '.'."));
        return;
    }
    QDialog::accept();
}

} // namespace coffre
