#include "SshDestination.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QStandardPaths>

#include <unistd.h>

namespace coffre {

QString SshDestination::shellQuote(const QString& word)
{
    if (!word.isEmpty() && word.contains(QRegularExpression(QStringLiteral("^[A-Za-z0-9_./=:@%+,-]+$"))))
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
    QDir().mkpath(folder);
    QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
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
            << QStringLiteral("-o") << QStringLiteral("ServerAliveCountMax=4")
            << QStringLiteral("-o") << QStringLiteral("ControlMaster=auto")            // one connection per server
            << QStringLiteral("-o") << QStringLiteral("ControlPath=%1/%C").arg(controlFolder())
            << QStringLiteral("-o") << QStringLiteral("ControlPersist=300");
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
