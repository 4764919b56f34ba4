"""A statistical identifier recognizer: a linear-chain CRF over word tokens (CRFsuite).

The rule recognizers of `identifiers.py` are precise on the phrasings they were written for and
blind to the rest ("seen by Kowalczyk", "pt from Weymouth"). This model reads the same text as
a sequence of tokens and tags each one (BIO) as NAME, LOCATION, DATE, AGE, PHONE or ID from
features that generalise: the word's shape, case and affixes, whether it is on the Census name
lists, the GeoNames town list or the English word lists, and its neighbours. It knows nothing
of the rules, so the two err differently; `find_identifiers` takes the union of both.

The model is trained offline by `python -m bedside.screening.train identifiers` on the PhysioNet deid
development notes (../shared/data/phi-physionet-dev) and shipped as
`data/identifiers.crfsuite`; nothing is downloaded at run time. If the file is missing (a
checkout that has not trained one) the rules work alone.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

MODEL = "data/identifiers.crfsuite"
# letters (with inner apostrophes), digit runs with their letters ("1990s", "2nd", "10am"), or one
# other non-space character
_TOKEN = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?|\d+[A-Za-z]*|[^\w\s]")
_SHAPE_TABLE = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "X" * 26 + "x" * 26 + "d" * 10,
)
_TRIGGERS = frozenset(
    """dr dr. doctor mr mrs ms miss md rn np pa son daughter wife husband sister brother mother
    father mom dad friend pcp nurse from to at in transferred transfer hospital rehab home
    lives pager beeper call cell phone dob born age yo aged year years old on since""".split()
)


def _shape(word: str) -> str:
    """Collapsed character classes: "McDonald" -> "XxXx", "617" -> "d", "O'Neil" -> "X'Xx"."""
    out: list[str] = []
    for char in word.translate(_SHAPE_TABLE):
        if not out or out[-1] != char:
            out.append(char)
    return "".join(out)


@lru_cache(maxsize=1)
def _lexicons() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    from bedside.screening import identifiers as ids

    firsts, _lasts = ids._name_lists()  # fills _RAW_LASTS, every listed surname (a superset of _lasts)
    singles, _, worded, seconds = ids._us_places()
    return firsts, frozenset(ids._RAW_LASTS), ids._popular_firsts(), singles | worded, frozenset(seconds)


def tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


class _Word:
    """What the features need of one word form, worked out once per form (`_word`)."""

    __slots__ = ("base", "low", "near", "trigger")

    def __init__(self, word: str) -> None:
        from bedside.screening.identifiers import _is_common

        firsts, lasts, popular, places, place_firsts = _lexicons()
        low = self.low = word.lower()
        flags = ""
        if word[0].isalpha():
            flags += "F" if low in firsts else ""
            flags += "P" if low in popular else ""
            flags += "L" if low in lasts else ""
            flags += "G" if low in places or low in place_firsts else ""
            flags += "C" if len(low) > 1 and _is_common(low) else ""
        lex = flags or "-"
        shape = _shape(word)
        base = ["b", "w=" + low, "s=" + shape, "p3=" + low[:3], "x3=" + low[-3:], "x2=" + low[-2:], "lex=" + lex, "len=" + str(min(len(word), 8))]
        if word.istitle():
            base.append("title")
        elif word.isupper() and len(word) > 1:
            base.append("upper")
        self.base = tuple(base)
        self.trigger = "win-trig=" + low if low in _TRIGGERS else None
        # as a neighbour at offset -2, -1, +1, +2
        self.near = {}
        for d in (-2, -1, 1, 2):
            near = [f"{d}w={low}", f"{d}lex={lex}"]
            if d in (-1, 1):
                near.append(f"{d}s={shape}")
                if low in _TRIGGERS:
                    near.append(f"{d}trig={low}")
            self.near[d] = tuple(near)


@lru_cache(maxsize=200_000)
def _word(word: str) -> _Word:
    return _Word(word)


_EDGE = {d: (f"{d}w=<edge>",) for d in (-2, -1, 1, 2)}


def _line_start(text: str, start: int) -> bool:
    """Whether the token at START begins a line (after at most two blanks of indentation)."""
    if start == 0 or text[start - 1] == "\n":
        return True
    return start >= 2 and not text[start - 2 : start].strip() and "\n" in text[max(0, start - 3) : start]


def features(text: str, toks: list[tuple[int, int, str]]) -> list[list[str]]:
    """One feature list per token (strings; CRFsuite weighs each as 1)."""
    info = [_word(t[2]) for t in toks]
    n = len(toks)
    per: list[list[str]] = []
    for i, (start, _end, _word_text) in enumerate(toks):
        here = info[i]
        feats = list(here.base)
        if _line_start(text, start):
            feats.append("bol")
        for d in (-2, -1, 1, 2):
            j = i + d
            feats.extend(info[j].near[d] if 0 <= j < n else _EDGE[d])
        if i > 0:
            feats.append(f"-1w|w={info[i - 1].low}|{here.low}")
        if i + 1 < n:
            feats.append(f"w|+1w={here.low}|{info[i + 1].low}")
        feats.extend(t for t in (w.trigger for w in info[max(0, i - 4) : i]) if t is not None)
        per.append(feats)
    return per


def bio_tags(toks: list[tuple[int, int, str]], spans: list[tuple[int, int, str]]) -> list[str]:
    """BIO tag per token from character spans (start, end, category); a token overlapping a span
    takes its category."""
    tags = ["O"] * len(toks)
    if not spans:
        return tags
    spans = sorted(spans)
    k = 0
    previous = None
    for i, (start, end, _) in enumerate(toks):
        while k < len(spans) and spans[k][1] <= start:
            k += 1
        if k < len(spans) and spans[k][0] < end:
            span = spans[k]
            tags[i] = ("I-" if previous == span else "B-") + span[2]
            previous = span
        else:
            previous = None
    return tags


def spans_from_tags(toks: list[tuple[int, int, str]], tags: list[str]) -> list[tuple[int, int, str]]:
    """Character spans (start, end, category) of the tagged tokens: an I- tag right after a tag of
    the same category extends that span, anything else starts one."""
    out: list[tuple[int, int, str]] = []
    previous = "O"
    for (start, end, _), tag in zip(toks, tags, strict=True):
        if tag != "O":
            if tag.startswith("I-") and previous[2:] == tag[2:]:
                out[-1] = (out[-1][0], end, tag[2:])
            else:
                out.append((start, end, tag[2:]))
        previous = tag
    return out


class Tagger:
    """A CRFsuite model file, opened once per thread (CRFsuite taggers are not thread-safe);
    shared by this module and the comment classifier (personal.py)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.local = threading.local()

    def get(self) -> Any:
        """This thread's `pycrfsuite.Tagger` on the file."""
        tagger = getattr(self.local, "tagger", None)
        if tagger is None:
            import pycrfsuite

            tagger = pycrfsuite.Tagger()
            tagger.open(self.path)
            self.local.tagger = tagger
        return tagger

    def tag(self, items: list[list[str]]) -> list[str]:
        return list(self.get().tag(items))


