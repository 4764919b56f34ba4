"""Rule-based red-flag screening with clause-local negation.

Negation is checked only inside the clause that holds the finding ("no chest pain, but I
can't breathe" still flags breathing), which is the ConText idea in its simplest form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

EMERGENCY = "emergency"
URGENT = "urgent"
ROUTINE = "routine"

# (label, pattern, level, crisis)
_RULES: list[tuple[str, str, str, bool]] = [
    ("chest_pain", r"chest (?:pain|pressure|tightness)|crushing (?:pain|pressure)", EMERGENCY, False),
    ("breathing", r"(?:can ?not|can'?t|cannot|unable to|trouble|difficulty|hard to|struggling to) breath(?:e|ing)?|short(?:ness)? of breath|gasping", EMERGENCY, False),
    ("stroke_signs", r"face (?:is )?droop\w*|slurred speech|arm (?:is )?(?:weak|numb)\w*|sudden confusion|one side of (?:my|his|her) (?:body|face)", EMERGENCY, False),
    ("severe_bleeding", r"(?:won'?t|will not|can'?t) stop bleeding|bleeding (?:heavily|a lot)|severe bleeding|soaked through", EMERGENCY, False),
    ("anaphylaxis", r"throat (?:is )?(?:closing|swelling)|tongue (?:is )?swelling|anaphyla\w*", EMERGENCY, False),
    ("unconscious", r"passed out|unconscious|unresponsive|fainted|won'?t wake up", EMERGENCY, False),
    ("seizure", r"seizure|convuls\w*", EMERGENCY, False),
    ("overdose", r"overdos\w*|took (?:the )?(?:whole|entire) bottle|took too many (?:pills|tablets)|poison\w*", EMERGENCY, True),
    ("suicidal", r"suicid\w*|kill (?:my ?self|myself)|end (?:it all|my life)|want to die|better off dead|self[- ]harm|hurt(?:ing)? myself|cutting myself", EMERGENCY, True),
    ("worst_headache", r"worst headache", EMERGENCY, False),
    ("pregnancy_bleeding", r"pregnan\w*[^.!?]{0,40}bleed\w*|bleed\w*[^.!?]{0,40}pregnan\w*", EMERGENCY, False),
    ("infant_fever", r"(?:baby|infant|newborn)[^.!?]{0,40}(?:fever|temperature)|(?:fever|temperature)[^.!?]{0,40}(?:baby|infant|newborn)", EMERGENCY, False),
    ("severe_abdominal_pain", r"(?:severe|excruciating|unbearable|worst) (?:abdominal|stomach|belly) pain", EMERGENCY, False),
    ("fever", r"\bfever\b|temperature of 10[1-5]", URGENT, False),
    ("wound_redness", r"(?:spreading|red|hot) (?:redness|streak\w*|wound|incision)|incision[^.!?]{0,30}(?:red|pus|oozing|opened)", URGENT, False),
    ("calf_pain", r"calf (?:pain|swelling|is swollen)|swollen calf", URGENT, False),
    ("vomiting", r"can'?t keep (?:anything|food|water|fluids) down|vomiting blood|throwing up blood", URGENT, False),
]
_COMPILED = [(label, re.compile(pattern, re.IGNORECASE), level, crisis) for label, pattern, level, crisis in _RULES]
_NEGATION = re.compile(
    r"\b(?:no|not|denies|deny|denied|without|never|negative for|free of|no longer|resolved)\b"
    r"|\b(?:if|what if|in case|should i)\b|\b(?:my (?:dad|mom|mother|father|grandma|grandpa|grandmother|grandfather|uncle|aunt) (?:had|has))\b"
    r"|\blast (?:year|month|week)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[.!?;\n]|,\s*(?:but|and)\b|\bbut\b")
_LEVELS = {EMERGENCY: 2, URGENT: 1, ROUTINE: 0}


@dataclass(frozen=True)
class Reason:
    label: str
    start: int
    end: int


@dataclass
class Screening:
    urgency: str = ROUTINE
    crisis: bool = False
    reasons: list[Reason] = field(default_factory=list)


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = 0
    for match in _CLAUSE_BREAK.finditer(text, 0, start):
        left = match.end()
    following = _CLAUSE_BREAK.search(text, end)
    return left, following.start() if following else len(text)


def _is_negated(text: str, start: int, end: int) -> bool:
    left, right = _clause_bounds(text, start, end)
    return bool(_NEGATION.search(text[left:start])) or bool(
        re.search(r"\b(?:last (?:year|month|week)|years ago|resolved|is gone|went away)\b", text[end:right], re.IGNORECASE)
    )


def screen(text: str, kind: str = "message") -> Screening:
    """Return the urgency, crisis flag and reasons (with character spans) found in TEXT."""
    result = Screening()
    for label, pattern, level, crisis in _COMPILED:
        for match in pattern.finditer(text):
            if _is_negated(text, match.start(), match.end()):
                continue
            result.reasons.append(Reason(label, match.start(), match.end()))
            if _LEVELS[level] > _LEVELS[result.urgency]:
                result.urgency = level
            result.crisis = result.crisis or crisis
    result.reasons.sort(key=lambda r: (r.start, r.end))
    return result
