# The operator's edit at rest of a case's log in a SQLite store, as the server would
# write it: edit(seq, type, body) gives each event's new body (or the same), and every
# event from the first changed one is re-chained and countersigned with the server's key
# (doc/formats.md, "Event chain link"). Returns the first changed event's number, or None.
# For the scripts that play the operator (tests/cli/blind_outcome_sig.sh,
# tests/adversary/blind_log_forged.sh); needs PyNaCl.
import hashlib
import sqlite3
import struct

from nacl.signing import SigningKey


def rechain(db, case, edit):
    db = db.removeprefix("sqlite:")
    raw = open(db + ".server-key", "rb").read()
    assert raw[:8] == b"NKSERVK1"
    key = SigningKey(raw[8:40])
    key_id = hashlib.sha256(b"nakodo/key-id/v1\0" + raw[40:72]).digest()[:8]
    con = sqlite3.connect(db)
    rows = con.execute("SELECT seq, time_ms, actor, type, body, chain FROM events WHERE "
                       "case_id = ? ORDER BY seq", (case,)).fetchall()
    str8 = lambda s: bytes([len(s.encode())]) + s.encode()
    prev, first = bytes(32), None
    for seq, ms, actor, typ, body, chain in rows:
        new = edit(seq, typ, body)
        if first is None and new != body:
            first = seq
        if first is not None:
            h = hashlib.sha256(b"nakodo/event/v1\0" + str8(case) + struct.pack(">qq", seq, ms) +
                               str8(actor) + str8(typ) + struct.pack(">I", len(new.encode())) +
                               new.encode() + prev).digest()
            cs = key.sign(b"nakodo/countersign/v1\0" + key_id + h).signature
            con.execute("UPDATE events SET body = ?, chain = ?, countersig = ? WHERE "
                        "case_id = ? AND seq = ?", (new, h, cs, case, seq))
            chain = h
        prev = bytes(chain)
    con.commit()
    return first
