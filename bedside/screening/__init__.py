"""Pure-Python text screening (no Django imports): urgency, crisis and their reasons.

This is the first, rule-based cut used by the foundation; the triage issue replaces the
lexicon with a ConText-based pipeline and an evaluated development set.
"""

from bedside.screening.engine import Reason, Screening, screen

__all__ = ["Reason", "Screening", "screen"]
