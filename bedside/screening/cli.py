"""`bedside screen`: JSON Lines in, one JSON line out per input line, in order (CONTRACT.md).

A line that cannot be read gets an output line with an `error` object instead of a verdict, so
outputs stay aligned with inputs.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from bedside.screening.engine import screen, warm

_KINDS = {"message", "comment"}


def screen_record(record: Any) -> dict[str, Any]:
    if not isinstance(record, dict):
        return {"id": None, "error": {"code": "invalid_input", "message": "Each line must be a JSON object."}}
    rid = record.get("id")
    text = record.get("text")
    kind = record.get("kind", "message")
    if not isinstance(text, str):
        return {"id": rid, "error": {"code": "invalid_input", "message": "`text` must be a string."}}
    if not isinstance(kind, str) or kind not in _KINDS:
        return {"id": rid, "error": {"code": "invalid_input", "message": "`kind` must be 'message' or 'comment'."}}
    result = screen(text, kind)
    return {
        "id": rid,
        "urgency": result.urgency,
        "crisis": result.crisis,
        "reasons": [{"label": r.label, "start": r.start, "end": r.end} for r in result.reasons],
        "identifiers": [{"category": i.category, "start": i.start, "end": i.end} for i in result.identifiers],
        "health_disclosure": result.health_disclosure,
        "advice_request": result.advice_request,
        "decision": result.decision,
    }


def run(stdin: TextIO, stdout: TextIO) -> int:
    warm()  # word lists and patterns load once here, not on the lines read
    for line in stdin:
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            out: dict[str, Any] = {"id": None, "error": {"code": "invalid_json", "message": f"Not JSON: {exc.msg}"}}
        else:
            out = screen_record(record)
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        stdout.flush()
    return 0
