#pragma once

#include "profile/ProfileStore.h"
#include "schedule/Schedule.h"
#include "site/BackupSite.h"

#include <QDialog>

#include <functional>
#include <memory>

class QCheckBox;
class QComboBox;
class QSpinBox;
class QRadioButton;
class QTimeEdit;

namespace coffre {

// Profile › Schedule…: when the profile's backups run by themselves. The window installs what
// is chosen through its BackupSite (a timer here, or on the server), as `coffre-cli schedule` does.
class ScheduleDialog : public QDialog
{
    Q_OBJECT

public:
    ScheduleDialog(const QString& profile, const Schedule& current, bool onServer, QWidget* parent = nullptr);

    Schedule schedule() const;

    // Asks, installs through `site`, keeps a local profile's schedule in `store`, then calls
    // `done` with what to say (a server keeps its own). What a person must still run is shown.
    static void edit(QWidget* parent, std::shared_ptr<const BackupSite> site, const Profile& profile, const Schedule& current,
                     const ProfileStore& store, const std::function<void(const QString&)>& done);

private:
    void updateEnabled();

    QRadioButton* m_never;
    QRadioButton* m_hourly;
    QRadioButton* m_daily;
    QRadioButton* m_weekly;
    QTimeEdit* m_dailyAt;
    QComboBox* m_day;
    QTimeEdit* m_weeklyAt;
    QCheckBox* m_drill;
    QSpinBox* m_drillDays;
};

} // namespace coffre
