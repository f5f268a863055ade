#include "ScheduleDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QGridLayout>
#include <QLabel>
#include <QFutureWatcher>
#include <QLocale>
#include <QMessageBox>
#include <QRadioButton>
#include <QSpinBox>
#include <QTimeEdit>
#include <QVBoxLayout>

namespace coffre {

ScheduleDialog::ScheduleDialog(const QString& profile, const Schedule& current, bool onServer, QWidget* parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("scheduleDialog"));
    setWindowTitle(tr("Schedule of %1").arg(profile));
    m_never = new QRadioButton(tr("&Not scheduled"));
    m_hourly = new QRadioButton(tr("Every &hour, on the hour"));
    m_daily = new QRadioButton(tr("Every &day at"));
    m_weekly = new QRadioButton(tr("Every &week on"));
    for (const auto& [radio, name] : {std::pair{m_never, "never"}, std::pair{m_hourly, "hourly"}, std::pair{m_daily, "daily"}, std::pair{m_weekly, "weekly"}})
        radio->setObjectName(QStringLiteral("schedule_") + QLatin1String(name));
    m_dailyAt = new QTimeEdit(current.at);
    m_dailyAt->setObjectName(QStringLiteral("dailyAt"));
    m_weeklyAt = new QTimeEdit(current.at);
    m_weeklyAt->setObjectName(QStringLiteral("weeklyAt"));
    for (QTimeEdit* edit : {m_dailyAt, m_weeklyAt})
        edit->setDisplayFormat(QStringLiteral("HH:mm"));
    m_day = new QComboBox;
    m_day->setObjectName(QStringLiteral("weeklyDay"));
    for (int day = Qt::Monday; day <= Qt::Sunday; ++day)
        m_day->addItem(QLocale().dayName(day), day);
    m_day->setCurrentIndex(current.weekday - 1);
    (current.every == Schedule::Every::Hourly  ? m_hourly
     : current.every == Schedule::Every::Daily ? m_daily
     : current.every == Schedule::Every::Weekly ? m_weekly
                                                : m_never)
        ->setChecked(true);

    // A restore drill after the run, once the last good one is that old (drill --latest --due).
    m_drill = new QCheckBox(tr("Then prove the latest backup &restorable (a restore drill) every"));
    m_drill->setObjectName(QStringLiteral("scheduleDrill"));
    m_drill->setChecked(current.drillDays > 0);
    m_drillDays = new QSpinBox;
    m_drillDays->setObjectName(QStringLiteral("scheduleDrillDays"));
    m_drillDays->setRange(1, 90);
    m_drillDays->setValue(current.drillDays > 0 ? current.drillDays : 7);
    m_drillDays->setSuffix(tr(" days"));

    auto* grid = new QGridLayout;
    grid->addWidget(m_never, 0, 0, 1, 3);
    grid->addWidget(m_hourly, 1, 0, 1, 3);
    grid->addWidget(m_daily, 2, 0);
    grid->addWidget(m_dailyAt, 2, 1);
    grid->addWidget(m_weekly, 3, 0);
    grid->addWidget(m_day, 3, 1);
    grid->addWidget(m_weeklyAt, 3, 2);
    grid->addWidget(m_drill, 4, 0, 1, 2);
    grid->addWidget(m_drillDays, 4, 2);
    grid->setColumnStretch(3, 1);
    auto* about = new QLabel(
        (onServer ? tr("The server runs the backup itself, with its own coffre-cli, then removes the backups its retention lets go.")
                  : tr("This computer runs the backup with coffre-cli, even with the window closed, then removes the backups the "
                       "retention lets go.")) +
        u' ' + tr("A run missed while the machine was off happens when it starts again (a systemd timer; cron where there is no systemd)."));
    about->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(grid);
    layout->addWidget(about);
    layout->addWidget(buttons);
    for (QRadioButton* radio : {m_never, m_hourly, m_daily, m_weekly})
        connect(radio, &QRadioButton::toggled, this, &ScheduleDialog::updateEnabled);
    connect(m_drill, &QCheckBox::toggled, this, &ScheduleDialog::updateEnabled);
    updateEnabled();
}

void ScheduleDialog::updateEnabled()
{
    m_dailyAt->setEnabled(m_daily->isChecked());
    m_day->setEnabled(m_weekly->isChecked());
    m_weeklyAt->setEnabled(m_weekly->isChecked());
    m_drill->setEnabled(!m_never->isChecked());
    m_drillDays->setEnabled(!m_never->isChecked() && m_drill->isChecked());
}

Schedule ScheduleDialog::schedule() const
{
    Schedule schedule;
    if (m_hourly->isChecked()) {
        schedule.every = Schedule::Every::Hourly;
    } else if (m_daily->isChecked()) {
        schedule.every = Schedule::Every::Daily;
        schedule.at = m_dailyAt->time();
    } else if (m_weekly->isChecked()) {
        schedule.every = Schedule::Every::Weekly;
        schedule.weekday = m_day->currentData().toInt();
        schedule.at = m_weeklyAt->time();
    }
    if (schedule.isSet() && m_drill->isChecked())
        schedule.drillDays = m_drillDays->value();
    return schedule;
}

void ScheduleDialog::edit(QWidget* parent, std::shared_ptr<const BackupSite> site, const Profile& profile, const Schedule& current,
                          const ProfileStore& store, const std::function<void(const QString&)>& done)
{
    ScheduleDialog dialog(profile.name, current, profile.isOnServer(), parent);
    if (dialog.exec() != QDialog::Accepted || !site)
        return;
    const Schedule chosen = dialog.schedule();
    auto* watcher = new QFutureWatcher<Result<ScheduleInstall>>(parent);
    QObject::connect(watcher, &QFutureWatcherBase::finished, parent, [=] {
        watcher->deleteLater();
        const Result<ScheduleInstall> installed = watcher->result();
        if (!installed) {
            QMessageBox::warning(parent, tr("Schedule of %1").arg(profile.name), installed.error().toLogString());
            return;
        }
        if (!profile.isOnServer()) { // installed first: a profile never says it is scheduled when nothing runs it
            Profile changed = profile;
            changed.schedule = chosen;
            if (Status saved = store.save(changed); !saved) {
                QMessageBox::warning(parent, tr("Schedule of %1").arg(profile.name), saved.error().message);
                return;
            }
        }
        QString said = chosen.isSet() ? tr("%1 is backed up %2.").arg(profile.name, chosen.describe())
                                      : tr("%1 is no longer scheduled.").arg(profile.name);
        if (chosen.drillDays > 0)
            said += u' ' + tr("Then %1.").arg(chosen.describeDrill());
        if (!installed->notes.isEmpty())
            said += u' ' + installed->notes.join(u' ');
        if (!installed->todo.isEmpty()) {
            QMessageBox box(QMessageBox::Information, tr("Schedule of %1").arg(profile.name),
                            said + QStringLiteral("\n\n") + tr("To finish, run this in a terminal of %1:").arg(site->placeName()) +
                                QStringLiteral("\n\n") + installed->todo.join(u'\n'),
                            QMessageBox::Ok, parent);
            box.setObjectName(QStringLiteral("scheduleTodo"));
            box.setTextInteractionFlags(Qt::TextSelectableByMouse);
            box.exec();
        }
        done(said);
    });
    watcher->setFuture(site->setSchedule(chosen));
}

} // namespace coffre
