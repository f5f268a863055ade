#include "HostKeys.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>

namespace coffre {
namespace {

constexpr int ToolTimeoutMs = 30000; // ssh-keyscan itself gives up after 10 s

// Runs one OpenSSH tool to its end; its standard output, or why it failed.
Result<QByteArray> runTool(const QString& program, const QStringList& arguments, const QByteArray& input = {})
{
    QProcess tool;
    tool.start(program, arguments);
    if (!tool.waitForStarted(10000))
        return Error{HostKeys::tr("Could not start %1: is the OpenSSH client installed?").arg(program),
                     tool.errorString()};
    tool.write(input);
    tool.closeWriteChannel();
    if (!tool.waitForFinished(ToolTimeoutMs)) {
        tool.kill();
        tool.waitForFinished(5000);
        return Error{HostKeys::tr("%1 did not answer in time.").arg(program), {}};
    }
    if (tool.exitStatus() != QProcess::NormalExit || tool.exitCode() != 0)
        return Error{HostKeys::tr("%1 failed.").arg(program), QString::fromUtf8(tool.readAllStandardError()).trimmed()};
    return tool.readAllStandardOutput();
}

// "256 SHA256:abc… [host]:2222 (ED25519)" -> the key's fingerprint and type.
Result<HostKey> describe(const QString& line)
{
    const Result<QByteArray> listed =
        runTool(QStringLiteral("ssh-keygen"), {QStringLiteral("-lf"), QStringLiteral("-")}, line.toUtf8() + '\n');
    if (!listed)
        return listed.error();
    const QStringList fields = QString::fromUtf8(*listed).trimmed().split(u' ', Qt::SkipEmptyParts);
    if (fields.size() < 3 || !fields.last().startsWith(u'('))
        return Error{HostKeys::tr("ssh-keygen did not recognise a host key."), line};
    QString type = fields.last();
    type = type.mid(1, type.size() - 2);
    return HostKey{line, type, fields.at(1)};
}

} // namespace

QString HostKey::fingerprintSentence() const
{
    return HostKeys::tr("%1 key fingerprint is %2.").arg(type, fingerprint);
}

QString HostKeyPlace::knownHostsName() const
{
    return port == 22 || isAlias ? host : QStringLiteral("[%1]:%2").arg(host).arg(port);
}

Result<HostKeyPlace> HostKeys::resolve(const SshDestination& destination)
{
    // ssh -G prints the options it would use, after ~/.ssh/config, without connecting.
    QStringList arguments{QStringLiteral("-G")};
    if (!destination.configFile.isEmpty())
        arguments << QStringLiteral("-F") << destination.configFile;
    if (destination.port > 0)
        arguments << QStringLiteral("-p") << QString::number(destination.port);
    arguments << QStringLiteral("--") << destination.host;
    const Result<QByteArray> options = runTool(QStringLiteral("ssh"), arguments);
    if (!options)
        return Error{tr("The SSH settings of %1 could not be read.").arg(destination.displayName()),
                     options.error().detail};
    HostKeyPlace place;
    QString alias;
    for (const QByteArray& raw : options->split('\n')) {
        const QString line = QString::fromUtf8(raw).trimmed();
        const QString key = line.section(u' ', 0, 0);
        const QString value = line.section(u' ', 1);
        if (key == u"hostname")
            place.scannedHost = value;
        else if (key == u"port")
            place.port = value.toInt();
        else if (key == u"hostkeyalias")
            alias = value;
        else if (key == u"userknownhostsfile")
            place.knownHostsFile = value.section(u' ', 0, 0); // ssh adds new keys to the first one
    }
    place.host = alias.isEmpty() ? place.scannedHost : alias;
    place.isAlias = !alias.isEmpty();
    if (place.scannedHost.isEmpty() || place.port <= 0 || place.knownHostsFile.isEmpty())
        return Error{tr("The SSH settings of %1 could not be read.").arg(destination.displayName()),
                     QString::fromUtf8(*options)};
    return place;
}

Result<HostKeyScan> HostKeys::scan(const SshDestination& destination)
{
    const Result<HostKeyPlace> place = resolve(destination);
    if (!place)
        return place.error();
    const Result<QByteArray> scanned = runTool(
        QStringLiteral("ssh-keyscan"), {QStringLiteral("-p"), QString::number(place->port), QStringLiteral("-T"),
                                        QStringLiteral("10"), QStringLiteral("--"), place->scannedHost});
    HostKeyScan scan{*place, {}};
    if (scanned) {
        for (const QByteArray& raw : scanned->split('\n')) {
            const QString line = QString::fromUtf8(raw).trimmed();
            if (line.isEmpty() || line.startsWith(u'#'))
                continue;
            const Result<HostKey> key = describe(line);
            if (!key)
                return key.error();
            scan.keys << *key;
        }
    }
    if (scan.keys.isEmpty())
        return Error{tr("%1 did not show its host key: check the host name, the port and the network.")
                         .arg(destination.displayName()),
                     scanned ? QString() : scanned.error().toLogString()};
    return scan;
}

Status HostKeys::trust(const SshDestination& destination, const QList<HostKey>& keys)
{
    const Result<HostKeyPlace> place = resolve(destination);
    if (!place)
        return place.error();
    // The name ssh checks (alias, [host]:port) with each key's type and key: nothing else.
    QByteArray added;
    for (const HostKey& key : keys) {
        const QStringList fields = key.line.split(u' ', Qt::SkipEmptyParts);
        if (fields.size() < 3)
            return Error{tr("“%1” is not a host key.").arg(key.line), {}};
        added += (place->knownHostsName() + u' ' + fields.at(1) + u' ' + fields.at(2) + u'\n').toUtf8();
    }
    const QString file = place->knownHostsFile;
    const QString folder = QFileInfo(file).absolutePath();
    if (!QFileInfo::exists(folder)) {
        if (!QDir().mkpath(folder))
            return Error{tr("The folder %1 could not be created.").arg(folder), {}};
        QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }
    QFile known(file);
    const bool isNew = !known.exists();
    if (!known.open(QIODevice::ReadWrite | QIODevice::Append))
        return Error{tr("The host key could not be saved in %1.").arg(file), known.errorString()};
    if (isNew)
        known.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    // A last line without its newline would swallow the first key.
    if (known.size() > 0 && known.seek(known.size() - 1) && known.read(1) != "\n")
        added.prepend('\n');
    if (known.write(added) != added.size() || !known.flush())
        return Error{tr("The host key could not be saved in %1.").arg(file), known.errorString()};
    return {};
}

} // namespace coffre
