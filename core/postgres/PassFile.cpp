#include "PassFile.h"

#include "util/AtomicFile.h"

#include <QDir>

#include <csignal>
#include <cerrno>
#include <sys/stat.h>
#include <unistd.h>

namespace coffre {
namespace {
const QString Prefix = QStringLiteral("coffre-pgpass-");
} // namespace

PassFile::PassFile() : m_dir(QDir(QDir::tempPath()).filePath(Prefix + QString::number(::getpid()) + QStringLiteral("-XXXXXX"))) {}

void PassFile::removeLeftovers()
{
    const QDir temp(QDir::tempPath());
    for (const QString& name : temp.entryList({Prefix + u'*'}, QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot)) {
        const pid_t pid = pid_t(name.mid(Prefix.size()).section(u'-', 0, 0).toLongLong());
        struct stat st;
        const QString path = temp.filePath(name);
        if (pid <= 0 || ::lstat(QFile::encodeName(path).constData(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid())
            continue;
        if (::kill(pid, 0) != 0 && errno == ESRCH) // its process is gone: nobody will remove it
            QDir(path).removeRecursively();
    }
}

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
