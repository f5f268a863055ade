#include "SshDestination.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QStandardPaths>

#include <sys/stat.h>
#include <unistd.h>

namespace coffre {

QString SshDestination::shellQuote(const QString& word)
{
    // Anchored at both ends of the string: "$" alone would also match before a final newline,
    // which the server's shell takes as the end of the command.
    static const QRegularExpression safe(QRegularExpression::anchoredPattern(QStringLiteral("[A-Za-z0-9_./=:@%+,-]+")));
    if (safe.match(word).hasMatch())
        return word;
    QString quoted = word;
    quoted.replace(u'\'', QStringLiteral("'\\''"));
    return u'\'' + quoted + u'\'';
}

QString SshDestination::controlFolder()
{
    // A socket path must fit in 108 bytes, and ssh adds 40 (%C) + 17 (a temporary suffix) to the
    // folder: the runtime folder when it is short (/run/user/1000), else /tmp.
    QString base = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    if (base.isEmpty() || base.size() > 30)
        base = QStringLiteral("/tmp");
    const QString folder = QDir(base).filePath(QStringLiteral("coffre-ssh-%1").arg(::getuid()));
    const QByteArray path = QFile::encodeName(folder);
    ::mkdir(path.constData(), 0700);
    // In /tmp anyone could have made it first: a socket there must be ours alone, or ssh would
    // hand our session (and a password on its stdin) to someone else's "master".
    struct stat st;
    if (::lstat(path.constData(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid() || (st.st_mode & 077) != 0)
        return {};
    return folder;
}

QStringList SshDestination::sshOptions() const
{
    QStringList options;
    if (!configFile.isEmpty())
        options << QStringLiteral("-F") << configFile;
    options << QStringLiteral("-o") << QStringLiteral("BatchMode=yes")                 // no prompt nobody would see
            << QStringLiteral("-o") << QStringLiteral("ConnectTimeout=15")
            << QStringLiteral("-o") << QStringLiteral("ServerAliveInterval=15")        // a dead link ends the job
            << QStringLiteral("-o") << QStringLiteral("ServerAliveCountMax=4");
    if (const QString sockets = controlFolder(); !sockets.isEmpty()) // one connection per server
        options << QStringLiteral("-o") << QStringLiteral("ControlMaster=auto") << QStringLiteral("-o")
                << QStringLiteral("ControlPath=%1/%C").arg(sockets) << QStringLiteral("-o") << QStringLiteral("ControlPersist=300");
    else
        options << QStringLiteral("-o") << QStringLiteral("ControlMaster=no") << QStringLiteral("-o") << QStringLiteral("ControlPath=none");
    if (port > 0)
        options << QStringLiteral("-p") << QString::number(port);
    if (!identityFile.isEmpty())
        options << QStringLiteral("-i") << identityFile << QStringLiteral("-o") << QStringLiteral("IdentitiesOnly=yes");
    return options;
}

QStringList SshDestination::commandLine(const QStringList& cliArguments) const
{
    QStringList remote{shellQuote(remoteCli)};
    if (!remoteProfile.isEmpty())
        remote << QStringLiteral("--profile") << shellQuote(remoteProfile);
    for (const QString& argument : cliArguments)
        remote << shellQuote(argument);
    // "--": a host named "-oProxyCommand=…" is a host, never an option.
    return sshOptions() << QStringLiteral("--") << host << remote.join(u' ');
}

QString SshDestination::displayName() const
{
    return port > 0 ? QStringLiteral("%1:%2").arg(host).arg(port) : host;
}

} // namespace coffre
