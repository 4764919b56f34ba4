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


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def main() -> int:
    # The machine may be shared: the load average before and after goes into the results.
    load_before = _load()
    out = ROOT / "results" / "latest.json"
    # `python -m bench.run NAME …` re-measures only those and keeps the other figures.
    only = [name for name in sys.argv[1:] if name in ORDER]
    results: dict[str, object] = json.loads(out.read_text()) if only and out.exists() else {}
    for name in ORDER:
        if not (ROOT / f"{name}.py").exists() or (only and name not in only):
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
        "load": f"{load_before} before, {_load()} after (1/5/15 min)",
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out}")
    from bench import chart

    chart.main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
