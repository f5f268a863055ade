#pragma once

#include <QByteArray>
#include <QString>

#include <openssl/evp.h>

#include <memory>

namespace coffre {

// SHA-256 fed as bytes stream past, so no file is ever read twice to be hashed. OpenSSL's,
// not libsodium's: it uses the CPU's SHA extensions, 1.1 GB/s against 0.2 GB/s here, and
// every backup, check, import and restore hashes all its bytes (docs/DECISIONS.md 42).
class Sha256
{
public:
    Sha256() : m_context(EVP_MD_CTX_new(), &EVP_MD_CTX_free) { EVP_DigestInit_ex(m_context.get(), EVP_sha256(), nullptr); }
    void add(const char* data, qint64 size) { EVP_DigestUpdate(m_context.get(), data, size_t(size)); }
    QString hex() // finishes the hash: call once
    {
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int length = 0;
        EVP_DigestFinal_ex(m_context.get(), digest, &length);
        return QString::fromLatin1(QByteArray(reinterpret_cast<const char*>(digest), int(length)).toHex());
    }

private:
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> m_context;
};

} // namespace coffre
