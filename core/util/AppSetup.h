#pragma once

class QCoreApplication;

namespace coffre {

// What both executables do first: the names that place settings and data in the
// QStandardPaths locations (~/.config/coffre, ~/.local/share/coffre), and the translations
// for the system locale (French or English).
void setUpApplication(QCoreApplication& app);

} // namespace coffre
