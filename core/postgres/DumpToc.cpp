#include "DumpToc.h"

#include "DumpFieldReader.h"

namespace coffre {

using namespace dumpformat;

DumpToc::Parse DumpToc::parse(const QByteArray& head, DumpToc& toc, QString* problem)
{
    auto failed = [problem](const QString& why) {
        if (problem)
            *problem = why;
        return Parse::Failed;
    };
    try {
        if (head.size() < 11)
            throw NeedMore{};
        if (!head.startsWith("PGDMP"))
            return failed(tr("not a pg_dump custom-format archive"));
        FieldReader r(head, 4);
        r.skip(5);
        const int major = r.byte(), minor = r.byte();
        r.byte();
        DumpToc result;
        result.minor = minor;
        result.intSize = r.byte();
        result.offSize = r.byte();
        const int format = r.byte();
        if (major != 1 || minor < 12 || minor > 15 || format != 1 || result.intSize < 1 || result.intSize > 8 || result.offSize != 8)
            return failed(tr("archive version 1.%1 is not one this reads").arg(minor));
        r.setIntSize(result.intSize);
        if (minor >= 15)
            result.compressed = r.byte() != 0; // compression algorithm: 0 is none
        else
            result.compressed = r.integer() != 0; // compression level: 0 is none, -1 the default
        for (int i = 0; i < 7; ++i)
            r.integer(); // creation date
        r.string();      // database name
        r.string();      // server version
        r.string();      // pg_dump version
        const qint64 count = r.integer();
        if (count < 0)
            throw Forged{};
        for (qint64 i = 0; i < count; ++i) {
            DumpTocEntry entry;
            entry.dumpId = int(r.integer());
            r.integer(); // hadDumper
            r.string();  // tableoid
            r.string();  // oid
            entry.tag = r.string();
            entry.desc = r.string();
            entry.section = int(r.integer());
            entry.defn = r.string();
            r.string(); // dropStmt
            entry.copyStmt = r.string();
            entry.schema = r.string();
            r.string(); // tablespace
            if (minor >= 14)
                r.string(); // table access method
            r.string();     // owner
            r.string();     // "false": with oids
            while (!r.string().isNull()) {
            } // dependencies, until a NULL string
            entry.offsetField = r.pos;
            entry.dataFlag = r.byte();
            for (int b = 0; b < result.offSize; ++b)
                entry.position |= qint64(r.byte()) << (8 * b);
            result.m_byId.insert(entry.dumpId, result.entries.size());
            result.entries.append(entry);
        }
        result.size = r.pos;
        result.raw = head.left(r.pos);
        toc = std::move(result);
        return Parse::Done;
    } catch (const NeedMore&) {
        return Parse::NeedMore;
    } catch (const Forged&) {
        return failed(tr("a field of the table of contents is out of range: the dump is damaged or forged"));
    }
}

const DumpTocEntry* DumpToc::find(int dumpId) const
{
    const auto found = m_byId.constFind(dumpId);
    return found == m_byId.cend() ? nullptr : &entries[found.value()];
}

} // namespace coffre
