"""Public-comment screening: disclosure vs general, advice vs general question, spam, decision."""

from __future__ import annotations

import json

import pytest

from bedside.screening import HOLD, PUBLISH, REJECT, Screening, decide, screen
from bedside.screening.cli import screen_record
from bedside.screening.evaluate import COMMENTS, load, score_comments


def _labels(text: str) -> set[str]:
    return {r.label for r in screen(text, "comment").reasons}


@pytest.mark.parametrize(
    "text",
    [
        "my A1C was 9.1 at my last checkup",
        "my mom has cervical cancer",
        "I was diagnosed with type 2 diabetes in March",
        "I've been on metformin for 3 years now",
        "my dad takes warfarin",
        "My knee has been swollen for two weeks",
        "our son has a peanut allergy",
        "my back hurts so much after sitting all day",
        # indirect phrasing: appositions, possessives, participles, relatives without "my"
        "As a type 1 diabetic for 20 years, I can tell you the CGM changed everything.",
        "Since my bypass in 2019 I walk every morning.",
        "Speaking as someone with MS, the fatigue section is spot on.",
        "Having lived with Crohn's since college, this rings true.",
        "My little girl was born with a hole in her heart.",
        "Two years post-transplant and feeling great.",
        "Diagnosed at 34 with early onset Parkinson's.",
        "I went through chemo twice, so I know what this feels like.",
        "Hubby had a stent put in last month.",
        "Currently in remission, knock on wood.",
        "Reading this from my hospital bed after my appendectomy.",
    ],
)
def test_health_disclosure(text: str) -> None:
    result = screen(text, "comment")
    assert result.health_disclosure
    assert result.decision == HOLD
    span = next(r for r in result.reasons if r.label == "health_disclosure")
    assert text[span.start : span.end].strip()


@pytest.mark.parametrize(
    "text",
    [
        "Diabetes is common in older adults.",
        "Loved this! Sharing with my mom who always asks about cholesterol.",
        "My favorite tip was the one about walking after meals.",
        "Bypass surgery has come a long way since the 1990s.",
        "Great article on A1C, thanks!",
        "What is the difference between type 1 and type 2 diabetes?",
        "I learned a lot from this, especially about insulin resistance.",
        "Is it true that dark chocolate is good for the heart?",
    ],
)
def test_general_statements_are_published(text: str) -> None:
    result = screen(text, "comment")
    assert not result.health_disclosure and not result.advice_request and not result.spam
    assert result.decision == PUBLISH


@pytest.mark.parametrize(
    "text",
    [
        "Should I stop my metformin before my colonoscopy?",
        "what dose of vitamin D should I take?",
        "Is this normal for me? I get dizzy after my walks.",
        "Can I drink alcohol while taking antibiotics?",
        "My A1C is 7.8, is that too high?",
        "please advise whether I can take melatonin with my blood pressure meds",
    ],
)
def test_advice_request(text: str) -> None:
    result = screen(text, "comment")
    assert result.advice_request and result.decision == HOLD
    assert "advice_request" in _labels(text)


@pytest.mark.parametrize("text", ["What is A1C?", "How does metformin work?", "Can antibiotics treat the flu?", "Where can I find the sodium content of restaurant meals?"])
def test_general_questions_are_not_advice_requests(text: str) -> None:
    assert not screen(text, "comment").advice_request


@pytest.mark.parametrize(
    "text",
    [
        "Buy cheap Viagra online, no prescription needed! www.bestpills-rx.shop",
        "Use my promo code HEALTH20 for 20% off the best keto pills!",
        "I made $5,000 a week working from home, check my profile.",
        "Contact Dr. Oyelami on WhatsApp, he cured my herpes with herbal medicine.",
        "http://a-deals.top http://b-deals.top http://c-deals.top",
    ],
)
def test_spam_is_rejected(text: str) -> None:
    result = screen(text, "comment")
    assert result.spam and result.decision == REJECT
    assert _labels(text) & {"spam", "promotion"}


def test_trusted_links_are_not_spam() -> None:
    result = screen("The CDC page at https://www.cdc.gov/flu explains it well.", "comment")
    assert not result.spam and result.decision == HOLD  # a URL is still an identifier category


def test_decision_rule() -> None:
    assert decide(Screening()) == PUBLISH
    assert decide(Screening(spam=True, health_disclosure=True)) == REJECT
    assert decide(Screening(advice_request=True)) == HOLD
    assert decide(Screening(health_disclosure=True)) == HOLD
    assert decide(Screening(urgency="urgent")) == HOLD
    assert decide(Screening(crisis=True, urgency="emergency")) == HOLD


def test_emergency_and_crisis_comments_are_held() -> None:
    assert screen("I'm having crushing chest pain right now", "comment").decision == HOLD
    result = screen("I have a plan to end it tonight.", "comment")
    assert result.crisis and result.decision == HOLD


PUBLIC = ("Dr. Alice Moreno", "Dr. Charlie Okafor, MD")


@pytest.mark.parametrize("text", [
    "Thank you Dr. Moreno, this was so clear!",
    "Great article Alice Moreno, sharing it with my running club.",
    "Thanks Dr Alice, great piece",
    "Dr. Okafor's series on knees is the best thing on the web.",
])
def test_public_clinician_names_alone_are_published(text: str) -> None:
    assert screen(text, "comment").decision == HOLD  # without knowing the names: held for the name
    result = screen(text, "comment", public_names=PUBLIC)
    assert result.identifiers == [] and result.decision == PUBLISH


@pytest.mark.parametrize(("text", "kept"), [
    ("Thank you Dr. Moreno for seeing my father last week.", "Moreno"),  # her patient: health information
    ("Dr. Charlie Okafor did my knee", "Okafor"),
    ("Dr. Moreno is our family doctor and the best", "Moreno"),
    ("My friend Alice says the article is great", "Alice"),  # a first name alone is anyone's
    ("Thanks Dr. Patel, great article", "Patel"),  # not one of the practice's names
])
def test_public_names_still_count_where_they_tell_of_care_or_are_someone_else(text: str, kept: str) -> None:
    result = screen(text, "comment", public_names=PUBLIC)
    assert kept in [text[i.start : i.end] for i in result.identifiers]
    assert result.decision == HOLD


def test_messages_skip_comment_signals() -> None:
    result = screen("My A1C was 9.1, should I stop my metformin? Call me at 410-555-0187", "message")
    assert result.identifiers == [] and not result.advice_request and result.decision == PUBLISH


def test_cli_record_for_comment_has_exactly_the_contract_keys() -> None:
    text = "Hi, I'm Maria, my A1C was 9.1, should I stop my metformin? maria@x.org"
    out = screen_record({"id": 7, "text": text, "kind": "comment"})
    assert set(out) == {"id", "urgency", "crisis", "reasons", "identifiers", "health_disclosure", "advice_request", "decision"}
    assert out["health_disclosure"] is True and out["advice_request"] is True and out["decision"] == "hold"
    assert {"category": "EMAIL", "start": text.index("maria@"), "end": len(text)} in out["identifiers"]
    json.dumps(out)


def test_development_set_meets_targets() -> None:
    items = [i for i in load(COMMENTS) if not str(i["id"]).startswith("ho-")]
    assert len(load(COMMENTS)) >= 300
    scores = score_comments(items)
    assert scores.personal_published <= 0.01
    assert scores.general_published >= 0.90
    assert scores.spam["recall"] >= 0.95
