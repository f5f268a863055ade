#pragma once

#include <QCoreApplication>
#include <QString>

class QWidget;

namespace coffre {

// What the window asks before acting on a profile as a whole.
class ProfileQuestions
{
    Q_DECLARE_TR_FUNCTIONS(ProfileQuestions)

public:
    // Names the profile and says its backups stay on disk; true when the person chose Delete.
    static bool confirmDeletion(QWidget* parent, const QString& name, const QString& repository);
    // A backup folder that does not exist yet: offers to create it, readable by its owner only.
    // False only when it was to be created and could not be (the reason was shown).
    static bool offerToCreateRepository(QWidget* parent, const QString& path);
};

} // namespace coffre
