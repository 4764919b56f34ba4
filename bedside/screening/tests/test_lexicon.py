"""The word-dispatched lexicon finds exactly what one big alternation tried at every word finds."""

from __future__ import annotations

import re

import pytest

from bedside.screening import engine
from bedside.screening.evaluate import load


def _naive(patterns: list[str], text: str, words: list[tuple[int, str]]) -> list[tuple[int, int, int]]:
    """At every word start, the first listed alternative (branch by branch) that matches."""
    branches = [
        (index, re.compile(r"(?:" + branch + r")(?!\w)", re.IGNORECASE))
        for index, pattern in enumerate(patterns)
        for branch in engine._split_top_level(pattern)
    ]
    found = []
    for position, _ in words:
        for index, compiled in branches:
            match = compiled.match(text, position)
            if match:
                found.append((index, position, match.end()))
                break
    return found


@pytest.mark.parametrize("which", ["targets", "modifiers"])
def test_dispatch_equals_naive_matching(which: str) -> None:
    patterns = [t[1] for t in engine._TARGETS] if which == "targets" else [m[1] for m in engine._MODIFIERS]
    lexicon = engine._TARGETS_LEXICON if which == "targets" else engine._MODIFIERS_LEXICON
    items = load()[::5]
    for item in items:
        text = engine._normalise(item["text"])
        words = [(m.start(), m.group().lower()) for m in engine._WORD.finditer(text)]
        assert lexicon.find(text, words) == _naive(patterns, text, words), item["id"]


def test_first_words() -> None:
    parse = engine._sre_parse
    assert engine._first_words(list(parse(r"(?:kill|end)\s+myself", re.IGNORECASE))) == {"kill", "end"}
    assert engine._first_words(list(parse(r"can'?t\s+breathe", re.IGNORECASE))) == {"can't", "cant"}
    assert engine._first_words(list(parse(r"suicid\w*", re.IGNORECASE))) == {"suicid*"}
    assert engine._first_words(list(parse(r"\w+ing", re.IGNORECASE))) is None


def test_split_top_level_respects_groups_and_classes() -> None:
    assert engine._split_top_level(r"a|(?:b|c)|[|]d") == ["a", "(?:b|c)", "[|]d"]
