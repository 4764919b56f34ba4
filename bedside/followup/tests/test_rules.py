"""The plan's rules and how the answers read to the screening engine."""

from __future__ import annotations

from decimal import Decimal

from bedside.followup.rules import Answers, RuleSpec, answers_text, higher, rules_urgency
from bedside.screening import screen

KNEE_RULES = [
    RuleSpec("breathing", None, "emergency"),
    RuleSpec("calf", None, "urgent"),
    RuleSpec("fever", Decimal("38.0"), "urgent"),
    RuleSpec("pain", Decimal(8), "urgent"),
    RuleSpec("wound", None, "routine"),
]


def answers(**changes: object) -> Answers:
    base: dict[str, object] = {"pain": 3, "fever": False, "temperature_c": None, "wound": False, "calf": False,
                               "breathing": False, "notes": ""}
    base.update(changes)
    return Answers(**base)  # type: ignore[arg-type]


def test_calf_pain_is_urgent_and_breathing_an_emergency():
    assert rules_urgency(KNEE_RULES, answers(calf=True)) == ("urgent", ["calf"])
    assert rules_urgency(KNEE_RULES, answers(breathing=True, calf=True)) == ("emergency", ["breathing", "calf"])


def test_fever_threshold_pain_threshold_and_nothing():
    assert rules_urgency(KNEE_RULES, answers(fever=True, temperature_c=Decimal("38.0")))[0] == "urgent"
    assert rules_urgency(KNEE_RULES, answers(fever=True, temperature_c=Decimal("37.9")))[0] == "routine"
    assert rules_urgency(KNEE_RULES, answers(fever=True))[0] == "urgent"  # no thermometer: the "yes" counts
    assert rules_urgency(KNEE_RULES, answers(temperature_c=Decimal("38.6")))[0] == "urgent"  # the reading counts
    assert rules_urgency(KNEE_RULES, answers(pain=8))[0] == "urgent"
    assert rules_urgency(KNEE_RULES, answers(pain=7)) == ("routine", [])
    assert rules_urgency(KNEE_RULES, answers(wound=True)) == ("routine", ["wound"])


def test_higher_keeps_the_more_urgent():
    assert higher("routine", "urgent") == "urgent"
    assert higher("emergency", "urgent") == "emergency"
    assert higher("routine", "routine") == "routine"


def test_negative_answers_read_as_negated_to_the_screening_engine():
    text = answers_text(day=3, answers=answers(temperature_c=Decimal("37.2"), notes="Walking with a frame."))
    assert "No calf pain or swelling." in text and "No fever. Temperature 37.2 °C." in text
    assert screen(text, "message").urgency == "routine"


def test_positive_answers_reach_the_screening_engine():
    assert screen(answers_text(day=1, answers=answers(breathing=True)), "message").urgency == "emergency"
    assert screen(answers_text(day=1, answers=answers(notes="I have crushing chest pain")), "message").urgency == "emergency"


def test_answers_round_trip():
    original = answers(fever=True, temperature_c=Decimal("38.4"), notes="ok")
    assert Answers.from_dict(original.as_dict()) == original
