"""The reply linter (pure Python) and the safe highlighter."""

from __future__ import annotations

from bedside.moderation.highlight import highlight
from bedside.moderation.linter import lint_reply


def _codes(text: str, **kwargs: object) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for f in lint_reply(text, **kwargs):  # type: ignore[arg-type]
        found.setdefault(f.code, []).append(text[f.start : f.end])
    return found


def test_patient_specific_advice_is_flagged_with_spans() -> None:
    found = _codes("You should stop your metformin. Take 500 mg twice a day. It sounds like you have gastritis.")
    assert found["directive"] == ["You should stop"]
    assert found["dose"] == ["500 mg twice a day"]
    assert found["diagnosis"] == ["It sounds like you have"]
    assert found["no_physician"] == [""] and found["no_resource"] == [""]


def test_more_directives_and_diagnoses() -> None:
    assert "directive" in _codes("Stop taking your lisinopril for now.")
    assert "directive" in _codes("Don't take your insulin tonight.")
    assert "diagnosis" in _codes("You probably have a UTI.")
    assert "diagnosis" in _codes("You have tendinitis.")
    assert "diagnosis" in _codes("Your symptoms mean your thyroid is low.")


def test_general_compliant_reply_is_clean() -> None:
    text = ("Thanks for the question. If you have diabetes, talk with your own doctor before changing any medicine. "
            "MedlinePlus explains the basics: https://medlineplus.gov/diabetes.html")
    assert lint_reply(text) == []


def test_trusted_resources_come_from_the_practice_library() -> None:
    text = "Please see your own doctor. More: https://www.cdc.gov/flu/ and https://miracle-cure.example/x"
    found = _codes(text, trusted_urls=["https://www.cdc.gov/flu/index.html"])
    assert found == {"untrusted_link": ["https://miracle-cure.example/x"]}
    assert "no_resource" in _codes("Please see your own doctor. https://www.cdc.gov/", trusted_urls=["https://medlineplus.gov/"])


def test_highlight_escapes_text_and_labels() -> None:
    html = str(highlight('<b onclick="x">Ann</b> at 555-201-7788', [(15, 18, "NAME"), (26, 38, "PHONE")]))
    assert "<b onclick" not in html and "&lt;b onclick=&quot;x&quot;&gt;" in html
    assert '<mark class="flag" title="name">Ann' in html
    assert '<mark class="flag" title="phone">555-201-7788' in html
    assert str(highlight("plain", [(10, 20, "NAME")])) == "plain"
