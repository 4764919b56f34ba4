"""Train the screening models offline and write them into bedside/screening/data/.

    python -m bedside.screening.train identifiers [--half tune|all] [--physionet DIR] [--out PATH]
    python -m bedside.screening.train personal [--part tuning|all] [--out PATH]
    python -m bedside.screening.train drugs [--out PATH]

`identifiers` (ner.py, data/identifiers.crfsuite): a CRF over word tokens, trained on the
PhysioNet deid development notes (odd-numbered patients), every gold span mapped to our
categories by `evaluate.GOLD_CATEGORY`. `--half tune` trains on the tune half only (patients
1, 5, 9, …) — what `make eval` does to score the check half; the shipped model uses `--half all`.

`personal` (personal.py, data/personal.crfsuite): the comment classifier, trained on the comment
sets (data/comments*.jsonl). `--part tuning` leaves out the held-out parts (ids starting with
"ho-") — what `make eval` does to score them; the shipped model uses `--part all`.

`drugs` (disclosure.drug_words, data/drugs.txt): not a model but the drug vocabulary, the
one-word generic and brand names of the `drug-named-entity-recognition` package (MIT; DrugBank,
MeSH, Wikipedia and NHS names) less English words and first names. Needs that package
(`pip install -e ".[vocab]"`); the list is shipped, so nothing else does.

Both models are deterministic: CRFsuite's L-BFGS with fixed regularisation, no random state.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from bedside.screening import ner, personal
from bedside.screening.evaluate import (
    COMMENT_FILES,
    GOLD_CATEGORY,
    PHYSIONET,
    load,
    load_physionet,
    physionet_half,
    split,
)

DATA = Path(__file__).resolve().parent


def identifier_sequences(folder: Path, half: str) -> list[tuple[list[list[str]], list[str]]]:
    notes, gold = load_physionet(folder)
    out = []
    for key, text in sorted(notes.items()):
        if half != "all" and physionet_half(key[0]) != half:
            continue
        toks = ner.tokens(text)
        if toks:
            out.append((ner.features(text, toks), ner.bio_tags(toks, gold.get(key, []))))
    return out


SYNTHETIC = tuple(sorted(DATA.glob("data/synthetic_notes*.jsonl")))
_MARK = re.compile(r"\[\[(\w+)\|(.*?)\]\]", re.S)


def unmark(marked: str) -> tuple[str, list[tuple[int, int, str]]]:
    """A synthetic note's text and spans from its inline markup ("wife [[RelativeProxyName|Adela]]
    called"), categories mapped as the gold standard's are (`evaluate.GOLD_CATEGORY`)."""
    parts: list[str] = []
    spans: list[tuple[int, int, str]] = []
    length = last = 0
    for m in _MARK.finditer(marked):
        parts.append(marked[last : m.start()])
        length += m.start() - last
        category = GOLD_CATEGORY.get(m.group(1))
        if category is None:
            raise ValueError(f"unknown category {m.group(1)!r} in synthetic note markup")
        spans.append((length, length + len(m.group(2)), category))
        parts.append(m.group(2))
        length += len(m.group(2))
        last = m.end()
    parts.append(marked[last:])
    return "".join(parts), spans


def synthetic_sequences(paths: tuple[Path, ...] = SYNTHETIC) -> list[tuple[list[list[str]], list[str]]]:
    """Training sequences from the synthetic nursing notes (data/synthetic_notes*.jsonl): written
    in the style of the tune half's notes, with identifiers marked inline, to show the model
    more contexts than 82 patients' notes hold."""
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            text, spans = unmark(json.loads(line)["text"])
            toks = ner.tokens(text)
            if toks:
                out.append((ner.features(text, toks), ner.bio_tags(toks, spans)))
    return out


def labelled_comments(part: str) -> list[tuple[list[str], dict[str, Any]]]:
    """(features, item) for the comments of PART ("tuning": the tuning parts only; "all": held-out
    parts too), the features computed once for every model trained on them."""
    out: list[tuple[list[str], dict[str, Any]]] = []
    for path in COMMENT_FILES:
        tuning, held_out = split(load(path))
        out.extend((personal.features(item["text"]), item) for item in tuning + (held_out if part == "all" else []))
    return out


def personal_sequences(part: str, comments: list[tuple[list[str], dict[str, Any]]] | None = None) -> list[tuple[list[list[str]], list[str]]]:
    """The comments of PART (or COMMENTS, already read) as one-item sequences labelled neither /
    disclosure / advice / both."""
    return [
        ([found], [personal.label_of(bool(item["health_disclosure"]), bool(item["advice_request"]))])
        for found, item in (labelled_comments(part) if comments is None else comments)
    ]