def shipped(name: str) -> Tagger | None:
    """The model file NAME (e.g. "data/personal.crfsuite") of this package, or None when it or
    CRFsuite is missing: the patterns then work alone."""
    try:
        import pycrfsuite  # noqa: F401
    except ImportError:  # pragma: no cover - a dependency; guarded so the patterns still run
        return None
    path = Path(str(resources.files("bedside.screening").joinpath(name)))
    return Tagger(str(path)) if path.exists() else None


class Model:
    """A model file NAME of this package, opened on first use (None when it or CRFsuite is
    missing: the patterns then work alone); `swapped(path)` uses another file inside a block
    (evaluation: a model trained on one half only)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._override: Tagger | None = None

    @cached_property
    def _shipped(self) -> Tagger | None:
        return shipped(self.name)

    def tagger(self) -> Tagger | None:
        return self._override or self._shipped

    @contextmanager
    def swapped(self, path: Path) -> Iterator[None]:
        previous, self._override = self._override, Tagger(str(path))
        try:
            yield
        finally:
            self._override = previous


_MODEL = Model(MODEL)
model_file = _MODEL.swapped  # tag with the model in PATH inside the block


def available() -> bool:
    return _MODEL.tagger() is not None


def predict(text: str) -> list[tuple[int, int, str]]:
    """Identifier spans (start, end, category) the model finds in TEXT."""
    tagger = _MODEL.tagger()
    if tagger is None or not text:
        return []
    toks = tokens(text)
    if not toks:
        return []
    return spans_from_tags(toks, tagger.tag(features(text, toks)))
