#pragma once

#include "Result.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QString>

namespace coffre {

// Binds a pack's fingerprint to its content with a secret of this user's (HMAC-SHA256 over the
// fingerprint and the pack's SHA-256; docs/DECISIONS.md 67). A new backup links only packs whose
// seal it can check: ones this user's own backups wrote. A bundle planted in the repository (fetched
// from a bucket someone else can write, imported) may copy real fingerprints, never their seals.
class PackSeal
{
    Q_DECLARE_TR_FUNCTIONS(PackSeal)

public:
    // The key in the configuration folder (0600), made on first use.
    static Result<PackSeal> load();
    static PackSeal withKey(const QByteArray& key) { return PackSeal(key); }

    QString seal(const QString& fingerprint, const QString& sha256) const;
    bool verifies(const QString& seal, const QString& fingerprint, const QString& sha256) const;

private:
    explicit PackSeal(QByteArray key) : m_key(std::move(key)) {}
    QByteArray m_key;
};

} // namespace coffre
