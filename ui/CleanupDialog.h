#pragma once

#include "jobs/RestoreCleanup.h"

#include <QDialog>
#include <QFutureWatcher>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace coffre {

// Lists the copies the last restore kept (before_restore, and undone after an Undo) with their
// sizes, measured on a worker thread; accepting it is the confirmation to remove them for good.
class CleanupDialog : public QDialog
{
    Q_OBJECT

public:
    CleanupDialog(const Profile& profile, const QString& password, QWidget* parent = nullptr);

    bool isLoaded() const { return m_loaded; }
    // What was shown: the removal job removes these only if they are still the last restore's.
    const RestoreCopies& copies() const { return m_copies; }

signals:
    void loaded();

private:
    void showCopies(const Result<RestoreCopies>& found);

    QLabel* m_summary;
    QTreeWidget* m_list;
    QPushButton* m_remove;
    RestoreCopies m_copies;
    bool m_loaded = false;
    QFutureWatcher<Result<RestoreCopies>> m_watcher;
};

} // namespace coffre
