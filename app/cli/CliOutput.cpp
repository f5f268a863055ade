#include "CliOutput.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace coffre {

CliOutput::CliOutput(Mode mode, QTextStream& stdoutStream, QTextStream& stderrStream)
    : m_mode(mode), m_stdout(stdoutStream), m_stderr(stderrStream)
{
}

QJsonObject CliOutput::errorToJson(const Error& error, const QString& fallbackCode)
{
    QJsonObject o{{QStringLiteral("code"), error.code.isEmpty() ? fallbackCode : error.code},
                  {QStringLiteral("message"), error.message}};
    if (!error.detail.isEmpty())
        o.insert(QStringLiteral("detail"), error.detail);
    return o;
}

void CliOutput::writeLine(const QJsonObject& object)
{
    m_stdout << QJsonDocument(object).toJson(QJsonDocument::Compact) << '\n';
    m_stdout.flush(); // the desktop reads it now, not when the job ends
}

void CliOutput::result(const QJsonValue& value)
{
    if (m_answered || !isJson())
        return;
    m_answered = true;
    if (m_mode == Mode::JsonLines) {
        writeLine({{QStringLiteral("event"), QStringLiteral("result")}, {QStringLiteral("result"), value}});
        return;
    }
    m_stdout << (value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject())).toJson(QJsonDocument::Indented);
}

void CliOutput::error(const Error& error, const QString& fallbackCode)
{
    if (m_answered || !isJson())
        return;
    m_answered = true;
    const QJsonObject e = errorToJson(error, fallbackCode);
    if (m_mode == Mode::JsonLines)
        writeLine({{QStringLiteral("event"), QStringLiteral("error")}, {QStringLiteral("error"), e}});
    else
        m_stdout << QJsonDocument(QJsonObject{{QStringLiteral("error"), e}}).toJson(QJsonDocument::Indented);
}

void CliOutput::progress(const QJsonObject& event)
{
    if (m_mode != Mode::JsonLines)
        return;
    QJsonObject line = event;
    line.insert(QStringLiteral("event"), QStringLiteral("progress"));
    writeLine(line);
}

void CliOutput::finish(int status)
{
    if (m_answered || !isJson())
        return;
    m_captured.flush();
    const QString text = m_capturedText.trimmed();
    if (status == 0)
        result(QJsonObject{{QStringLiteral("text"), text}});
    else
        error(Error{text, {}, {}}, status == 2 ? QStringLiteral("usage") : QStringLiteral("failed"));
}

} // namespace coffre
