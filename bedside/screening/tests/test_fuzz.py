"""Property tests: screening never crashes and its spans always point into the text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bedside.screening import screen

# words the lexicon reacts to, mixed into arbitrary unicode so that findings (and their spans)
# actually occur in the generated texts
FRAGMENTS = [
    "chest pain", "can't breathe", "no ", "not ", "denies ", "if ", "my dad had ", "last year", "suicide",
    "kill myself", "fever", "baby", "pregnant", "bleeding", "surgery", "İ", "ß", "ﬁ", "’", "\n", ". ", ", but ",
    "🙂", "\u0301", "\x00", "ǅ", "ΐ", "K", "ﬀ",
]
texts = st.lists(st.one_of(st.text(max_size=40), st.sampled_from(FRAGMENTS)), max_size=30).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, st.sampled_from(["message", "comment"]))
def test_screen_never_crashes_and_spans_are_in_bounds(text: str, kind: str) -> None:
    result = screen(text, kind)
    assert result.urgency in {"emergency", "urgent", "routine"}
    assert isinstance(result.crisis, bool)
    assert result.crisis <= (result.urgency == "emergency")
    for reason in result.reasons:
        assert 0 <= reason.start < reason.end <= len(text)
        assert text[reason.start:reason.end]
        assert text[reason.start:reason.end].strip()
    assert [r.start for r in result.reasons] == sorted(r.start for r in result.reasons)
    if result.urgency != "routine":
        assert result.reasons


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_unicode(text: str) -> None:
    result = screen(text)
    for reason in result.reasons:
        assert 0 <= reason.start < reason.end <= len(text)


def test_offsets_survive_characters_whose_lower_case_is_longer() -> None:
    # "İ".lower() has two code points; matching must not shift offsets
    text = "İİİ chest pain"
    [reason] = screen(text).reasons
    assert text[reason.start:reason.end] == "chest pain"


def test_long_repetitive_input_is_screened_in_linear_time() -> None:
    """Thousands of findings in one text (a pasted log, a spam comment) must not go quadratic."""
    import time

    text = "bleeding, pregnant, fever after surgery, no chest pain. " * 2000
    started = time.perf_counter()
    result = screen(text)
    assert time.perf_counter() - started < 10  # about 0.5 s here; the quadratic version took minutes
    assert result.urgency == "emergency"
    assert all(0 <= r.start < r.end <= len(text) for r in result.reasons)


COMMENT_FRAGMENTS = [
    "my ", "mom ", "has ", "cancer", "should I ", "stop ", "metformin", "?", "Dr. ", "Smith", "410-555-0187",
    "a@b.co", "www.x.shop", "12 Oak Street", "3/14", "June 5th", "I'm 67", "buy cheap ", "MRN 12345678",
    "St. Mary's Hospital", "İ", "ß", "’", "\n", ". ", "🙂", "\u0301", "\x00",
]
comment_texts = st.lists(st.one_of(st.text(max_size=30), st.sampled_from(COMMENT_FRAGMENTS)), max_size=30).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(comment_texts)
def test_comment_screening_never_crashes_and_offsets_are_in_bounds(text: str) -> None:
    from bedside.screening import find_identifiers, redact

    result = screen(text, "comment")
    assert result.decision in {"publish", "hold", "reject"}
    for ident in result.identifiers:
        assert 0 <= ident.start < ident.end <= len(text)
    for reason in result.reasons:
        assert 0 <= reason.start < reason.end <= len(text)
    for ident in find_identifiers(text, clinical=True):
        assert 0 <= ident.start < ident.end <= len(text)
    redacted = redact(text, result.identifiers)
    assert isinstance(redacted, str)
    if result.identifiers:
        assert f"[{result.identifiers[0].category}]" in redacted
