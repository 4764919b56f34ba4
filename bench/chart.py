"""Draw docs/performance.svg from bench/results/latest.json: each measure as a share of its target.

`python -m bench.chart` (after `make bench`). A bar at or beyond the 100 % line meets the target;
for "lower is better" measures the share is target / measured, so longer is better everywhere.
"""

from __future__ import annotations

import json
import sys
from html import escape
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "latest.json"
OUT = ROOT / "docs" / "performance.svg"

# (label, section, key, target, higher_is_better, unit)
MEASURES = [
    ("message_send rps", "message_send", "rps", 500.0, True, "req/s"),
    ("message_send p99", "message_send", "p99_ms", 100.0, False, "ms"),
    ("inbox p50 at 1M", "inbox", "p50_ms_1m", 50.0, False, "ms"),
    ("screening lines/s", "screening", "lines_per_s", 1000.0, True, "lines/s"),
    ("audit append/s", "audit", "append_per_s", 10000.0, True, "events/s"),
    ("audit verify 1M", "audit", "verify_1m_s", 10.0, False, "s"),
]


def bars(results: dict[str, Any]) -> list[tuple[str, float | None, str]]:
    out: list[tuple[str, float | None, str]] = []
    for label, section, key, target, higher, unit in MEASURES:
        value = results.get(section, {}).get(key)
        if not isinstance(value, int | float) or value <= 0:
            out.append((label, None, "not measured"))
            continue
        share = value / target if higher else target / value
        out.append((label, share, f"{value:,.1f} {unit} (target {'≥' if higher else '≤'} {target:,.0f})"))
    inbox = results.get("inbox", {})
    if isinstance(inbox.get("p50_ms_1m"), int | float) and isinstance(inbox.get("p50_ms_10k"), int | float):
        ratio = inbox["p50_ms_1m"] / max(inbox["p50_ms_10k"], 1e-9)
        out.append(("inbox 1M / 10k", 1.5 / ratio if ratio > 0 else None, f"{ratio:.2f}× (target ≤ 1.5×)"))
    return out


def svg(rows: list[tuple[str, float | None, str]], note: str) -> str:
    width, left, bar_max, row_h = 760, 170, 420, 30
    height = 60 + row_h * len(rows) + 30
    scale = bar_max / 2.0  # the axis runs to 200 % of target
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="13">',
        '<title>bedside make bench: each measure as a share of its target</title>',
        '<text x="10" y="22" font-size="15" font-weight="bold">make bench: share of target '
        '(100 % = target met; longer is better)</text>',
        f'<text x="10" y="42" fill="#555">{escape(note)}</text>',
    ]
    top = 55
    for i, (label, share, text) in enumerate(rows):
        y = top + i * row_h
        parts.append(f'<text x="{left - 8}" y="{y + 18}" text-anchor="end">{escape(label)}</text>')
        if share is None:
            parts.append(f'<text x="{left + 4}" y="{y + 18}" fill="#777">{escape(text)}</text>')
            continue
        length = max(2.0, min(share, 2.0) * scale)
        colour = "#2e7d32" if share >= 1 else "#c62828"
        parts.append(f'<rect x="{left}" y="{y + 5}" width="{length:.1f}" height="18" fill="{colour}"/>')
        parts.append(f'<text x="{left + length + 6:.1f}" y="{y + 18}">{share * 100:,.0f} % — {escape(text)}</text>')
    target_x = left + scale
    parts.append(f'<line x1="{target_x}" y1="{top}" x2="{target_x}" y2="{top + row_h * len(rows)}" '
                 'stroke="#000" stroke-dasharray="4 3"/>')
    parts.append(f'<text x="{target_x}" y="{top + row_h * len(rows) + 16}" text-anchor="middle">100 %</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main() -> int:
    if not RESULTS.exists():
        print("run `make bench` first", file=sys.stderr)
        return 1
    results = json.loads(RESULTS.read_text())
    meta = results.get("_meta", {})
    note = f"measured {meta.get('at', '?')} on {meta.get('cpus', '?')} CPUs; load average {meta.get('load', '?')}"
    OUT.write_text(svg(bars(results), note))
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
