"""Pure-Python text screening (no Django imports): urgency, crisis, identifiers, moderation.

`screen(text, kind)` runs the ConText pipeline of `engine.py` (a red-flag lexicon with
negation, historical, hypothetical and family-history modifiers); `bedside screen` (cli.py)
streams it over JSON Lines; `python -m bedside.screening.evaluate` (`make eval`) scores it on
the labelled development set in data/dev.jsonl. See docs/screening.md.
"""

from bedside.screening.engine import HOLD, PUBLISH, REJECT, Reason, Screening, decide, screen
from bedside.screening.identifiers import CATEGORIES, Identifier, find_identifiers, redact

__all__ = ["CATEGORIES", "HOLD", "PUBLISH", "REJECT", "Identifier", "Reason", "Screening", "decide", "find_identifiers", "redact", "screen"]