def crisis_sequences(part: str, comments: list[tuple[list[str], dict[str, Any]]] | None = None) -> list[tuple[list[list[str]], list[str]]]:
    """The comments of PART (or COMMENTS) as one-item sequences labelled crisis (C) or not (N)."""
    return [([found], ["C" if item.get("crisis") else "N"]) for found, item in (labelled_comments(part) if comments is None else comments)]


def train(sequences: list[tuple[list[list[str]], list[str]]], out: Path, *, c1: float = 0.05, c2: float = 0.01, iterations: int = 200) -> None:
    """L1 (C1) drops features that never help, which keeps the model small; L2 (C2) smooths."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for items, labels in sequences:
        trainer.append(items, labels)
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": iterations, "feature.possible_transitions": True})
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))


def train_crisis(part: str, out: Path, comments: list[tuple[list[str], dict[str, Any]]] | None = None) -> int:
    """Train the crisis classifier on PART (or COMMENTS) into OUT; return how many comments it read."""
    return _train_comment_model(crisis_sequences(part, comments), out)


def train_personal(part: str, out: Path, comments: list[tuple[list[str], dict[str, Any]]] | None = None) -> int:
    """Train the comment classifier on PART (or COMMENTS) into OUT; return how many comments it read."""
    return _train_comment_model(personal_sequences(part, comments), out)


def _train_comment_model(sequences: list[tuple[list[list[str]], list[str]]], out: Path) -> int:
    """The comment models' settings: chosen by leaving one genre out (docs/screening.md)."""
    train(sequences, out, c1=0.05, c2=0.2, iterations=300)
    return len(sequences)


# drug names that are also ordinary words in comments (British spellings the word list lacks)
_NOT_DRUGS = frozenset({"armour", "colour", "flavour", "honour", "humour", "favour", "labour", "rumour", "vapour", "odour"})


def drug_words() -> list[str]:
    """The one-word drug names of drug-named-entity-recognition, less English words and first names."""
    import bz2
    import pickle
    from importlib import resources

    from bedside.screening.identifiers import _is_common, _name_lists

    # the package's own dictionary (its import also builds n-gram tables we do not need)
    source = resources.files("drug_named_entity_recognition") / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(str(source), "rb") as f:
        variants = pickle.load(f)["drug_variant_to_canonical"]  # noqa: S301 - the installed package's own file
    firsts, _ = _name_lists()
    return sorted(
        w for w in variants
        if re.fullmatch(r"[a-z][a-z0-9-]{3,}", w) and not _is_common(w) and w not in firsts and w not in _NOT_DRUGS
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="model", required=True)
    ids = sub.add_parser("identifiers")
    ids.add_argument("--half", choices=("tune", "all"), default="all")
    ids.add_argument("--physionet", type=Path, default=PHYSIONET)
    ids.add_argument("--out", type=Path, default=DATA / ner.MODEL)
    per = sub.add_parser("personal")
    per.add_argument("--part", choices=("tuning", "all"), default="all")
    per.add_argument("--out", type=Path, default=DATA / personal.MODEL)
    cri = sub.add_parser("crisis")
    cri.add_argument("--part", choices=("tuning", "all"), default="all")
    cri.add_argument("--out", type=Path, default=DATA / personal.CRISIS_MODEL)
    drugs = sub.add_parser("drugs")
    drugs.add_argument("--out", type=Path, default=DATA / "data" / "drugs.txt")
    args = parser.parse_args(argv)
    if args.model == "drugs":
        try:
            words = drug_words()
        except ModuleNotFoundError:
            print('needs the drug-named-entity-recognition package: pip install -e ".[vocab]"', file=sys.stderr)
            return 2
        from importlib.metadata import version

        header = (
            f"# One-word drug names (generic and brand), from drug-named-entity-recognition {version('drug-named-entity-recognition')}\n"
            "# (MIT, Fast Data Science; DrugBank, MeSH, Wikipedia and NHS names), less English words and first names.\n"
            "# Written by `python -m bedside.screening.train drugs`.\n"
        )
        args.out.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
        print(f"wrote {len(words):,} drug names to {args.out}")
        return 0
    if args.model == "identifiers":
        if not (args.physionet / "id.text").exists():
            print(f"PhysioNet notes not found in {args.physionet}", file=sys.stderr)
            return 2
        sequences = identifier_sequences(args.physionet, args.half)
        synthetic = synthetic_sequences()
        train(sequences + synthetic, args.out)
        what = f"{len(sequences)} notes ({args.half}) and {len(synthetic)} synthetic notes"
    elif args.model == "crisis":
        what = f"{train_crisis(args.part, args.out)} comments ({args.part})"
    else:
        what = f"{train_personal(args.part, args.out)} comments ({args.part})"
    print(f"trained on {what}; wrote {args.out} ({args.out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
