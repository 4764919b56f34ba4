"""Many regex alternatives matched at word starts, dispatched by the word found there.

Shared by the ConText engine (engine.py) and the comment signals (disclosure.py): one big
alternation tried at every position is slow in Python's `re`; `_Lexicon` tries at each word
start only the alternatives that can begin with that word.
"""

from __future__ import annotations

import re
from typing import Any

try:  # Python 3.11+
    from re._parser import parse as _sre_parse  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - older layouts
    from sre_parse import parse as _sre_parse  # type: ignore[no-redef]


def _split_top_level(pattern: str) -> list[str]:
    """Split a regex at its top-level `|` (outside groups and character classes)."""
    parts: list[str] = []
    current: list[str] = []
    depth, in_class, escaped = 0, False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]" or (bool(current) and current[-1] == "[")
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _first_chars(items: Any) -> tuple[set[str] | None, bool]:
    """Characters a parsed regex can start with (None: any) and whether it can match empty."""
    result: set[str] = set()
    for op, av in items:
        name = str(op)
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue  # zero-width
        if name == "LITERAL":
            return result | {chr(av)}, False
        if name == "IN":
            chars: set[str] = set()
            for sub_op, sub_av in av:
                sub = str(sub_op)
                if sub == "LITERAL":
                    chars.add(chr(sub_av))
                elif sub == "RANGE" and sub_av[1] - sub_av[0] < 128:
                    chars.update(chr(c) for c in range(sub_av[0], sub_av[1] + 1))
                elif sub == "CATEGORY" and str(sub_av) == "CATEGORY_DIGIT":
                    chars.update("0123456789")
                    chars.add("other")  # Unicode digits: dispatched with the other non-ASCII starts
                else:
                    return None, False
            return result | chars, False
        if name == "SUBPATTERN":
            first, nullable = _first_chars(av[-1])
        elif name == "BRANCH":
            first, nullable = set(), False
            for alternative in av[1]:
                alt_first, alt_nullable = _first_chars(alternative)
                if alt_first is None:
                    return None, False
                first |= alt_first
                nullable = nullable or alt_nullable
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            first, nullable = _first_chars(av[2])
            nullable = nullable or av[0] == 0
        else:
            return None, False
        if first is None:
            return None, False
        result |= first
        if not nullable:
            return result, False
    return result, True


_WORD_CHARS = re.compile(r"[\w']")


def _first_words(items: list[Any], prefix: str = "", budget: int = 400) -> set[str] | None:
    """The words a parsed regex can start with (lower case), or None when that is open-ended.

    "(?:kill|end)\\s+myself" gives {"kill", "end"}; "suicid\\w*" gives the stem {"suicid*"}
    (any word starting so); "\\w+ing" gives None.
    """
    if not items:
        return {prefix.lower()} if prefix else None
    op, av = items[0]
    rest = items[1:]
    name = str(op)
    if name in ("AT", "ASSERT", "ASSERT_NOT"):
        return _first_words(rest, prefix, budget)
    if name == "LITERAL":
        char = chr(av)
        if _WORD_CHARS.match(char):
            return _first_words(rest, prefix + char, budget)
        return {prefix.lower()} if prefix else None
    if name == "IN":
        chars = []
        for sub_op, sub_av in av:
            sub = str(sub_op)
            if sub == "LITERAL":
                chars.append(chr(sub_av))
            elif sub == "CATEGORY" and str(sub_av) == "CATEGORY_SPACE":
                chars.append(" ")
            else:
                return _stem(prefix)
        if all(not _WORD_CHARS.match(c) for c in chars):
            return {prefix.lower()} if prefix else None
        if any(not _WORD_CHARS.match(c) for c in chars) or len(chars) > 12:
            return _stem(prefix)
        return _union([_first_words(rest, prefix + c, budget) for c in chars], budget)
    if name == "SUBPATTERN":
        return _first_words(list(av[-1]) + rest, prefix, budget)
    if name == "BRANCH":
        return _union([_first_words(list(alternative) + rest, prefix, budget) for alternative in av[1]], budget)
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, high, sub = av
        sub_items = list(sub)
        is_space = len(sub_items) == 1 and (
            (str(sub_items[0][0]) == "IN" and all((str(o) == "CATEGORY" and str(a) == "CATEGORY_SPACE") or (str(o) == "LITERAL" and not _WORD_CHARS.match(chr(a))) for o, a in sub_items[0][1]))
            or (str(sub_items[0][0]) == "LITERAL" and not _WORD_CHARS.match(chr(sub_items[0][1])))
        )
        if is_space:
            if low >= 1 or not prefix:
                return {prefix.lower()} if prefix else _first_words(rest, prefix, budget) if low == 0 else None
            return _union([{prefix.lower()}, _first_words(rest, prefix, budget)], budget)
        if high == 1:
            options = [_first_words(sub_items + rest, prefix, budget)]
            if low == 0:
                options.append(_first_words(rest, prefix, budget))
            return _union(options, budget)
        return _stem(prefix)
    return _stem(prefix)


def _stem(prefix: str) -> set[str] | None:
    """A word prefix long enough to dispatch on ("suicid*"), or None."""
    return {prefix.lower() + "*"} if len(prefix) >= 3 else None


def _union(options: list[set[str] | None], budget: int) -> set[str] | None:
    merged: set[str] = set()
    for option in options:
        if option is None:
            return None
        merged |= option
    return merged if len(merged) <= budget else None


class _Lexicon:
    """Many alternatives matched at word starts, dispatched by the word found there.

    One big alternation tried at every position is slow in Python's `re`. Each alternative's
    possible first words are worked out from its parsed form; a word start then only tries
    the alternatives that can begin with that word (plus the open-ended ones that can begin
    with its first character), in their listed order, so that earlier alternatives (e.g.
    pseudo-triggers) win at the same position. Per-word patterns are compiled on first use.
    """

    def __init__(self, patterns: list[str]) -> None:
        self.branches: list[tuple[str, str]] = []  # (group name, regex)
        self.key_of: dict[str, int] = {}
        self.by_word: dict[str, list[int]] = {}
        self.by_stem: dict[str, list[int]] = {}  # first three letters of a stem -> alternatives
        self.open_by_char: dict[str, list[int]] = {}
        for index, pattern in enumerate(patterns):
            for branch in _split_top_level(pattern):
                number = len(self.branches)
                name = f"b{number}"
                self.key_of[name] = index
                self.branches.append((name, branch))
                tree = _sre_parse(branch, re.IGNORECASE)
                if tree.state.groups > 1:  # group 0 is the whole match; the dispatch names its own
                    raise ValueError(f"pattern {index} has capturing groups: {pattern[:40]}")
                parsed = list(tree)
                words = _first_words(parsed)
                if words:
                    for word in words:
                        if word.endswith("*"):
                            self.by_stem.setdefault(word[:3], []).append(number)
                        else:
                            self.by_word.setdefault(word, []).append(number)
                    continue
                first, nullable = _first_chars(parsed)
                chars = None if nullable or first is None else {c.lower() for c in first}
                for char in chars if chars is not None else [chr(c) for c in range(32, 127)] + ["other"]:
                    self.open_by_char.setdefault(char, []).append(number)

        # Compiled on first use (and cached by alternative set): compiling ~1,750 patterns at import
        # cost every web worker, task worker and command about a second at start-up.
        self._compiled: dict[tuple[int, ...], re.Pattern[str]] = {}
        self._dispatch: dict[str, tuple[re.Pattern[str], ...]] = {}

    def _patterns_for(self, word: str) -> tuple[re.Pattern[str], ...]:
        """The compiled patterns a word start has to try (memoised per word)."""
        found = self._dispatch.get(word)
        if found is None:
            candidates = (
                self._compile(self.by_word.get(word, [])),
                self._compile(self.by_stem.get(word[:3], [])),
                self._compile(self.open_by_char.get(word[0], self.open_by_char.get("other", []))),
            )
            found = tuple(p for p in candidates if p is not None)
            if len(self._dispatch) > 200_000:
                self._dispatch.clear()
            self._dispatch[word] = found
        return found

    def precompile(self) -> None:
        """Compile every per-word pattern now: for a long-running screener (`bedside screen`),
        which would otherwise pay each compilation on the first line that needs it."""
        for numbers in (*self.by_word.values(), *self.by_stem.values(), *self.open_by_char.values()):
            self._compile(numbers)

    def _compile(self, numbers: list[int]) -> re.Pattern[str] | None:
        if not numbers:
            return None
        numbers = sorted(set(numbers))
        key = tuple(numbers)
        if key in self._compiled:
            return self._compiled[key]
        parts = [f"(?P<{self.branches[n][0]}>{self.branches[n][1]})" for n in numbers]
        self._compiled[key] = re.compile(r"(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)
        return self._compiled[key]

    def find(self, text: str, words: list[tuple[int, str]]) -> list[tuple[int, int, int]]:
        """(pattern index, start, end) of the match at each word start, if any."""
        found = []
        dispatch = self._dispatch
        for position, word in words:
            # the alternatives for the word, for its stem and the open-ended ones for its first
            # character; the earliest-listed alternative that matches wins, as in one alternation
            patterns = dispatch.get(word)
            if patterns is None:
                patterns = self._patterns_for(word)
            if not patterns:
                continue
            best = None
            for pattern in patterns:
                match = pattern.match(text, position)
                if match is not None and match.lastgroup is not None:
                    number = int(match.lastgroup[1:])
                    if best is None or number < best[0]:
                        best = (number, match.end())
            if best is not None:
                found.append((self.key_of[f"b{best[0]}"], position, best[1]))
        return found


def by_first_letter(vocabulary: str) -> str:
    """Regroup a big `(?:a|b|…)` alternation by first letter behind a lookahead, so `re` skips
    whole groups on one character test instead of trying hundreds of words in turn."""
    inner = vocabulary[3:-1] if vocabulary.startswith("(?:") and vocabulary.endswith(")") else vocabulary
    groups: dict[str, list[str]] = {}
    for alternative in _split_top_level(inner):
        first = alternative[:1].lower()
        groups.setdefault(first if first.isalpha() else "", []).append(alternative)
    parts = [f"(?={key})(?:{'|'.join(alts)})" for key, alts in groups.items() if key]
    parts += groups.get("", [])
    return "(?:" + "|".join(parts) + ")"
