"""`bedside screen` as users run it: a real process, JSON Lines in and out, in order."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BEDSIDE = Path(sys.executable).parent / "bedside"


def _run(stdin: str) -> list[dict]:
    done = subprocess.run([str(BEDSIDE), "screen"], input=stdin, capture_output=True, text=True, timeout=60, check=True)
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_screen_streams_one_line_per_input_in_order():
    lines = [
        {"id": "a", "text": "I have crushing chest pain and can't breathe", "kind": "message"},
        {"id": "b", "text": "No chest pain, just need a refill", "kind": "message"},
        {"id": "c", "text": "i want to end it all", "kind": "message"},
    ]
    out = _run("".join(json.dumps(x) + "\n" for x in lines))
    assert [o["id"] for o in out] == ["a", "b", "c"]
    assert out[0]["urgency"] == "emergency"
    label = out[0]["reasons"][0]
    assert lines[0]["text"][label["start"]:label["end"]].lower() == "chest pain"
    assert out[1]["urgency"] == "routine" and out[1]["reasons"] == []
    assert out[2]["crisis"] is True
    for o in out:
        assert set(o) == {"id", "urgency", "crisis", "reasons", "identifiers", "health_disclosure", "advice_request", "decision"}


def test_screen_bad_lines_keep_alignment():
    out = _run('not json\n{"id": 7, "text": 5}\n[1]\n{"id": 8, "text": "fine"}\n')
    assert out[0]["error"]["code"] == "invalid_json"
    assert out[1]["id"] == 7 and out[1]["error"]["code"] == "invalid_input"
    assert out[2]["error"]["code"] == "invalid_input"
    assert out[3]["id"] == 8 and out[3]["urgency"] == "routine"
