#pragma once

#include "Result.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QList>

#include <functional>
#include <optional>

namespace coffre {

// One line of a repository's audit log: who did what to which backup, and how it ended.
struct AuditEntry
{
    QDateTime time;       // when it ended, local time with its offset
    QString user;
    QString host;
    QString profile;
    QString action;       // see AuditAction
    QString backup;       // empty for an action on no single backup
    QString outcome;      // "ok", "failed", "canceled"
    QString message;      // for people: the error, the warnings, where it went
    qint64 durationMs = 0;
    qint64 bytes = 0;
    QString kind;         // create only: "manual", "scheduled", "safety"

    bool ok() const { return outcome == u"ok"; }
    QJsonObject toJson() const;
    static std::optional<AuditEntry> fromJson(const QJsonObject& object);
};

namespace AuditAction {
inline const QString Create = QStringLiteral("create");
inline const QString Restore = QStringLiteral("restore");
inline const QString Undo = QStringLiteral("undo");
inline const QString Delete = QStringLiteral("delete");
inline const QString Prune = QStringLiteral("prune");
inline const QString Download = QStringLiteral("download"); // into this repository, from a server or off-site
inline const QString Upload = QStringLiteral("upload");     // from this repository, to a server or off-site
inline const QString Export = QStringLiteral("export");     // to a .zip/.tar, or the stream a server sends
inline const QString Import = QStringLiteral("import");     // from a .zip/.tar, or the stream a desktop sends
} // namespace AuditAction

// `<repository>/.coffre-audit.jsonl`: one JSON object per line, appended by every job that
// changes or moves a backup, from the window and the command line alike. Hidden, so the catalog
// never takes it for a backup; beside the backups, so it goes where they go and a server's
// history stays on the server. Each line is one write(2) to a file opened O_APPEND: two
// processes appending at once never interleave their lines.
class AuditLog
{
    Q_DECLARE_TR_FUNCTIONS(AuditLog)

public:
    static constexpr auto FileName = ".coffre-audit.jsonl";
    static QString pathFor(const QString& repository);

    // Fills time, user and host when empty, and masks anything that looks like a password.
    static Status append(const QString& repository, AuditEntry entry);
    // Every readable line, oldest first; a torn or foreign line is skipped. No file: empty.
    static Result<QList<AuditEntry>> read(const QString& repository);
    // The newest entry that `matches`, reading only the end of the file (a scan does this).
    static std::optional<AuditEntry> lastMatching(const QString& repository, const std::function<bool(const AuditEntry&)>& matches);

    // "password=…", "user:secret@host" and the like, masked: messages carry libpq's and ssh's words.
    static QString maskSecrets(QString text);
    // The stored profile whose repository this is, for jobs that know only the folder.
    static QString profileOf(const QString& repository);
};

// Times one action and appends its line when it ends: what each job puts around its work.
class AuditRecord
{
public:
    AuditRecord(QString repository, QString action, QString profile = {}, QString backup = {});

    void setBackup(const QString& name) { m_entry.backup = name; }
    void setKind(const QString& kind) { m_entry.kind = kind; }
    void setRepository(const QString& repository) { m_repository = repository; }
    // Writes the line: ok, or failed/canceled with the error's message.
    void finish(const Status& status, qint64 bytes = 0, const QString& message = {});
    template<typename T>
    void finish(const Result<T>& result, qint64 bytes = 0, const QString& message = {})
    {
        finish(result ? Status() : Status(result.error()), bytes, message);
    }

private:
    QString m_repository;
    AuditEntry m_entry;
    QElapsedTimer m_timer;
};

} // namespace coffre
