"""A statistical second opinion on public comments: does the writer disclose health information
(their own or a relative's), ask for personal advice, both, or neither?

The patterns of `disclosure.py` need the wording they were written for; people write "been
having heartburn every night for months, i take tums like candy" or "Hubby got his new knee in
the spring". This is a maximum-entropy (logistic regression) classifier over the comment's words
and word pairs, trained with CRFsuite on one-item sequences — a linear-chain CRF over a single
item is exactly multinomial logistic regression, so the identifier model's library serves both.
Four classes: N (neither), D (disclosure), A (advice request), DA (both).

How the engine uses it (`engine.screen`, kind "comment"):
- it raises a flag the patterns missed when its probability is above `RAISE` (0.5; a held
  comment costs a moderator a click, a published disclosure cannot be taken back) — disclosure
  or advice on its own, or the likelier of the two when the chance of either is above it;
- it would drop a pattern's disclosure or advice flag when its probability is below `VETO`;
  that is 0 (off): out of fold, a veto at 0.05 published twice as many personal comments as it
  kept general ones published (docs/screening.md has the cross-validation table).

Trained offline by `python -m bedside.screening.train personal` on every comment set
(data/comments*.jsonl), held-out parts included, and shipped as `data/personal.crfsuite`;
without the file the patterns work alone. The held-out parts are scored (`make eval`) with a
model trained on the tuning parts only (`model_file`), as the identifier model is scored on
the PhysioNet check half.

Besides the words, each sentence is read through the disclosure vocabulary's word classes
(relative, condition, medication, procedure, result, symptom, body): "my mum has been on
warfarin for years" also yields "my|<REL>", "on|<MED>" and "relative + medication in one
sentence". Words tie the model to the genres it was trained on; the classes carry what it
learnt about one drug or condition to every other the vocabulary knows. Left one genre out at a
time (train on ten tuning parts, score the eleventh), the classifier on its own let through
20.5 % of the personal comments instead of 27.4 %, publishing 97.7 % instead of 97.3 % of the
general ones (docs/screening.md).
"""

from __future__ import annotations

import itertools
import re

from bedside.screening import disclosure
from bedside.screening.ner import Model

MODEL = "data/personal.crfsuite"
RAISE = 0.5
VETO = 0.0
# A second model on the same features: is the comment a suicide or self-harm crisis, the writer's or
# someone else's? The crisis lexicon (engine.py) needs the wording it was written for; people write
# "the life insurance would do my family more good than I ever did". Left one round of authors out at a
# time, the lexicon flagged 149 of 186 labelled crises in the tuning parts and the lexicon or this model
# above CRISIS_RAISE 170, for 4 more false flags in 6,706 other comments (docs/screening.md).
CRISIS_MODEL = "data/crisis.crfsuite"
CRISIS_RAISE = 0.5
LABELS = ("N", "D", "A", "DA")
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+|[?!]")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})


def label_of(health_disclosure: bool, advice_request: bool) -> str:
    return ("D" if health_disclosure else "") + ("A" if advice_request else "") or "N"


# The disclosure vocabulary as word classes, tried in this order at each position.
_CLASSES = (
    ("REL", disclosure.RELATIVE),
    ("COND", disclosure.CONDITION),
    ("MED", disclosure.MEDICATION),
    ("PROC", disclosure.PROCEDURE),
    ("RES", disclosure.RESULT),
    ("SYM", disclosure.SYMPTOM),
    ("BODY", disclosure.BODY),
)
_CLASS = re.compile("|".join(rf"(?P<{name}>\b{pattern}\b)" for name, pattern in _CLASSES), re.IGNORECASE)
# "the US" is the country, as the patterns read it (disclosure._PERSON), not "us"
_THE_US = re.compile(r"\bUS\b")
_FIRST_PERSON = frozenset({"i", "i'm", "im", "i've", "ive", "i'd", "me", "my", "myself", "mine"})
_WE = frozenset({"we", "our", "us", "we're", "we've"})
_YOU = frozenset({"you", "your", "you're", "yours"})
_SPAN_OF_TIME = re.compile(
    r"\b(?:\d+|a|few|couple|several|two|three|four|five|six)\s+(?:of\s+)?(?:days?|weeks?|months?|years?|yrs?|hours?)\b"
    r"|\bago\b|\bsince\b|\blast\s+(?:week|month|year|night)\b|\byesterday\b|\bthis\s+morning\b"
)
_LONG_WORD = re.compile(r"[a-z]{6,}")
_DOSE = re.compile(r"\b\d+(?:\.\d+)?\s*(?:mg|mcg|ml|units?|iu|%|mmol|mg/dl)\b")


