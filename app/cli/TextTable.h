#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace coffre {

// Columns aligned with spaces, for terminal output.
class TextTable
{
public:
    explicit TextTable(QStringList header) : m_rows{std::move(header)} {}
    void addRow(QStringList row) { m_rows.append(std::move(row)); }
    QString render() const;

private:
    QList<QStringList> m_rows;
};

} // namespace coffre
