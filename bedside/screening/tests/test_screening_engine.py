"""Rule-based red-flag screening: urgency, crisis, reasons with spans, clause-local negation."""

from __future__ import annotations

import pytest

from bedside.screening import screen


@pytest.mark.parametrize(
    ("text", "urgency", "labels"),
    [
        ("I have crushing chest pain and can't breathe", "emergency", {"chest_pain", "breathing"}),
        ("no chest pain, just a refill question", "routine", set()),
        ("No chest pain, but I can't breathe", "emergency", {"breathing"}),
        ("My dad had a seizure last year, I need a refill", "routine", set()),
        ("What if I get chest pain on the new pills?", "routine", set()),
        ("I've had a fever since Tuesday", "urgent", {"fever"}),
        ("The incision is red and oozing", "urgent", {"wound_redness"}),
        ("Please reschedule my appointment", "routine", set()),
        ("", "routine", set()),
    ],
)
def test_urgency_and_reasons(text, urgency, labels):
    result = screen(text, "message")
    assert result.urgency == urgency
    assert {r.label for r in result.reasons} == labels
    for reason in result.reasons:
        assert 0 <= reason.start < reason.end <= len(text)


def test_crisis_language_sets_crisis():
    result = screen("I want to die, I took the whole bottle", "message")
    assert result.urgency == "emergency" and result.crisis
    assert not screen("My knee hurts", "message").crisis


def test_reason_spans_point_at_the_words():
    text = "Since this morning: crushing chest pain."
    [reason] = [r for r in screen(text).reasons if r.label == "chest_pain"]
    assert "chest pain" in text[reason.start:reason.end]


def test_reasons_are_sorted_by_position():
    result = screen("I can't breathe and have chest pain")
    starts = [r.start for r in result.reasons]
    assert starts == sorted(starts) and len(starts) == 2
