#include "PassFile.h"

#include "util/AtomicFile.h"

namespace coffre {

Result<std::unique_ptr<PassFile>> PassFile::create(const QString& password)
{
    if (password.isEmpty())
        return std::unique_ptr<PassFile>();
    auto passFile = std::unique_ptr<PassFile>(new PassFile);
    if (!passFile->m_dir.isValid())
        return Error{QCoreApplication::translate("PassFile", "Could not create a private temporary folder."),
                     passFile->m_dir.errorString()};
    QString escaped = password;
    escaped.replace(u'\\', QStringLiteral("\\\\")).replace(u':', QStringLiteral("\\:"));
    // Any host, port, database and user: the child connects to exactly one server.
    Status written = AtomicFile::write(passFile->path(), QStringLiteral("*:*:*:*:%1\n").arg(escaped).toUtf8());
    if (!written)
        return written.error();
    return passFile;
}

QString PassFile::path() const
{
    return m_dir.filePath(QStringLiteral("pgpass"));
}

QProcessEnvironment PassFile::childEnvironment(const PassFile* passFile)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (passFile) {
        env.insert(QStringLiteral("PGPASSFILE"), passFile->path());
        env.remove(QStringLiteral("PGPASSWORD"));
    }
    return env;
}

} // namespace coffre
