#include "PackSeal.h"

#include "util/AtomicFile.h"
#include "util/Sha256.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QUuid>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cerrno>
#include <unistd.h>

namespace coffre {

namespace {

constexpr int KeyBytes = 32;
constexpr int BlockBytes = 64; // SHA-256's block

QByteArray sha256(const QByteArray& data)
{
    Sha256 hash;
    hash.add(data.constData(), data.size());
    return QByteArray::fromHex(hash.hex().toLatin1());
}

// RFC 2104 HMAC over SHA-256 (the key is shorter than a block).
QByteArray hmac(const QByteArray& key, const QByteArray& message)
{
    QByteArray inner(BlockBytes, 0x36), outer(BlockBytes, 0x5c);
    for (int i = 0; i < key.size(); ++i) {
        inner[i] = char(inner[i] ^ key[i]);
        outer[i] = char(outer[i] ^ key[i]);
    }
    return sha256(outer + sha256(inner + message));
}

} // namespace

Result<PackSeal> PackSeal::load()
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation);
    const QString path = QDir(folder).filePath(QStringLiteral("pack-seal.key"));
    QFile file(path);
    if (file.open(QIODevice::ReadOnly)) {
        const QByteArray key = QByteArray::fromHex(file.readAll().trimmed());
        if (key.size() == KeyBytes)
            return PackSeal(key);
        return Error{tr("The key %1 is damaged: remove it (the next backups write their folders in full once).").arg(path), {}};
    }
    QByteArray key(KeyBytes, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), KeyBytes) != 1)
        return Error{tr("No random bytes for a new key."), {}};
    if (!QDir().mkpath(folder))
        return Error{tr("The folder %1 cannot be created.").arg(folder), {}};
    // Written aside, then given its name only if nobody did first (a link never replaces): two
    // backups starting at once must not seal with two keys, one of them lost.
    const QString aside = path + QStringLiteral(".") + QUuid::createUuid().toString(QUuid::Id128);
    if (Status written = AtomicFile::write(aside, key.toHex() + '\n', QFileDevice::ReadOwner | QFileDevice::WriteOwner); !written)
        return written.error();
    const bool mine = ::link(QFile::encodeName(aside).constData(), QFile::encodeName(path).constData()) == 0;
    const int error = errno;
    QFile::remove(aside);
    if (mine)
        return PackSeal(key);
    if (error == EEXIST && file.open(QIODevice::ReadOnly)) { // another one was first: its key it is
        const QByteArray theirs = QByteArray::fromHex(file.readAll().trimmed());
        if (theirs.size() == KeyBytes)
            return PackSeal(theirs);
    }
    // No hard links on this file system: the key is written in place.
    if (Status written = AtomicFile::write(path, key.toHex() + '\n', QFileDevice::ReadOwner | QFileDevice::WriteOwner); !written)
        return written.error();
    return PackSeal(key);
}

QString PackSeal::seal(const QString& fingerprint, const QString& sha256) const
{
    return QString::fromLatin1(hmac(m_key, fingerprint.toLatin1() + ' ' + sha256.toLatin1()).toHex());
}

bool PackSeal::verifies(const QString& sealed, const QString& fingerprint, const QString& sha256) const
{
    const QByteArray expected = seal(fingerprint, sha256).toLatin1();
    const QByteArray given = sealed.toLatin1();
    return given.size() == expected.size() && CRYPTO_memcmp(given.constData(), expected.constData(), size_t(given.size())) == 0;
}

} // namespace coffre
