"""`make eval`: score the screening engine on the labelled development set.

Messages: the set (bedside/screening/data/dev.jsonl) holds {"id", "text", "urgency", "crisis"} per line.
Ids starting with "ho-" are the held-out part: written last, after the engine's first cut, and
never looked at item by item while tuning — only their totals are printed. The tuning part
("dev-") is printed with its errors when `--errors` is given.

Comments: the sets of COMMENT_SETS, data/comments.jsonl (first author) and 34 more by authors
who never saw the patterns (docs/screening.md) — publish/hold/reject decisions and the advice,
disclosure, identifier and spam flags; "ho-" ids are the held-out parts, which the patterns
were not tuned on; they are scored with a comment classifier trained here on the tuning parts
only (the shipped one has read them too).

Identifiers on real clinical notes: the PhysioNet deid gold standard in
../shared/data/phi-physionet-dev (or --physionet), split by patient into tune and check halves.

    python -m bedside.screening.evaluate [--errors] [--file PATH] [--comments PATH] [--physionet DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bedside.screening import personal
from bedside.screening.engine import EMERGENCY, ROUTINE, URGENT, screen
from bedside.screening.identifiers import find_identifiers

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


# --- public comments (data/comments*.jsonl) --------------------------------------------------
COMMENT_DIR = Path(__file__).resolve().parent / "data"
# Each set, by its author: after the first, every author was a helper agent shown only the labelling
# rules, never the patterns or another set (docs/screening.md has the genres and their figures).
COMMENT_SETS = (
    ("comments.jsonl", "first author"),
    ("comments_ext.jsonl", "second author"),
    # public health questions as asked on Q&A sites and forums; blog and news comment sections
    ("comments_q.jsonl", "third author (health Q&A)"),
    ("comments_y.jsonl", "fourth author (health Q&A)"),
    ("comments_b.jsonl", "fifth author (blog and news comments)"),
    # sixth round
    ("comments_f.jsonl", "sixth author (patient groups)"),
    ("comments_t.jsonl", "seventh author (video and news comments)"),
    ("comments_k.jsonl", "eighth author (ask-the-doctor letters)"),
    # seventh round
    ("comments_m.jsonl", "ninth author (hospital page, second-language writers)"),
    ("comments_s.jsonl", "tenth author (sports medicine and fitness)"),
    ("comments_w.jsonl", "eleventh author (women's and mental health)"),
    # eighth round, never used to tune a pattern
    ("comments_r.jsonl", "twelfth author (AskDocs-style posts)"),
    ("comments_e.jsonl", "thirteenth author (ageing and caregiving)"),
    ("comments_n.jsonl", "fourteenth author (nutrition, weight loss, skin)"),
    # ninth round
    ("comments_h.jsonl", "fifteenth author (search-box health questions)"),
    ("comments_p.jsonl", "sixteenth author (a practice's social pages and reviews)"),
    ("comments_d.jsonl", "seventeenth author (physician blogs and medical news)"),
    # tenth round
    ("comments_g.jsonl", "eighteenth author (newspaper health-section readers)"),
    ("comments_u.jsonl", "nineteenth author (parenting forums)"),
    ("comments_l.jsonl", "twentieth author (questions to a health-information service)"),
    # eleventh round
    ("comments_o.jsonl", "twenty-first author (cancer blogs and communities)"),
    ("comments_i.jsonl", "twenty-second author (diabetes, heart and kidney communities)"),
    ("comments_z.jsonl", "twenty-third author (local community groups)"),
    # twelfth round
    ("comments_v.jsonl", "twenty-fourth author (drug reviews and medication pages)"),
    ("comments_j.jsonl", "twenty-fifth author (social-media replies to physicians)"),
    ("comments_a.jsonl", "twenty-sixth author (chronic and invisible illness communities)"),
    # thirteenth round (the alphabet used up: two-letter ids)
    ("comments_dn.jsonl", "twenty-seventh author (dental, eye and hearing practices)"),
    ("comments_rc.jsonl", "twenty-eighth author (addiction and recovery)"),
    ("comments_mf.jsonl", "twenty-ninth author (memorials, farewells, fundraisers on practice pages)"),
    # fourteenth round
    ("comments_sx.jsonl", "thirtieth author (sexual, LGBTQ+ and men's health)"),
    ("comments_va.jsonl", "thirty-first author (veterans' and military health)"),
    ("comments_tl.jsonl", "thirty-second author (telehealth and patient-portal reviews)"),
    # fifteenth round
    ("comments_ot.jsonl", "thirty-third author (orthopaedic FAQs and physical therapy)"),
    ("comments_tn.jsonl", "thirty-fourth author (teenagers and young adults writing themselves)"),
    ("comments_bl.jsonl", "thirty-fifth author (a community health center's page, English and Spanish)"),
    # sixteenth round
    ("comments_ph.jsonl", "thirty-sixth author (a county public-health department's posts)"),
    ("comments_sl.jsonl", "thirty-seventh author (sleep, allergy, asthma and ENT practice pages)"),
    ("comments_pf.jsonl", "thirty-eighth author (pregnancy, fertility, postpartum and newborn care)"),
    # seventeenth round
    ("comments_nr.jsonl", "thirty-ninth author (a neurology practice: migraine, epilepsy, MS, Parkinson's, stroke, concussion)"),
    ("comments_gi.jsonl", "fortieth author (a gastroenterology and urology practice)"),
    ("comments_rv.jsonl", "forty-first author (insurance, pharmacy, billing and walk-in clinic reviews)"),
    # eighteenth round
    ("comments_mh.jsonl", "forty-second author (a mental-health and therapy practice)"),
    ("comments_em.jsonl", "forty-third author (urgent-care and emergency-medicine education pages)"),
    ("comments_rl.jsonl", "forty-fourth author (a rural practice: farm, outdoor and work health)"),
)
COMMENT_FILES = tuple(COMMENT_DIR / name for name, _ in COMMENT_SETS)
COMMENT_AUTHORS = tuple(author for _, author in COMMENT_SETS)
COMMENTS, COMMENTS_EXT = COMMENT_FILES[:2]


@dataclass
class CommentScores:
    n: int
    personal_published: float  # gold identifiers or health disclosure, decided "publish"
    personal_n: int
    general_published: float  # gold ordinary general comments, decided "publish"
    general_n: int
    advice: dict[str, float]
    spam: dict[str, float]
    disclosure: dict[str, float]
    identifiers: dict[str, float]
    urgent_held: float
    urgent_n: int
    decision_accuracy: float
    errors: list[dict[str, Any]]


def score_comments(items: list[dict[str, Any]]) -> CommentScores:
    """Score moderation decisions and flags on labelled comments.

    Flags are scored on every item except emergencies and crises (gold `urgent`), which are
    labelled for urgency only and held whatever else they contain.
    """
    counts = {k: [0, 0, 0] for k in ("advice", "spam", "disclosure", "identifiers")}  # tp, fp, fn
    personal = personal_pub = general = general_pub = urgent = urgent_held = correct = 0
    errors = []
    for item in items:
        result = screen(item["text"], "comment")
        got = {
            "advice": result.advice_request,
            "spam": result.spam,
            "disclosure": result.health_disclosure,
            "identifiers": bool(result.identifiers),
        }
        gold = {
            "advice": bool(item["advice_request"]),
            "spam": bool(item["spam"]),
            "disclosure": bool(item["health_disclosure"]),
            "identifiers": bool(item["identifiers"]),
        }
        if not item["urgent"]:
            for key in counts:
                if key == "identifiers" and gold["spam"]:
                    continue  # spam is rejected whatever it holds; its links are not scored
                counts[key][0] += gold[key] and got[key]
                counts[key][1] += (not gold[key]) and got[key]
                counts[key][2] += gold[key] and not got[key]
        if gold["identifiers"] or gold["disclosure"]:
            personal += 1
            personal_pub += result.decision == "publish"
        if item["type"] == "G":
            general += 1
            general_pub += result.decision == "publish"
        # some authors label a crisis `urgent` too, others `crisis` only: both are counted here
        if item["urgent"] or item.get("crisis"):
            urgent += 1
            urgent_held += result.decision == "hold"
        correct += result.decision == item["decision"]
        if result.decision != item["decision"] or (not item["urgent"] and got != gold):
            errors.append(
                {
                    "id": item["id"],
                    "gold": item["decision"] + " " + ",".join(k for k, v in gold.items() if v),
                    "got": result.decision + " " + ",".join(k for k, v in got.items() if v),
                    "reasons": [f"{r.label}:{item['text'][r.start:r.end]}" for r in result.reasons],
                    "identifiers": [f"{i.category}:{item['text'][i.start:i.end]}" for i in result.identifiers],
                    "text": item["text"],
                }
            )
    n = len(items)
    return CommentScores(
        n,
        personal_pub / personal if personal else 0.0,
        personal,
        general_pub / general if general else 1.0,
        general,
        _prf(*counts["advice"]),
        _prf(*counts["spam"]),
        _prf(*counts["disclosure"]),
        _prf(*counts["identifiers"]),
        urgent_held / urgent if urgent else 1.0,
        urgent,
        correct / n if n else 1.0,
        errors,
    )


def report_comments(name: str, s: CommentScores) -> str:
    lines = [
        f"== comments: {name} ({s.n})",
        f"identifiers or health disclosure published: {s.personal_published:.1%} of {s.personal_n}   (target <= 1%)",
        f"ordinary general comments published:       {s.general_published:.1%} of {s.general_n}   (target >= 90%)",
        f"emergencies and crises held:                {s.urgent_held:.1%} of {s.urgent_n}",
        f"decision accuracy (publish/hold/reject):    {s.decision_accuracy:.1%}",
        f"{'flag':<18} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>7}",
    ]
    for key, m in (("advice_request", s.advice), ("health_disclosure", s.disclosure), ("identifiers", s.identifiers), ("spam", s.spam)):
        lines.append(f"{key:<18} {m['precision']:>9.3f} {m['recall']:>7.3f} {m['f1']:>6.3f} {int(m['support']):>7}")
    return "\n".join(lines)


# --- identifiers on real clinical notes (PhysioNet deid gold standard) ------------------------
PHYSIONET = Path(os.environ.get("BEDSIDE_PHYSIONET_DIR", Path(__file__).resolve().parents[3] / "shared" / "data" / "phi-physionet-dev"))
GOLD_CATEGORY = {
    "Date": "DATE",
    "DateYear": "DATE",
    "HCPName": "NAME",
    "PTName": "NAME",
    "PTNameInitial": "NAME",
    "RelativeProxyName": "NAME",
    "Location": "LOCATION",
    "Phone": "PHONE",
    "Age": "AGE",
    "Other": "ID",
}
_RECORD = re.compile(r"START_OF_RECORD=(\d+)\|\|\|\|(\d+)\|\|\|\|\n(.*?)\|\|\|\|END_OF_RECORD", re.S)


def load_physionet(folder: Path = PHYSIONET) -> tuple[dict[tuple[int, int], str], dict[tuple[int, int], list[tuple[int, int, str]]]]:
    """Notes by (patient, note) and their gold spans (start, end, our category)."""
    notes = {(int(m.group(1)), int(m.group(2))): m.group(3) for m in _RECORD.finditer((folder / "id.text").read_text(encoding="utf-8"))}
    gold: dict[tuple[int, int], list[tuple[int, int, str]]] = {}
    for line in (folder / "id-phi.phrase").read_text(encoding="utf-8").splitlines():
        parts = line.split(" ", 5)
        if len(parts) >= 5:
            gold.setdefault((int(parts[0]), int(parts[1])), []).append((int(parts[2]), int(parts[3]), GOLD_CATEGORY[parts[4]]))
    return notes, gold


def physionet_half(patient: int) -> str:
    """Fixed split of the (odd-numbered) patients: 1, 5, 9, … tune; 3, 7, 11, … check."""
    return "tune" if (patient // 2) % 2 == 0 else "check"


def score_physionet(notes: dict[tuple[int, int], str], gold: dict[tuple[int, int], list[tuple[int, int, str]]], *, model: bool = True) -> dict[str, dict[str, float]]:
    """Recall and precision per category, by overlap.

    A gold span is found when some predicted span (of any category) overlaps it; precision is
    the share of predicted spans that overlap some gold span. Gold ages exist only over 89
    (HIPAA), so the recognizers run in clinical mode (`find_identifiers(clinical=True)`).
    """
    tp: dict[str, int] = {}
    fn: dict[str, int] = {}
    hit: dict[str, int] = {}
    predicted: dict[str, int] = {}
    for key, text in notes.items():
        spans = gold.get(key, [])
        found = find_identifiers(text, clinical=True, model=model)
        for start, end, category in spans:
            into = tp if any(p.start < end and start < p.end for p in found) else fn
            into[category] = into.get(category, 0) + 1
        for p in found:
            predicted[p.category] = predicted.get(p.category, 0) + 1
            if any(p.start < end and start < p.end for start, end, _ in spans):
                hit[p.category] = hit.get(p.category, 0) + 1
    out = {}
    for category in sorted(set(tp) | set(fn) | set(predicted)):
        support = tp.get(category, 0) + fn.get(category, 0)
        out[category] = {
            "recall": tp.get(category, 0) / support if support else float("nan"),
            "precision": hit.get(category, 0) / predicted[category] if predicted.get(category) else float("nan"),
            "support": support,
            "predicted": predicted.get(category, 0),
        }
    support = sum(tp.values()) + sum(fn.values())
    total_predicted = sum(predicted.values())
    out["overall"] = {
        "recall": sum(tp.values()) / support if support else float("nan"),
        "precision": sum(hit.values()) / total_predicted if total_predicted else float("nan"),
        "support": support,
        "predicted": total_predicted,
    }
    return out


def report_physionet(name: str, n_notes: int, scores: dict[str, dict[str, float]]) -> str:
    lines = [f"== PhysioNet identifiers: {name} ({n_notes} notes)", f"{'category':<10} {'recall':>7} {'precision':>9} {'gold':>6} {'predicted':>9}"]
    for category, m in scores.items():
        lines.append(f"{category:<10} {m['recall']:>7.3f} {m['precision']:>9.3f} {int(m['support']):>6} {int(m['predicted']):>9}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--errors", action="store_true", help="list the tuning part's misclassified messages")
    parser.add_argument("--file", type=Path, default=DATA)
    parser.add_argument("--comments", type=Path, default=COMMENTS)
    parser.add_argument("--comments-ext", type=Path, default=COMMENTS_EXT)
    parser.add_argument("--physionet", type=Path, default=PHYSIONET, help="folder with id.text and id-phi.phrase")
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

    # the shipped classifier learnt from the held-out parts too: score with one that did not
    with tempfile.TemporaryDirectory() as scratch:
        disclosure_model, crisis_model = tuning_classifiers(Path(scratch))
        with personal.model_file(disclosure_model), personal.crisis_model_file(crisis_model):
            _comments(args)
    _physionet(args)
    return 0


def tuning_classifiers(folder: Path) -> tuple[Path, Path]:
    """The comment classifier and the crisis classifier trained on the tuning parts only (a few
    seconds; the features computed once for both), in FOLDER."""
    from bedside.screening import train

    comments = train.labelled_comments("tuning")
    disclosure_model, crisis_model = folder / "personal-tuning.crfsuite", folder / "crisis-tuning.crfsuite"
    n = train.train_personal("tuning", disclosure_model, comments)
    train.train_crisis("tuning", crisis_model, comments)
    print(f"\ncomments scored with the classifiers trained on the tuning parts only ({n} comments)", flush=True)
    return disclosure_model, crisis_model


def _comments(args: argparse.Namespace) -> None:
    everything: list[dict[str, Any]] = []
    held_everything: list[dict[str, Any]] = []
    files = (args.comments, args.comments_ext, *COMMENT_FILES[2:])
    for path, name in zip(files, COMMENT_AUTHORS, strict=True):
        if not path.exists():
            continue
        comments = load(path)
        everything += comments
        comment_tuning, comment_held = split(comments)
        held_everything += comment_held
        comment_scores = score_comments(comment_tuning)
        print()
        print(report_comments(f"{path.name}, {name}, tuning part", comment_scores))
        if comment_held:
            print()
            print(report_comments(f"{path.name}, {name}, held-out part (never tuned or trained on)", score_comments(comment_held)))
        if args.errors:
            print()
            for error in comment_scores.errors:
                print(json.dumps(error, ensure_ascii=False))
    print()
    print(report_comments("all held-out parts", score_comments(held_everything)))
    print()
    print(report_comments("all comments", score_comments(everything)))


def _physionet(args: argparse.Namespace) -> None:
    if (args.physionet / "id.text").exists():
        notes, gold = load_physionet(args.physionet)
        # the shipped model learnt from both halves: score with one trained on the tune half only
        with tempfile.TemporaryDirectory() as scratch:
            from bedside.screening import ner, train

            model = Path(scratch) / "tune.crfsuite"
            print("\ntraining the identifier model on the tune half and the synthetic notes (about two minutes)…", flush=True)
            train.train(train.identifier_sequences(args.physionet, "tune") + train.synthetic_sequences(), model)
            for half in ("tune", "check"):
                part = {k: v for k, v in notes.items() if physionet_half(k[0]) == half}
                for label, kwargs in (("rules and model", {}), ("rules alone", {"model": False})):
                    with ner.model_file(model):
                        scores = score_physionet(part, gold, **kwargs)
                    print()
                    print(report_physionet(f"{half} half (patients {'1, 5, 9' if half == 'tune' else '3, 7, 11'}, …), {label}", len(part), scores))
        print("\ntarget: recall >= 0.97 at precision >= 0.85 (deid.pl: 0.967 / 0.749); a gold span counts as found when a predicted span overlaps it")
    else:
        print(f"\nPhysioNet notes not found in {args.physionet}: identifier evaluation skipped")


if __name__ == "__main__":
    sys.exit(main())
