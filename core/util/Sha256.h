#pragma once

#include <QByteArray>
#include <QString>

#include <sodium/crypto_hash_sha256.h>

namespace coffre {

// SHA-256 fed as bytes stream past (libsodium), so no file is ever read twice to be hashed.
class Sha256
{
public:
    Sha256() { crypto_hash_sha256_init(&m_state); }
    void add(const char* data, qint64 size)
    {
        crypto_hash_sha256_update(&m_state, reinterpret_cast<const unsigned char*>(data), quint64(size));
    }
    QString hex() // finishes the hash: call once
    {
        unsigned char digest[crypto_hash_sha256_BYTES];
        crypto_hash_sha256_final(&m_state, digest);
        return QString::fromLatin1(QByteArray(reinterpret_cast<const char*>(digest), sizeof digest).toHex());
    }

private:
    crypto_hash_sha256_state m_state;
};

} // namespace coffre
