"""The shipped statistical models: the identifier CRF (ner.py) and the comment classifier
(personal.py), how the engine combines them with the patterns, and the offline trainer."""

from __future__ import annotations

import json
from pathlib import Path
from unittest import mock

import pytest

from bedside.screening import evaluate, find_identifiers, ner, personal, train
from bedside.screening.engine import Reason, _second_opinion, screen
from bedside.screening.evaluate import (
    COMMENT_FILES,
    PHYSIONET,
    load_physionet,
    physionet_half,
    score_physionet,
)


def test_both_models_ship_with_the_package() -> None:
    assert ner.available()
    assert personal.probabilities("hello") is not None


def test_tokens_tags_and_spans_round_trip() -> None:
    text = "Seen by Dr. Kowalczyk on 3/14, 1990s notes."
    toks = ner.tokens(text)
    assert [t[2] for t in toks][:5] == ["Seen", "by", "Dr", ".", "Kowalczyk"]
    assert "1990s" in [t[2] for t in toks]  # digits keep their letters: one token
    start = text.index("Kowalczyk")
    tags = ner.bio_tags(toks, [(start, start + 9, "NAME"), (text.index("3/14"), text.index("3/14") + 4, "DATE")])
    assert tags.count("B-NAME") == 1 and tags.count("B-DATE") == 1 and tags.count("I-DATE") == 2
    assert ner.spans_from_tags(toks, tags) == [(start, start + 9, "NAME"), (text.index("3/14"), text.index("3/14") + 4, "DATE")]


def test_model_finds_names_the_rules_have_no_context_for() -> None:
    text = "Spoke with Ambrose re: dispo. D/w Yelena, pt to stay on current regimen."
    rules = {text[i.start : i.end] for i in find_identifiers(text, clinical=True, model=False)}
    both = {(i.category, text[i.start : i.end]) for i in find_identifiers(text, clinical=True)}
    assert ("NAME", "Yelena") in both and ("NAME", "Ambrose") in both
    assert rules <= {span for _, span in both}  # the model only adds


def test_model_spans_follow_the_comment_rules() -> None:
    # a decade alone is not an identifier in a public comment; role words are not names
    assert find_identifiers("Bypass surgery has come a long way since the 1990s.") == []
    text = "Family meeting, SW Gretchen present"
    assert [text[i.start : i.end] for i in find_identifiers(text, clinical=True)] == ["Gretchen"]


@pytest.mark.skipif(not (PHYSIONET / "id.text").exists(), reason="../shared/data/phi-physionet-dev is not beside the checkout")
def test_model_adds_recall_on_real_notes() -> None:
    notes, gold = load_physionet()
    part = {k: v for k, v in notes.items() if physionet_half(k[0]) == "tune" and k[0] < 40}
    with_model = score_physionet(part, gold)["overall"]
    rules = score_physionet(part, gold, model=False)["overall"]
    assert with_model["recall"] >= rules["recall"]
    assert with_model["recall"] >= 0.97 and with_model["precision"] >= 0.85


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("how do i know if im due for a tetanus shot? cant remember my last one", "advice_request"),
        ("would a full body scan make sense for someone like me?", "advice_request"),
        ("hubby got his new hip in march and the physio was worse than the op", "health_disclosure"),
    ],
)
def test_classifier_holds_what_the_patterns_miss(text: str, flag: str) -> None:
    result = screen(text, "comment")
    assert getattr(result, flag) and result.decision == "hold"
    assert any(r.label == flag and (r.start, r.end) == (0, len(text)) for r in result.reasons)


def test_classifier_reads_word_classes_and_whom_each_sentence_is_about() -> None:
    found = set(personal.features("My mum has been on warfarin for 3 years. Should she stop?"))
    assert {"c=MED", "a=on|<MED>", "a=my|<REL>", "w=MYREL", "s=MYREL+MED", "s=MYREL+TIME", "s=MYREL+H", "s=I+H"} <= found
    assert "s=Q+H" not in found  # the question is its own sentence, with no health word in it
    # a drug the comments never named reads like one they did: the class carries over
    unseen, seen = (set(personal.features(f"three weeks into {drug} and i sleep all day")) for drug in ("duloxetine", "metformin"))
    assert {f for f in unseen if not f.startswith(("u=", "b=", "p="))} == {f for f in seen if not f.startswith(("u=", "b=", "p="))}
    assert "s=I+MED" in unseen
    # the writer speaking only as a reader is not the writer's health
    aside = set(personal.features("Correct me if I'm wrong, but don't antibiotics do nothing for a virus?"))
    assert "s=Q+MED" in aside and not {"w=I", "s=I+MED", "s=Q+I+H"} & aside


def test_second_opinion_raises_vetoes_and_keeps() -> None:
    text = "x" * 20
    found = [Reason("health_disclosure", 2, 8), Reason("spam", 10, 12)]
    low = {"health_disclosure": 0.01, "advice_request": 0.01, "personal": 0.02}
    assert _second_opinion(text, found, low) == found  # the veto is off (VETO 0): a pattern's flag stands
    with mock.patch.object(personal, "VETO", 0.05):
        assert [r.label for r in _second_opinion(text, found, low)] == ["spam"]  # vetoed, spam untouched
    middling = {"health_disclosure": 0.5, "advice_request": 0.2, "personal": 0.6}
    assert _second_opinion(text, found, middling) == found  # unsure: the patterns stand
    sure = {"health_disclosure": 0.2, "advice_request": 0.7, "personal": 0.9}
    raised = _second_opinion(text, [], sure)
    assert [(r.label, r.start, r.end) for r in raised] == [("advice_request", 0, 20)]  # the likelier of the two


