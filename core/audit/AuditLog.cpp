#include "AuditLog.h"

#include "profile/ProfileStore.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSysInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcAudit, "coffre.audit")

namespace coffre {
namespace {

QString currentUser()
{
    if (const passwd* entry = ::getpwuid(::geteuid()); entry && entry->pw_name)
        return QString::fromLocal8Bit(entry->pw_name);
    return qEnvironmentVariable("USER");
}

QList<AuditEntry> parseLines(const QByteArray& text)
{
    QList<AuditEntry> entries;
    for (const QByteArray& line : text.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        const QJsonDocument document = QJsonDocument::fromJson(line);
        if (!document.isObject())
            continue;
        if (std::optional<AuditEntry> entry = AuditEntry::fromJson(document.object()))
            entries << *entry;
    }
    return entries;
}

} // namespace

QJsonObject AuditEntry::toJson() const
{
    QJsonObject o{{QStringLiteral("time"), time.toString(Qt::ISODateWithMs)},
                  {QStringLiteral("user"), user},
                  {QStringLiteral("host"), host},
                  {QStringLiteral("profile"), profile},
                  {QStringLiteral("action"), action},
                  {QStringLiteral("backup"), backup},
                  {QStringLiteral("outcome"), outcome},
                  {QStringLiteral("message"), message},
                  {QStringLiteral("duration_ms"), durationMs},
                  {QStringLiteral("bytes"), bytes}};
    if (!kind.isEmpty())
        o.insert(QStringLiteral("kind"), kind);
    return o;
}

std::optional<AuditEntry> AuditEntry::fromJson(const QJsonObject& o)
{
    AuditEntry entry;
    entry.time = QDateTime::fromString(o.value(QLatin1String("time")).toString(), Qt::ISODateWithMs);
    entry.action = o.value(QLatin1String("action")).toString();
    if (!entry.time.isValid() || entry.action.isEmpty())
        return std::nullopt;
    entry.user = o.value(QLatin1String("user")).toString();
    entry.host = o.value(QLatin1String("host")).toString();
    entry.profile = o.value(QLatin1String("profile")).toString();
    entry.backup = o.value(QLatin1String("backup")).toString();
    entry.outcome = o.value(QLatin1String("outcome")).toString();
    entry.message = o.value(QLatin1String("message")).toString();
    entry.durationMs = o.value(QLatin1String("duration_ms")).toInteger();
    entry.bytes = o.value(QLatin1String("bytes")).toInteger();
    entry.kind = o.value(QLatin1String("kind")).toString();
    return entry;
}

QString AuditLog::pathFor(const QString& repository)
{
    return QDir(repository).filePath(QLatin1String(FileName));
}

QString AuditLog::maskSecrets(QString text)
{
    static const QRegularExpression keyValue(
        QStringLiteral("((?:password|passwd|secret[_-]?(?:access[_-]?)?key|PGPASSWORD|AWS_SECRET_ACCESS_KEY)\\s*[=:]\\s*)('[^']*'|\"[^\"]*\"|\\S+)"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression userInfo(QStringLiteral("(://[^/\\s:@]+:)[^@\\s/]+@"));
    text.replace(keyValue, QStringLiteral("\\1***"));
    text.replace(userInfo, QStringLiteral("\\1***@"));
    return text;
}

QString AuditLog::profileOf(const QString& repository)
{
    const ProfileStore store;
    const QString wanted = QDir::cleanPath(repository);
    for (const QString& name : store.names()) {
        const Result<Profile> profile = store.load(name);
        if (profile && !profile->repository.isEmpty() && QDir::cleanPath(profile->repository) == wanted)
            return name;
    }
    return {};
}

Status AuditLog::append(const QString& repository, AuditEntry entry)
{
    if (repository.isEmpty())
        return Error{tr("No repository to keep the audit log in."), {}};
    if (!entry.time.isValid())
        entry.time = QDateTime::currentDateTime();
    entry.time = entry.time.toOffsetFromUtc(entry.time.offsetFromUtc()); // the offset is written out
    if (entry.user.isEmpty())
        entry.user = currentUser();
    if (entry.host.isEmpty())
        entry.host = QSysInfo::machineHostName();
    entry.message = maskSecrets(entry.message);
    // Never creates the repository: a log alone in a folder that was never one is litter.
    const QByteArray line = QJsonDocument(entry.toJson()).toJson(QJsonDocument::Compact) + '\n';
    const QByteArray path = QFile::encodeName(pathFor(repository));
    const int fd = ::open(path.constData(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0)
        return Error{tr("The audit log %1 cannot be written.").arg(pathFor(repository)), QString::fromLocal8Bit(std::strerror(errno))};
    // One write for the whole line: with O_APPEND, concurrent writers' lines never interleave.
    ssize_t written;
    do {
        written = ::write(fd, line.constData(), size_t(line.size()));
    } while (written < 0 && errno == EINTR);
    const int writeErrno = errno;
    ::close(fd);
    if (written != line.size())
        return Error{tr("The audit log %1 cannot be written.").arg(pathFor(repository)),
                     written < 0 ? QString::fromLocal8Bit(std::strerror(writeErrno)) : QStringLiteral("short write")};
    return {};
}

Result<QList<AuditEntry>> AuditLog::read(const QString& repository)
{
    QFile file(pathFor(repository));
    if (!file.exists())
        return QList<AuditEntry>();
    if (!file.open(QIODevice::ReadOnly))
        return Error{tr("The audit log %1 cannot be read.").arg(file.fileName()), file.errorString()};
    return parseLines(file.readAll());
}

std::optional<AuditEntry> AuditLog::lastMatching(const QString& repository, const std::function<bool(const AuditEntry&)>& matches)
{
    QFile file(pathFor(repository));
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const qint64 size = file.size();
    // The end first, then twice as much each time: the log only grows, the answer is near its end.
    for (qint64 tail = 64 * 1024;; tail *= 2) {
        const qint64 start = std::max<qint64>(0, size - tail);
        file.seek(start);
        QByteArray text = file.read(size - start);
        if (start > 0)
            text = text.mid(text.indexOf('\n') + 1); // the first line is cut
        const QList<AuditEntry> entries = parseLines(text);
        for (auto it = entries.crbegin(); it != entries.crend(); ++it) {
            if (matches(*it))
                return *it;
        }
        if (start == 0)
            return std::nullopt;
    }
}

AuditRecord::AuditRecord(QString repository, QString action, QString profile, QString backup)
    : m_repository(std::move(repository))
{
    m_entry.action = std::move(action);
    m_entry.profile = profile.isEmpty() ? AuditLog::profileOf(m_repository) : std::move(profile);
    m_entry.backup = std::move(backup);
    m_timer.start();
}

void AuditRecord::finish(const Status& status, qint64 bytes, const QString& message)
{
    if (m_repository.isEmpty())
        return; // nowhere to keep it (an off-site-only run with no local folder)
    AuditEntry entry = m_entry;
    entry.durationMs = m_timer.elapsed();
    entry.bytes = bytes;
    entry.outcome = status ? QStringLiteral("ok")
                    : status.error().code == ErrorCode::Canceled ? QStringLiteral("canceled")
                                                                 : QStringLiteral("failed");
    entry.message = status ? message : status.error().message;
    if (Status written = AuditLog::append(m_repository, entry); !written)
        qCWarning(lcAudit, "%s", qPrintable(written.error().toLogString()));
}

} // namespace coffre
