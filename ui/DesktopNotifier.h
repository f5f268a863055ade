#pragma once

#include <QString>

namespace coffre {

// A freedesktop notification (org.freedesktop.Notifications.Notify on the session bus): what
// the window says about a failed or doubtful backup when nobody is looking at it. Without a
// session bus or a notification server, nothing happens.
class DesktopNotifier
{
public:
    enum class Urgency { Normal = 1, Critical = 2 };
    // Returns whether the call could be sent (the server answers later, or not).
    static bool notify(const QString& summary, const QString& body, Urgency urgency = Urgency::Normal);
};

} // namespace coffre