def test_evaluation_classifier_never_trains_on_held_out_comments() -> None:
    trained = {tuple(items[0]) for items, _ in train.personal_sequences("tuning")}
    held = [json.loads(line) for path in COMMENT_FILES for line in path.read_text().splitlines() if '"ho-' in line]
    assert len(held) >= 1500
    # a comment of emojis alone has no feature but the bias, like every other such comment
    worded = [item for item in held if personal.features(item["text"]) != ["bias"]]
    assert not any(tuple(personal.features(item["text"])) in trained for item in worded)
    shipped = {tuple(items[0]) for items, _ in train.personal_sequences("all")}
    assert trained < shipped and all(tuple(personal.features(item["text"])) in shipped for item in held)


def test_evaluation_scores_held_out_comments_with_the_tuning_models(tmp_path: Path) -> None:
    model, crisis_model = evaluate.tuning_classifiers(tmp_path)
    text = "on lamictal since uni and honestly never looked back"
    shipped = personal.probabilities(text)
    with personal.model_file(model):
        tuning_only = personal.probabilities(text)
    assert tuning_only is not None and tuning_only != shipped
    assert personal.probabilities(text) == shipped  # the shipped model is back after the block
    # the crisis classifier likewise
    text = "My brother has been giving stuff away and talking like he won't be around."
    shipped = personal.probabilities(text)
    with personal.crisis_model_file(crisis_model):
        tuning_only = personal.probabilities(text)
    assert shipped is not None and tuning_only is not None and tuning_only["crisis"] != shipped["crisis"]
    assert personal.probabilities(text) == shipped


def test_trainer_writes_a_model_that_tags(tmp_path: Path) -> None:
    text = "Pt seen by Dr. Smith today. Wife Mary at bedside."
    toks = ner.tokens(text)
    spans = [(text.index("Smith"), text.index("Smith") + 5, "NAME"), (text.index("Mary"), text.index("Mary") + 4, "NAME")]
    sequence = (ner.features(text, toks), ner.bio_tags(toks, spans))
    out = tmp_path / "m.crfsuite"
    train.train([sequence] * 5, out, iterations=50)
    with ner.model_file(out):
        assert {text[s:e] for s, e, _ in ner.predict(text)} == {"Smith", "Mary"}


def test_unmark_gives_the_text_and_its_spans() -> None:
    text, spans = train.unmark("wife [[RelativeProxyName|Adela]] called on [[Date|3/4]], dr [[HCPName|O'Hara]] aware")
    assert text == "wife Adela called on 3/4, dr O'Hara aware"
    assert [(text[s:e], c) for s, e, c in spans] == [("Adela", "NAME"), ("3/4", "DATE"), ("O'Hara", "NAME")]
    with pytest.raises(ValueError, match="Nickname"):
        train.unmark("[[Nickname|Bubba]] visited")


def test_synthetic_notes_ship_and_parse() -> None:
    sequences = train.synthetic_sequences()
    assert len(train.SYNTHETIC) == 3 and len(sequences) >= 1000
    tagged = sum(1 for _, tags in sequences for tag in tags if tag != "O")
    assert tagged > 3000  # identifiers in many contexts are what they are for


@pytest.mark.parametrize(("text", "span", "category", "ok"), [
    ("BP on arrival 93/40, dopa at 10", "93/40", "DATE", False),  # not a month and day
    ("Fio2 40% with flowby 6/3. Bs decreased", "6/3", "DATE", False),  # a setting
    ("extubated on 3/14 without trouble", "3/14", "DATE", True),
    ("admitted 2093-3-14 from the OSH", "2093-3-14", "DATE", True),  # year first
    ("MRS BRUCER FAIR .VNA NSG AGENCY", "FAIR", "NAME", False),  # only a dictionary word
    ("DR. BAKAITIS W IMPROVED FILLING", "W", "NAME", False),
    ("after dr vascuez's meeting at harbor today", "harbor", "LOCATION", True),  # places are often plain words
    ("son Eduardo called", "Eduardo", "NAME", True),
])
def test_model_spans_get_the_rules_checks(text: str, span: str, category: str, ok: bool) -> None:
    from bedside.screening.identifiers import _model_span_ok

    start = text.index(span)
    assert _model_span_ok(text, start, start + len(span), category) is ok


def test_crisis_classifier_holds_a_crisis_in_words_the_lexicon_does_not_know() -> None:
    text = "My brother has been giving stuff away and talking like he won't be around."
    result = screen(text, "comment")
    assert result.crisis and result.urgency == "emergency" and result.decision == "hold"
    assert ("suicidal", 0, len(text)) in [(r.label, r.start, r.end) for r in result.reasons]  # the classifier's, whole comment
    calm = screen("Thanks for the great article about flu shots, booking mine this week!", "comment")
    assert not calm.crisis and calm.decision == "publish"


def test_crisis_classifier_learns_from_every_labelled_crisis() -> None:
    crisis_labels = [labels[0] for _, labels in train.crisis_sequences("tuning")]
    assert crisis_labels.count("C") >= 150 and set(crisis_labels) == {"C", "N"}
