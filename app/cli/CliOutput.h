#pragma once

#include "Result.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QTextStream>

namespace coffre {

// The protocol version a desktop checks before it talks to a server's coffre-cli (docs/PROTOCOL.md).
// Raise it when a command, an option or a JSON field the desktop relies on changes meaning.
inline constexpr int ProtocolVersion = 1;
inline constexpr int OldestCompatibleProtocol = 1;

// How a command's answer is written: text for people (the default), one JSON document (--json),
// or JSON lines (--progress=json): progress events while a job runs, then exactly one result or
// error event. In the JSON modes the text a command prints is kept, not shown: a command that
// has no structured answer yet still answers {"text": …}.
class CliOutput
{
public:
    enum class Mode { Text, Json, JsonLines };

    CliOutput(Mode mode, QTextStream& stdoutStream, QTextStream& stderrStream);

    Mode mode() const { return m_mode; }
    bool isJson() const { return m_mode != Mode::Text; }
    QTextStream& text() { return isJson() ? m_captured : m_stdout; }
    QTextStream& err() { return m_stderr; }

    void result(const QJsonValue& value);
    void error(const Error& error, const QString& fallbackCode);
    void progress(const QJsonObject& event); // JsonLines only; ignored otherwise
    // The answer was written by someone else (the server's coffre-cli, forwarded as it is).
    void answeredElsewhere() { m_answered = true; }
    // Called when the command returned: answers for it if it wrote no result or error itself.
    void finish(int status);

    static QJsonObject errorToJson(const Error& error, const QString& fallbackCode);

private:
    void writeLine(const QJsonObject& object);

    Mode m_mode;
    QTextStream& m_stdout;
    QTextStream& m_stderr;
    QString m_capturedText;
    QTextStream m_captured{&m_capturedText};
    bool m_answered = false;
};

} // namespace coffre
