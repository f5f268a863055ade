#pragma once

#include <QString>

#include <optional>
#include <utility>

namespace coffre {

// What went wrong, twice: a translated sentence for the person at the screen,
// and the technical detail (server message, errno text, path) for the log.
struct Error
{
    QString message;
    QString detail;
    QString code; // for callers that act on a kind of failure: see ErrorCode


    QString toLogString() const { return detail.isEmpty() ? message : message + QStringLiteral(" (") + detail + u')'; }
};

// The kinds of failure a caller may act on (ask for a password, stay quiet on a cancel).
namespace ErrorCode {
inline const QString PasswordNeeded = QStringLiteral("password-needed");
inline const QString WrongPassword = QStringLiteral("wrong-password");
inline const QString Canceled = QStringLiteral("canceled");
inline const QString NotFound = QStringLiteral("not-found");  // no such backup or profile
inline const QString Busy = QStringLiteral("busy");           // another job holds the repository
// The codes are part of coffre-cli's JSON protocol (docs/PROTOCOL.md): never rename one.
} // namespace ErrorCode

// A value or an Error. Errors are values in Coffre: nothing throws across threads.
template<typename T>
class Result
{
public:
    Result(T value) : m_value(std::move(value)) {}
    Result(Error error) : m_error(std::move(error)) {}

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }

    const T& value() const& { return *m_value; }
    T& value() & { return *m_value; }
    T&& value() && { return std::move(*m_value); }
    const T* operator->() const { return &*m_value; }
    const T& operator*() const { return *m_value; }

    const Error& error() const { return m_error; }

private:
    std::optional<T> m_value;
    Error m_error;
};

// For operations that only succeed or fail.
class Status
{
public:
    Status() = default;
    Status(Error error) : m_failed(true), m_error(std::move(error)) {}

    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const Error& error() const { return m_error; }

private:
    bool m_failed = false;
    Error m_error;
};

} // namespace coffre
