#pragma once

#include "jobs/JobControl.h"

#include <QTimer>
#include <QWidget>

#include <functional>
#include <memory>

class QHBoxLayout;
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
    // A button for what may follow this job (Undo after a restore), shown beside Dismiss.
    void addFollowUp(const QString& text, const std::function<void()>& action);
    void removeFollowUps();
    bool isRunning() const { return m_running; }
    JobControl* control() const { return m_control.get(); }

signals:
    void dismissed();
    void finished();

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
    QHBoxLayout* m_buttons;
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
    // What finished rows offered no longer applies (Undo, once the copies it needs are removed).
    void removeFollowUps();
    void clearFinished();

private:
    void updateClearButton();

    QVBoxLayout* m_rows;
    QPushButton* m_clear;
};

} // namespace coffre
