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


KEYS = {"id", "urgency", "crisis", "reasons", "identifiers", "health_disclosure", "advice_request", "decision"}


def test_screen_answers_each_line_before_the_next_arrives():
    """Streaming: one line in, its answer out, while stdin is still open (the pipeline is loaded once)."""
    process = subprocess.Popen([str(BEDSIDE), "screen"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8")
    try:
        for i, text in enumerate(["my son cant breathe", "refill please", "kms"]):
            process.stdin.write(json.dumps({"id": i, "text": text, "kind": "message"}) + "\n")
            process.stdin.flush()
            answer = json.loads(process.stdout.readline())
            assert answer["id"] == i and set(answer) == KEYS
        process.stdin.close()
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()


def test_screen_reason_offsets_are_python_indices_into_unicode_text():
    text = "İ 🙂 naïve — chest pain and I can\u2019t breathe"
    [out] = _run(json.dumps({"id": "u", "text": text}, ensure_ascii=True) + "\n")
    assert out["urgency"] == "emergency"
    spans = [text[r["start"]:r["end"]] for r in out["reasons"]]
    assert spans == ["chest pain", "can\u2019t breathe"]


def test_screen_contract_for_comments_and_context():
    lines = [
        {"id": 1, "text": "my dad had a stroke last year, any tips on diet?", "kind": "comment"},
        {"id": 2, "text": "I want to end it all", "kind": "comment"},
        {"id": 3, "text": "What should I do if I get chest pain?"},
        {"id": 4, "text": "x", "kind": "tweet"},
    ]
    out = _run("".join(json.dumps(x) + "\n" for x in lines))
    # a relative's stroke is routine for urgency, but a health disclosure in public: held
    assert out[0]["urgency"] == "routine" and out[0]["health_disclosure"] is True and out[0]["decision"] == "hold"
    assert out[1]["crisis"] is True and out[1]["decision"] == "hold"
    assert out[2]["urgency"] == "routine" and out[2]["reasons"] == []
    assert out[3]["error"]["code"] == "invalid_input"
    for o in out[:3]:
        assert set(o) == KEYS


def test_word_lists_are_warm_before_the_first_line():
    import io
    import time

    from bedside.screening.cli import run
    from bedside.screening.identifiers import _name_lists

    out = io.StringIO()
    run(io.StringIO(""), out)  # no input: only the warm-up runs
    assert _name_lists.cache_info().currsize == 1
    started = time.perf_counter()
    run(io.StringIO(json.dumps({"id": 1, "text": "My name is Ann, call 617-555-1234", "kind": "comment"}) + "\n"), out)
    assert time.perf_counter() - started < 0.5


def test_a_kind_of_the_wrong_type_is_an_error_line_not_a_crash():
    import io

    from bedside.screening.cli import run

    out = io.StringIO()
    run(io.StringIO('{"id": 1, "text": "hi", "kind": ["comment"]}\n{"id": 2, "text": "hi", "kind": "comment"}\n'), out)
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["error"]["code"] == "invalid_input" and second["decision"] == "publish"
