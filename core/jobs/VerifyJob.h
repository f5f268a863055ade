#pragma once

#include "JobControl.h"
#include "Result.h"
#include "catalog/Backup.h"

#include <QCoreApplication>

namespace coffre {

// Reads every file of a bundle and checks its size and SHA-256 against the manifest. Nothing
// is restored from a bundle that has not passed this.
class VerifyJob
{
    Q_DECLARE_TR_FUNCTIONS(VerifyJob)

public:
    static Status run(const Backup& backup, JobControl& control);
};

} // namespace coffre
