#pragma once

#include "jobs/JobControl.h"

#include <QTimer>
#include <QWidget>

#include <memory>

class QLabel;
class QProgressBar;
class QPushButton;
class QVBoxLayout;

namespace coffre {

class ProgressMeter;

// One job in the panel: title, phase, progress bar with rate and time left, and Cancel. When
// the job ends it shows the outcome and keeps the full log one click away.
class JobRow : public QWidget
{
    Q_OBJECT

public:
    JobRow(const QString& title, std::shared_ptr<JobControl> control, QWidget* parent = nullptr);
    ~JobRow() override;

    void finish(bool ok, const QString& message, const QString& detail = {});
    bool isRunning() const { return m_running; }
    JobControl* control() const { return m_control.get(); }

signals:
    void dismissed();

private:
    void refresh();
    void showLog();

    std::shared_ptr<JobControl> m_control;
    std::unique_ptr<ProgressMeter> m_meter;
    QString m_title;
    QString m_detail;
    bool m_running = true;
    QLabel* m_titleLabel;
    QLabel* m_statusLabel;
    QProgressBar* m_bar;
    QPushButton* m_cancel;
    QPushButton* m_log;
    QPushButton* m_dismiss;
    QTimer m_timer;
};

// The jobs under way and just finished, at the bottom of the window.
class JobsPanel : public QWidget
{
    Q_OBJECT

public:
    explicit JobsPanel(QWidget* parent = nullptr);
    JobRow* addJob(const QString& title, std::shared_ptr<JobControl> control);
    int runningCount() const;

private:
    QVBoxLayout* m_rows;
};

} // namespace coffre
