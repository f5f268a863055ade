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

    QString toLogString() const { return detail.isEmpty() ? message : message + QStringLiteral(" (") + detail + u')'; }
};

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
