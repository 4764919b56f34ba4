"""`make bench`: run every benchmark module present and write bench/results/latest.json.

Each module `bench/<name>.py` exposes `run() -> dict` returning the keys CONTRACT.md names for
it; a benchmark that cannot run here (e.g. no PostgreSQL) reports {"skipped": "<reason>"}.
"""

from __future__ import annotations

import importlib
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
ORDER = ["screening", "audit", "message_send", "inbox"]


def main() -> int:
    results: dict[str, object] = {}
    for name in ORDER:
        if not (ROOT / f"{name}.py").exists():
            continue
        module = importlib.import_module(f"bench.{name}")
        started = time.perf_counter()
        print(f"== {name}", flush=True)
        try:
            measured = module.run()
        except Exception as exc:  # a failing benchmark is reported, the others still run
            measured = {"error": f"{type(exc).__name__}: {exc}"}
        if isinstance(measured, dict) and any(isinstance(v, dict) for v in measured.values()):
            results.update(measured)  # a module may report several contract keys
        else:
            results[name] = measured
        print(json.dumps(measured, indent=2), f"({time.perf_counter() - started:.1f}s)", flush=True)
    results["_meta"] = {
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "cpus": __import__("os").cpu_count(),
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    out = ROOT / "results" / "latest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