def features(text: str) -> list[str]:
    """Lower-case words (numbers as "0"), the first five letters of longer ones, adjacent word
    pairs, and per sentence its word classes, who it is about and their combinations, once each."""
    low = _THE_US.sub("usa", text).lower().translate(_APOSTROPHES)
    words = _words(low)
    found = {"bias"}
    found.update("u=" + w for w in words)
    # the first five letters of longer words: "diagnosed", "diagnosis" and "diagnoses" share what they teach
    found.update("p=" + w[:5] for w in _LONG_WORD.findall(low))
    found.update(f"b={a}|{b}" for a, b in itertools.pairwise(words))
    for sentence in disclosure.SENTENCE.findall(low):
        found.update(_sentence_classes(sentence))
    return sorted(found)


def _sentence_classes(sentence: str) -> set[str]:
    """The SENTENCE's word classes ("c=MED"), pairs of a word and a class ("a=on|<MED>"), whom it
    is about ("w=I", "w=MYREL", "w=Q" for a question) and each of those with each class
    ("s=MYREL+MED", "s=I+H" for any health class)."""
    sequence: list[str] = []
    classes: set[str] = set()
    position = 0
    for m in _CLASS.finditer(sentence):
        sequence += _words(sentence[position : m.start()])
        name = m.lastgroup or ""
        sequence.append(f"<{name}>")
        classes.add(name)
        position = m.end()
    sequence += _words(sentence[position:])
    # any of some 30,000 drug names is a medication too ("on accutane", "my propranolol")
    drugs = disclosure.drug_words()
    if any(w in drugs for w in sequence):
        sequence = ["<MED>" if w in drugs else w for w in sequence]
        classes.add("MED")
    present = set(sequence)
    who = set()
    # "correct me if I'm wrong", "I learned a lot about statins": the writer, not their health
    if present & _FIRST_PERSON and not disclosure.only_reading(sentence):
        who.add("I")
    if present & _WE:
        who.add("WE")
    if present & _YOU:
        who.add("YOU")
    if "<REL>" in present and present & {"my", "our"}:
        who.add("MYREL")
    if "?" in present:
        who.add("Q")
    if _SPAN_OF_TIME.search(sentence):
        classes.add("TIME")
    if _DOSE.search(sentence):
        classes.add("DOSE")
    health = bool(classes - {"REL", "TIME"})
    out = {"c=" + c for c in classes}
    for person in who:
        out.add("w=" + person)
        out.update(f"s={person}+{c}" for c in classes)
        if health:
            out.add(f"s={person}+H")
    if "Q" in who and health:
        out.update(f"s=Q+{person}+H" for person in who - {"Q"})
    out.update(f"a={a}|{b}" for a, b in itertools.pairwise(sequence) if a[0] == "<" or b[0] == "<")
    return out


def _words(text: str) -> list[str]:
    """Lower-case TEXT's words, numbers as "0"."""
    return ["0" if w.isdigit() else w for w in _TOKEN.findall(text)]


_MODEL = Model(MODEL)
model_file = _MODEL.swapped  # classify with the model in PATH inside the block (make eval)
_CRISIS_MODEL = Model(CRISIS_MODEL)
crisis_model_file = _CRISIS_MODEL.swapped


def probabilities(text: str) -> dict[str, float] | None:
    """{"health_disclosure", "advice_request", "personal", "crisis": probability}, or None when no
    comment classifier ships. "personal" is disclosure or advice request or both; "crisis" is 0
    when the crisis model does not ship. The features are computed once for both models."""
    model = _MODEL.tagger()
    if model is None or not text.strip():
        return None
    found = features(text)
    tagger = model.get()
    tagger.set([found])
    known = set(tagger.labels())
    p = {label: tagger.marginal(label, 0) if label in known else 0.0 for label in LABELS}
    crisis = 0.0
    crisis_model = _CRISIS_MODEL.tagger()
    if crisis_model is not None:
        crisis_tagger = crisis_model.get()
        crisis_tagger.set([found])
        crisis = crisis_tagger.marginal("C", 0) if "C" in crisis_tagger.labels() else 0.0
    return {
        "health_disclosure": p["D"] + p["DA"],
        "advice_request": p["A"] + p["DA"],
        "personal": p["D"] + p["A"] + p["DA"],
        "crisis": crisis,
    }
