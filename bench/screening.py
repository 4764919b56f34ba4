"""Screening throughput: 500-character messages piped through the real `bedside screen` process.

- lines_per_s: N messages written to the process's stdin (by a feeder thread) and read back
  from its stdout, N / (time from the first line written to the last line read). The process
  is started and answers one warm-up line first, so interpreter start-up is not counted; it
  runs on one core (a single Python process).
- p50_ms: median time of one line (parse JSON, screen, serialise) measured in-process with the
  same code the command runs (`bedside.screening.cli.screen_record`).

Messages are built from the development set's texts (concatenated and cut to 500 characters),
so they hold the usual mix of findings, negations and plain questions.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

N_MESSAGES = 5000
LENGTH = 500
BEDSIDE = Path(sys.executable).parent / "bedside"


def messages(n: int = N_MESSAGES, length: int = LENGTH, seed: int = 7) -> list[str]:
    from bedside.screening.evaluate import load

    texts = [item["text"] for item in load()]
    rng = random.Random(seed)  # noqa: S311 - a reproducible sample, not a secret
    out = []
    for _ in range(n):
        text = ""
        while len(text) < length:
            text += rng.choice(texts) + " "
        out.append(text[:length])
    return out


def _through_process(lines: list[str]) -> float:
    command = [str(BEDSIDE), "screen"] if BEDSIDE.exists() else [sys.executable, "-m", "bedside.cli", "screen"]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(json.dumps({"id": "warm-up", "text": "hello", "kind": "message"}) + "\n")
    process.stdin.flush()
    process.stdout.readline()

    payload = "".join(json.dumps({"id": i, "text": text, "kind": "message"}) + "\n" for i, text in enumerate(lines))

    def feed() -> None:
        assert process.stdin is not None
        process.stdin.write(payload)
        process.stdin.close()

    started = time.perf_counter()
    feeder = threading.Thread(target=feed)
    feeder.start()
    received = 0
    for _ in process.stdout:
        received += 1
    elapsed = time.perf_counter() - started
    feeder.join()
    process.wait(timeout=60)
    if received != len(lines):
        raise RuntimeError(f"bedside screen answered {received} lines for {len(lines)}")
    return len(lines) / elapsed


def _p50_in_process(lines: list[str]) -> float:
    from bedside.screening.cli import screen_record

    timings = []
    for i, text in enumerate(lines):
        raw = json.dumps({"id": i, "text": text, "kind": "message"})
        started = time.perf_counter()
        json.dumps(screen_record(json.loads(raw)), ensure_ascii=False)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def run() -> dict[str, dict[str, float]]:
    lines = messages()
    lines_per_s = _through_process(lines)
    p50_ms = _p50_in_process(lines)
    return {"screening": {"lines_per_s": round(lines_per_s, 1), "p50_ms": round(p50_ms, 3)}}


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
