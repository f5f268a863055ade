#include "TextTable.h"

namespace coffre {

QString TextTable::render() const
{
    QList<qsizetype> widths;
    for (const QStringList& row : m_rows) {
        for (qsizetype c = 0; c < row.size(); ++c) {
            if (widths.size() <= c)
                widths.append(0);
            widths[c] = qMax(widths[c], row[c].size());
        }
    }
    QString out;
    for (const QStringList& row : m_rows) {
        QString line;
        for (qsizetype c = 0; c < row.size(); ++c)
            line += c + 1 < row.size() ? row[c].leftJustified(widths[c] + 2) : row[c];
        out += line + u'\n';
    }
    return out;
}

} // namespace coffre
