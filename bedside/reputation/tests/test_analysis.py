"""Pure text work: matching watched names, tone, URL normalisation, near-duplicates."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bedside.reputation import analysis
from bedside.reputation.selectors import highlighted


def test_names_match_with_flexible_spacing_punctuation_and_case():
    text = "Great visit with dr alice  moreno today; Dr.Alice Moreno? no. DR. ALICE MORENO yes"
    found = analysis.find_matches(["Dr. Alice Moreno"], {"summary": text})
    assert [text[m["start"]:m["end"]] for m in found] == ["dr alice  moreno", "DR. ALICE MORENO"]


def test_names_do_not_match_inside_other_words():
    assert analysis.find_matches(["Moreno"], {"title": "Morenos bakery and Moreno's"}) == [
        {"term": "Moreno", "field": "title", "start": 19, "end": 25}]


def test_tone():
    assert analysis.tone_of("Dr. Moreno is kind, thorough and wonderful. Highly recommend!")[0] == "positive"
    assert analysis.tone_of("Terrible experience, rude and dismissive. Avoid.")[0] == "negative"
    assert analysis.tone_of("Riverside Family Medicine is on Main Street.")[0] == "neutral"


def test_urls_normalise_tracking_fragments_and_redirect_wrappers():
    a = analysis.normalise_url("https://News.Example.org/a/b/?utm_source=x&id=3#top")
    b = analysis.normalise_url("https://news.example.org/a/b?id=3&fbclid=zz")
    c = analysis.normalise_url("https://www.google.com/url?rct=j&sa=t&url=https://news.example.org/a/b?id%3D3&ct=ga")
    assert a == b == c == "https://news.example.org/a/b?id=3"


def test_near_duplicates_are_close_and_different_texts_are_not():
    one = analysis.simhash("Riverside Family Medicine opens Saturday flu clinic, Dr. Alice Moreno said on Monday")
    two = analysis.simhash("Riverside Family Medicine opens Saturday flu clinic, Dr. Alice Moreno said on Monday.")
    other = analysis.simhash("A review of the new knee surgery center downtown and its parking problems")
    assert analysis.hamming(one, two) <= 3
    assert analysis.hamming(one, other) > 10


def test_highlight_escapes_everything_but_the_marks():
    text = '<script>alert(1)</script> Dr. Alice Moreno & "friends"'
    matches = analysis.find_matches(["Dr. Alice Moreno"], {"title": text})
    html = highlighted(text, matches, "title")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<mark>Dr. Alice Moreno</mark>" in html and "&amp;" in html


@given(st.text(max_size=300), st.lists(st.text(min_size=3, max_size=20), max_size=3))
def test_analysis_never_crashes_and_spans_are_valid(text, terms):
    for match in analysis.find_matches([t for t in terms if t.strip()], {"title": text}):
        assert 0 <= match["start"] < match["end"] <= len(text)
    analysis.tone_of(text)
    assert -(2**63) <= analysis.simhash(text) < 2**63
    str(highlighted(text, analysis.find_matches([t for t in terms if t.strip()], {"title": text}), "title"))
