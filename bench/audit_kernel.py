"""The audit verification kernel alone (standard library only, no Django): 1M rows in SQLite.

Measures what `audit_verify` does per row — fetch, canonical bytes, SHA-256 leaf hash, then the
tree level by level — on a machine without the project's dependencies:
`python -m bench.audit_kernel [N]`. `make bench` uses bench/audit.py; this isolates the CPU cost.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
import tempfile
import time

from bedside.audit.canonical import canonical_bytes, select_columns
from bedside.audit.merkle import build_levels, root_of


def main(total: int) -> dict[str, float]:
    path = os.path.join(tempfile.mkdtemp(), "kernel.sqlite3")
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE audit_auditevent (id integer primary key, at datetime, actor_id bigint, actor_role text, "
               "action text, outcome text, object_type text, object_id text, patient_id bigint, practice_id bigint, "
               "ip text, channel text, detail text, prev_hash text, hash text)")
    db.execute("CREATE TABLE audit_auditleaf (leaf_index integer primary key, event_id bigint unique, leaf_hash blob)")
    actions = ["thread.view", "message.send", "thread.list", "consent.view", "auth.login"]
    rows = [(i, f"2026-11-21 10:{(i // 60000) % 60:02d}:{(i // 1000) % 60:02d}.{i % 1000000:06d}", 1 + i % 40,
             "clinician", actions[i % 5], "success", "thread", str(i % 9000), 1 + i % 700, 1, "10.0.0.1", "web",
             json.dumps({"thread": i % 9000}), "", "") for i in range(1, total + 1)]
    db.executemany(f"INSERT INTO audit_auditevent VALUES ({','.join('?' * 15)})", rows)
    sql = select_columns("sqlite").replace("%%", "%")
    leaves = [(n, r[0], hashlib.sha256(b"\x00" + canonical_bytes(r)).digest())
              for n, r in enumerate(db.execute(f"SELECT {sql} FROM audit_auditevent e ORDER BY e.id"))]
    db.executemany("INSERT INTO audit_auditleaf VALUES (?, ?, ?)", leaves)
    db.commit()
    del rows, leaves
    started = time.perf_counter()
    sha = hashlib.sha256
    out = bytearray()
    bad = 0
    cursor = db.execute(f"SELECT {sql}, l.leaf_index, l.event_id, l.leaf_hash FROM audit_auditleaf l "
                        "LEFT JOIN audit_auditevent e ON e.id = l.event_id ORDER BY l.leaf_index")
    while chunk := cursor.fetchmany(20_000):
        for row in chunk:
            digest = sha(b"\x00" + canonical_bytes(row)).digest()
            bad += digest != row[17]
            out += digest
    hashed = time.perf_counter() - started
    root = root_of(build_levels(out))
    total_s = time.perf_counter() - started
    assert bad == 0 and len(root) == 32
    return {"rows": total, "hash_rows_s": round(hashed, 2), "verify_s": round(total_s, 2),
            "verify_1m_s": round(total_s * 1_000_000 / total, 2)}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)))
