#pragma once

#include "DumpBlockReader.h"

#include <QMutex>
#include <QWaitCondition>

#include <functional>
#include <map>
#include <optional>

namespace coffre {

// Where two connections meet on one large table (DECISIONS 73). The connection that claimed the
// table loads it from its start (the head), inside the transaction that emptied it. A connection
// with nothing left to load may take the second half of what remains (the tail): it loads it
// into an unlogged table aside, and the head's connection appends those rows after its own, in
// that same transaction. Both COPYs parse at once, and the rows end up in the dump's order (as
// far as any COPY keeps it: DECISIONS 73).
//
// The tail starts where a row starts, at a chunk boundary a reader noted while going past the
// table (its shape). The head reserves its way ahead in steps, so a tail is only ever cut beyond
// what the head may already have sent.
class TableTails
{
public:
    // Tails shorter than `minimumTail` bytes are not worth a second COPY.
    explicit TableTails(qint64 minimumTail);

    qint64 rowMarkSpacing() const { return m_minimumTail / 8; }

    // By a reader that went past a table's data.
    void setShape(int dumpId, const DumpBlockReader::TableShape& shape);

    // The head's side. claimed() comes first, as the block is claimed; startHead() says whether
    // this load can share its table (it owns it in a transaction), then headEnd() is asked as
    // the head reads on: it never reads a chunk starting at or after what it returns.
    void claimed(int dumpId);
    void startHead(int dumpId, bool canShare);
    qint64 headEnd(int dumpId, qint64 offset);
    enum class Tail { None, Staged, Failed, Stopped };
    // Once the head is read: whether a tail was taken, and then waits until it is staged.
    Tail finishHead(int dumpId, const std::function<bool()>& stop);
    void released(int dumpId);

    // The tail's side.
    struct Offer
    {
        int dumpId = 0;
        qint64 from = 0; // data offset where the tail starts
        qint64 bytes = 0;
    };
    // The largest tail worth taking now, reserved for the caller; none when there is none yet.
    std::optional<Offer> takeTail();
    // Whether a table still loading may yet offer a tail (else the caller may stop asking).
    bool mayOfferMore();
    void tailDone(int dumpId, bool staged);
    // The tails taken, for the log.
    QList<Offer> taken();

private:
    enum class TailState { None, Loading, Staged, Failed };
    struct Load
    {
        bool loading = false;
        bool decided = false;  // startHead was called
        bool canShare = false;
        bool headDone = false;
        std::optional<DumpBlockReader::TableShape> shape;
        qint64 reserved = 0; // the head may read chunks starting before this
        qint64 limit = -1;   // where the tail starts, once taken
        TailState tail = TailState::None;
    };
    bool offerable(const Load& load) const;

    const qint64 m_minimumTail;
    QMutex m_mutex;
    QWaitCondition m_changed;
    std::map<int, Load> m_loads; // references stay valid while others are added (finishHead waits on one)
    QList<Offer> m_taken;
};

} // namespace coffre
