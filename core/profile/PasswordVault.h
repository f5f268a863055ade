#pragma once

#include "Result.h"

#include <QCoreApplication>
#include <QObject>

#include <functional>

namespace coffre {

// The OS keychain (Secret Service, KWallet, macOS Keychain) through QtKeychain, one entry per
// profile. Asynchronous: the callbacks run on the calling thread's event loop. Where no keychain
// runs (a bare server, a CI machine), every call fails with a plain message and the caller keeps
// the password in memory for the session instead.
class PasswordVault
{
    Q_DECLARE_TR_FUNCTIONS(PasswordVault)

public:
    using ReadCallback = std::function<void(Result<QString>)>;
    using DoneCallback = std::function<void(Status)>;

    static void read(const QString& profile, QObject* context, ReadCallback done);
    static void write(const QString& profile, const QString& password, QObject* context, DoneCallback done);
    static void remove(const QString& profile, QObject* context, DoneCallback done);

    // Other secrets under their own entry: an off-site access key's secret (offsiteEntry).
    static void readEntry(const QString& entry, QObject* context, ReadCallback done);
    static void writeEntry(const QString& entry, const QString& secret, QObject* context, DoneCallback done);
    static QString offsiteEntry(const QString& accessKeyId) { return QStringLiteral("s3/") + accessKeyId; }
    static QString profileEntry(const QString& profile) { return QStringLiteral("profile/") + profile; }
};

} // namespace coffre
