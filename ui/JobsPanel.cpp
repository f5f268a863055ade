#include "JobsPanel.h"

#include "jobs/ProgressMeter.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace coffre {

JobRow::JobRow(const QString& title, std::shared_ptr<JobControl> control, QWidget* parent)
    : QWidget(parent), m_control(std::move(control)), m_meter(std::make_unique<ProgressMeter>()), m_title(title),
      m_titleLabel(new QLabel(QStringLiteral("<b>%1</b>").arg(title.toHtmlEscaped()))), m_statusLabel(new QLabel),
      m_bar(new QProgressBar), m_cancel(new QPushButton(tr("Cancel"))), m_log(new QPushButton(tr("Show log…"))),
      m_dismiss(new QPushButton(tr("Dismiss"))), m_buttons(new QHBoxLayout)
{
    setObjectName(QStringLiteral("jobRow"));
    m_statusLabel->setObjectName(QStringLiteral("jobStatus"));
    m_statusLabel->setWordWrap(true);
    m_statusLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_bar->setRange(0, 1000);
    m_bar->setTextVisible(true);
    m_bar->setMinimumWidth(240);
    m_cancel->setObjectName(QStringLiteral("jobCancel"));
    m_log->setObjectName(QStringLiteral("jobLog"));
    m_log->hide();
    m_dismiss->hide();
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        m_control->cancel();
        m_cancel->setEnabled(false);
        m_cancel->setText(tr("Canceling…"));
    });
    connect(m_log, &QPushButton::clicked, this, &JobRow::showLog);
    connect(m_dismiss, &QPushButton::clicked, this, &JobRow::dismissed);

    auto* text = new QVBoxLayout;
    text->setSpacing(2);
    text->addWidget(m_titleLabel);
    text->addWidget(m_statusLabel);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->addLayout(text, 1);
    layout->addWidget(m_bar);
    m_buttons->addWidget(m_cancel);
    m_buttons->addWidget(m_log);
    m_buttons->addWidget(m_dismiss);
    layout->addLayout(m_buttons);

    m_timer.setInterval(200);
    connect(&m_timer, &QTimer::timeout, this, &JobRow::refresh);
    m_timer.start();
    refresh();
}

JobRow::~JobRow() = default;

void JobRow::refresh()
{
    m_meter->sample(*m_control);
    const int percent = m_meter->percent();
    if (percent < 0) {
        m_bar->setRange(0, 0); // busy: the total is not known yet
    } else {
        m_bar->setRange(0, 100);
        m_bar->setValue(percent);
    }
    const QString summary = m_meter->summary();
    const QString text = summary.isEmpty() ? m_control->phase() : m_control->phase() + QStringLiteral(" — ") + summary;
    if (text != m_statusLabel->text())
        m_statusLabel->setText(text);
}

void JobRow::finish(bool ok, const QString& message, const QString& detail)
{
    m_timer.stop();
    m_running = false;
    m_detail = detail;
    m_bar->setRange(0, 100);
    m_bar->setValue(ok ? 100 : m_bar->value());
    m_bar->hide(); // the outcome says it; a full bar only pushed the rows' buttons out of line
    m_cancel->hide();
    m_log->setVisible(!ok);
    m_dismiss->show();
    m_statusLabel->setText(message);
    m_statusLabel->setStyleSheet(ok ? QStringLiteral("color: #2e7d32;") : QStringLiteral("color: #c62828;"));
    emit finished();
}

void JobRow::addFollowUp(const QString& text, const std::function<void()>& action)
{
    auto* button = new QPushButton(text);
    button->setObjectName(QStringLiteral("jobFollowUp"));
    connect(button, &QPushButton::clicked, this, action);
    m_buttons->insertWidget(m_buttons->indexOf(m_dismiss), button);
}

void JobRow::removeFollowUps()
{
    for (QPushButton* button : findChildren<QPushButton*>(QStringLiteral("jobFollowUp")))
        button->deleteLater();
}

void JobsPanel::removeFollowUps()
{
    for (JobRow* row : findChildren<JobRow*>(Qt::FindDirectChildrenOnly))
        row->removeFollowUps();
}

void JobRow::showLog()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Log — %1").arg(m_title));
    auto* text = new QPlainTextEdit;
    text->setReadOnly(true);
    QString log = m_control->logLines().join(u'\n');
    if (!m_detail.isEmpty())
        log += QStringLiteral("\n\n") + m_detail;
    text->setPlainText(log);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto* layout = new QVBoxLayout(&dialog);
    layout->addWidget(text);
    layout->addWidget(buttons);
    dialog.resize(760, 420);
    dialog.exec();
}

JobsPanel::JobsPanel(QWidget* parent) : QWidget(parent), m_rows(new QVBoxLayout), m_clear(new QPushButton(tr("Clear finished")))
{
    setObjectName(QStringLiteral("jobsPanel"));
    m_rows->setContentsMargins(0, 0, 0, 0);
    m_rows->setSpacing(0);
    m_clear->setObjectName(QStringLiteral("jobsClearFinished"));
    m_clear->setFlat(true);
    connect(m_clear, &QPushButton::clicked, this, &JobsPanel::clearFinished);
    auto* header = new QHBoxLayout;
    header->setContentsMargins(6, 0, 6, 0);
    header->addStretch(1);
    header->addWidget(m_clear);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(header);
    layout->addLayout(m_rows);
    updateClearButton();
    hide();
}

void JobsPanel::clearFinished()
{
    for (JobRow* row : findChildren<JobRow*>(Qt::FindDirectChildrenOnly)) {
        if (!row->isRunning())
            emit row->dismissed();
    }
}

// Worth a button only once two or more finished rows pile up.
void JobsPanel::updateClearButton()
{
    int finished = 0;
    for (const JobRow* row : findChildren<JobRow*>(Qt::FindDirectChildrenOnly))
        finished += !row->isRunning();
    m_clear->setVisible(finished >= 2);
}

JobRow* JobsPanel::addJob(const QString& title, std::shared_ptr<JobControl> control)
{
    auto* row = new JobRow(title, std::move(control), this);
    m_rows->addWidget(row);
    connect(row, &JobRow::dismissed, this, [this, row] {
        row->setParent(nullptr); // out of findChildren at once, not at the deleteLater
        row->deleteLater();
        m_rows->removeWidget(row);
        setVisible(m_rows->count() > 0);
        updateClearButton();
    });
    connect(row, &JobRow::finished, this, &JobsPanel::updateClearButton);
    show();
    return row;
}

int JobsPanel::runningCount() const
{
    int running = 0;
    for (const JobRow* row : findChildren<JobRow*>(Qt::FindDirectChildrenOnly))
        running += row->isRunning();
    return running;
}

} // namespace coffre
