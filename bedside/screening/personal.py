"""A statistical second opinion on public comments: does the writer disclose health information
(their own or a relative's), ask for personal advice, both, or neither?

The patterns of `disclosure.py` need the wording they were written for; people write "been
having heartburn every night for months, i take tums like candy" or "Hubby got his new knee in
the spring". This is a maximum-entropy (logistic regression) classifier over the comment's words
and word pairs, trained with CRFsuite on one-item sequences — a linear-chain CRF over a single
item is exactly multinomial logistic regression, so the identifier model's library serves both.
Four classes: N (neither), D (disclosure), A (advice request), DA (both).

How the engine uses it (`engine.screen`, kind "comment"):
- it raises a flag the patterns missed when its probability is above `RAISE` (0.7; a held
  comment costs a moderator a click, a published disclosure cannot be taken back) — disclosure
  or advice on its own, or the likelier of the two when the chance of either is above it;
- it would drop a pattern's disclosure or advice flag when its probability is below `VETO`;
  that is 0 (off): out of fold, a veto at 0.05 published twice as many personal comments as it
  kept general ones published (docs/screening.md has the cross-validation table).

Trained offline by `python -m bedside.screening.train personal` on the tuning parts of
the eight comment sets (data/comments*.jsonl; never their held-out parts) and shipped as
`data/personal.crfsuite`. Without the file the patterns work alone.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from bedside.screening.ner import Tagger, shipped

MODEL = "data/personal.crfsuite"
RAISE = 0.7
VETO = 0.0
LABELS = ("N", "D", "A", "DA")
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+|[?!]")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})


def label_of(health_disclosure: bool, advice_request: bool) -> str:
    return ("D" if health_disclosure else "") + ("A" if advice_request else "") or "N"


def features(text: str) -> list[str]:
    """Lower-case words (numbers as "0") and adjacent word pairs, once each."""
    words = ["0" if w.isdigit() else w for w in _TOKEN.findall(text.lower().translate(_APOSTROPHES))]
    found = {"bias"}
    found.update("u=" + w for w in words)
    found.update(f"b={a}|{b}" for a, b in itertools.pairwise(words))
    return sorted(found)


@lru_cache(maxsize=1)
def _model() -> Tagger | None:
    return shipped(MODEL)


def probabilities(text: str) -> dict[str, float] | None:
    """{"health_disclosure", "advice_request", "personal": probability}, or None when no model
    ships. "personal" is disclosure or advice request or both."""
    model = _model()
    if model is None or not text.strip():
        return None
    tagger = model.get()
    tagger.set([features(text)])
    known = set(tagger.labels())
    p = {label: tagger.marginal(label, 0) if label in known else 0.0 for label in LABELS}
    return {
        "health_disclosure": p["D"] + p["DA"],
        "advice_request": p["A"] + p["DA"],
        "personal": p["D"] + p["A"] + p["DA"],
    }
