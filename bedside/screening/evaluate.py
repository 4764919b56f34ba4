"""`make eval`: score the screening engine on the labelled development set.

The set (bedside/screening/data/dev.jsonl) holds {"id", "text", "urgency", "crisis"} per line.
Ids starting with "ho-" are the held-out part: written last, after the engine's first cut, and
never looked at item by item while tuning — only their totals are printed. The tuning part
("dev-") is printed with its errors when `--errors` is given.

    python -m bedside.screening.evaluate [--errors] [--file PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bedside.screening.engine import EMERGENCY, ROUTINE, URGENT, screen

DATA = Path(__file__).resolve().parent / "data" / "dev.jsonl"
CLASSES = [EMERGENCY, URGENT, ROUTINE]
HOLDOUT_PREFIX = "ho-"


@dataclass
class Scores:
    n: int
    per_class: dict[str, dict[str, float]]
    crisis: dict[str, float]
    confusion: dict[str, dict[str, int]]
    routine_flagged_emergency: float
    errors: list[dict[str, Any]]


def load(path: Path = DATA) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}


def score(items: list[dict[str, Any]]) -> Scores:
    confusion = {gold: dict.fromkeys(CLASSES, 0) for gold in CLASSES}
    crisis_tp = crisis_fp = crisis_fn = 0
    errors = []
    for item in items:
        result = screen(item["text"], "message")
        confusion[item["urgency"]][result.urgency] += 1
        gold_crisis = bool(item["crisis"])
        crisis_tp += gold_crisis and result.crisis
        crisis_fp += (not gold_crisis) and result.crisis
        crisis_fn += gold_crisis and not result.crisis
        if result.urgency != item["urgency"] or result.crisis != gold_crisis:
            errors.append(
                {
                    "id": item["id"],
                    "gold": f"{item['urgency']}{'+crisis' if gold_crisis else ''}",
                    "got": f"{result.urgency}{'+crisis' if result.crisis else ''}",
                    "reasons": [f"{r.label}:{item['text'][r.start:r.end]}" for r in result.reasons],
                    "text": item["text"],
                }
            )
    per_class = {}
    for cls in CLASSES:
        tp = confusion[cls][cls]
        fp = sum(confusion[gold][cls] for gold in CLASSES if gold != cls)
        fn = sum(confusion[cls][pred] for pred in CLASSES if pred != cls)
        per_class[cls] = _prf(tp, fp, fn)
    routine_total = sum(confusion[ROUTINE].values())
    flagged = confusion[ROUTINE][EMERGENCY] / routine_total if routine_total else 0.0
    return Scores(len(items), per_class, _prf(crisis_tp, crisis_fp, crisis_fn), confusion, flagged, errors)


def split(items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    tuning = [i for i in items if not str(i["id"]).startswith(HOLDOUT_PREFIX)]
    held_out = [i for i in items if str(i["id"]).startswith(HOLDOUT_PREFIX)]
    return tuning, held_out


def report(name: str, scores: Scores) -> str:
    lines = [f"== {name} ({scores.n} messages)", f"{'class':<10} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>7}"]
    for cls in CLASSES:
        m = scores.per_class[cls]
        lines.append(f"{cls:<10} {m['precision']:>9.3f} {m['recall']:>7.3f} {m['f1']:>6.3f} {int(m['support']):>7}")
    c = scores.crisis
    lines.append(f"{'crisis':<10} {c['precision']:>9.3f} {c['recall']:>7.3f} {c['f1']:>6.3f} {int(c['support']):>7}")
    lines.append("confusion (rows = gold, columns = predicted):")
    lines.append(f"{'':<10} " + " ".join(f"{p:>9}" for p in CLASSES))
    for gold in CLASSES:
        lines.append(f"{gold:<10} " + " ".join(f"{scores.confusion[gold][p]:>9}" for p in CLASSES))
    lines.append(f"routine flagged emergency: {scores.routine_flagged_emergency:.1%}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--errors", action="store_true", help="list the tuning part's misclassified messages")
    parser.add_argument("--file", type=Path, default=DATA)
    args = parser.parse_args(argv)
    items = load(args.file)
    tuning, held_out = split(items)
    tuning_scores = score(tuning)
    print(report("development (tuning part)", tuning_scores))
    if held_out:
        print()
        print(report("held-out part (written last, not tuned on)", score(held_out)))
    print()
    print(report("all", score(items)))
    print("\ntargets: emergency recall >= 0.98, crisis recall >= 0.98, routine flagged emergency <= 5%")
    if args.errors:
        print()
        for error in tuning_scores.errors:
            print(json.dumps(error, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
