#pragma once

#include "RestoreJob.h"

#include <QCoreApplication>

namespace coffre {

// What a restore would replace, in words, measured now: the database's size and open sessions
// and the settings that would change, each folder and its size, what is kept from the current
// folders. Shown before OUI in the window and at the terminal, and sent to a desktop by a
// server (`restore NAME --preview`). Blocking: for a worker thread.
class RestorePreview
{
    Q_DECLARE_TR_FUNCTIONS(RestorePreview)

public:
    static QString describe(const RestoreRequest& request, const QString& password);
    // The bucket's lines: what goes back, and every object added since the backup, by key.
    static QStringList describeBucket(const RestoreRequest& request);
    // Code and database out of step (Prisma): a warning when the restore brings back one of the
    // two and the migrations it holds are not those of the other (as it is now, or as backed up).
    static QStringList describePrisma(const RestoreRequest& request, const QString& password);
};

} // namespace coffre
