"""Identifier recognizers: categories with exact offsets, negatives, modes, and redaction."""

from __future__ import annotations

import itertools

import pytest

from bedside.screening import Identifier, find_identifiers, redact


def _found(text: str, **kwargs: bool) -> list[tuple[str, str]]:
    return [(i.category, text[i.start : i.end]) for i in find_identifiers(text, **kwargs)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Email me at jenny.k.watson@gmail.com please", ("EMAIL", "jenny.k.watson@gmail.com")),
        ("call my cell (443) 555-2290 after 5", ("PHONE", "(443) 555-2290")),
        ("phone 301.555.0143 anytime", ("PHONE", "301.555.0143")),
        ("Text me at 555-8675 about it", ("PHONE", "555-8675")),
        ("my MRN is 00482913, can you check", ("ID", "00482913")),
        ("SSN 123-45-6789 on file", ("ID", "123-45-6789")),
        ("member ID is XJH449201 and the claim", ("ID", "XJH449201")),
        ("see https://www.example.com/page?x=1 for more", ("URL", "https://www.example.com/page?x=1")),
        ("I live at 221 Maple Avenue, Towson, MD 21204.", ("ADDRESS", "221 Maple Avenue, Towson, MD 21204")),
        ("the talk on June 14th at the library", ("DATE", "June 14th")),
        ("surgery at Sacred Heart Hospital on 3/14", ("DATE", "3/14")),
        ("surgery at Sacred Heart Hospital on 3/14", ("LOCATION", "Sacred Heart Hospital")),
        ("we moved here from Denver last year", ("LOCATION", "Denver")),
        ("I'm 67 and just got diagnosed", ("AGE", "67")),
        ("My 4 year old son Liam has asthma", ("AGE", "4")),
        ("My 4 year old son Liam has asthma", ("NAME", "Liam")),
        ("Thank you Dr. Nguyen for seeing my father", ("NAME", "Nguyen")),
        ("My name is Tom Becker and I want to thank you", ("NAME", "Becker")),
        ("Great article. - Robert Mills", ("NAME", "Mills")),
        ("Nancy Jones, RN", ("NAME", "Jones")),
        # forum ages and towns abroad
        ("22M. Left testicle has a pea-sized lump", ("AGE", "22")),
        ("(F, 28) itchy rash on my arm since Sunday", ("AGE", "28")),
        ("28/F, rash after hiking", ("AGE", "28")),
        ("I turn 65 next month, which flu shot?", ("AGE", "65")),
        ("Hubby (Mike, 52) had his hip done", ("NAME", "Mike")),
        ("Hubby (Mike, 52) had his hip done", ("AGE", "52")),
        ("menopause at 42, nobody warned me", ("AGE", "42")),
        ("he's only 41 and on two meds already", ("AGE", "41")),
        ("Greetings from Saskatoon, -30 today", ("LOCATION", "Saskatoon")),
        ("From Cork here, waited a year for my hip", ("LOCATION", "Cork")),
    ],
)
def test_categories_and_offsets(text: str, expected: tuple[str, str]) -> None:
    assert expected in _found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Thank you for this article, really clear explanation of what A1C measures.",
        "My doctor always says walking is the best medicine, and I agree.",
        "The video at the top wont play for me, just a black box.",
        "Is a blood pressure of 120/80 still considered normal for adults?",
        "Take 1/2 tablet twice a day, pain is 3/10 today.",
        "I will try it. May is a good month for walking.",
        "Can diabetes be prevented with diet alone or does genetics play a big role?",
        "I was diagnosed in March and again in 2019.",  # a month or a year alone identifies nobody
    ],
)
def test_ordinary_comments_have_no_identifiers(text: str) -> None:
    assert find_identifiers(text) == []


def test_clinical_mode_follows_the_gold_standard() -> None:
    note = "PMH: MI 1992. 58 yo female, transferred to Quartermain 5. Dr. Knight aware. 98 yo gentleman."
    found = _found(note, clinical=True)
    assert ("DATE", "1992") in found
    assert ("AGE", "98") in found and ("AGE", "58") not in found  # ages are PHI only over 89
    assert ("NAME", "Knight") in found
    assert ("LOCATION", "Quartermain") in found
    # times in notes are not years
    assert ("DATE", "2030") not in _found("extubated at 2030 without problems", clinical=True)


def test_clinical_abbreviations_are_not_names() -> None:
    note = "FOLEY DRAINING. PA LINE INTACT. BEGAN TO WEAN NEO. MS STILL CLOUDY. SEE FLOWSHEET."
    assert [c for c, _ in _found(note, clinical=True) if c == "NAME"] == []


def test_spans_are_sorted_and_disjoint() -> None:
    text = "Dr. Ann Lee at 12 Oak Street, Boston; call 617-555-0100 or ann@lee.org on 5/6/2024."
    found = find_identifiers(text)
    assert found == sorted(found, key=lambda i: i.start)
    for a, b in itertools.pairwise(found):
        assert a.end <= b.start


def test_redact_replaces_each_span() -> None:
    text = "Call Maria at 410-555-0187 or maria@x.org"
    idents = find_identifiers(text)
    assert redact(text, idents) == "Call [NAME] at [PHONE] or [EMAIL]"


def test_redact_handles_overlaps_and_out_of_range() -> None:
    text = "abcdef"
    spans = [Identifier("NAME", 1, 4), Identifier("ID", 2, 5), Identifier("URL", 5, 99)]
    assert redact(text, spans) == "a[NAME][ID][URL]"
    assert redact(text, []) == text


def test_redacted_text_screens_clean() -> None:
    """Approve-with-redaction re-screens the redacted text: the placeholders must not match."""
    texts = [
        "Thanks Dr. Patel! This is Maria Gonzalez from the Tuesday class, call 410-555-0187.",
        "My wife Susan had her surgery at Sacred Heart Hospital on 3/14.",
        "I live at 221 Maple Avenue, Towson, MD 21204; email m.obrien@outlook.com, MRN 00482913.",
        "My son James turned 16 on 9/22. More at https://www.facebook.com/groups/x",
    ]
    for text in texts:
        found = find_identifiers(text)
        assert found
        assert find_identifiers(redact(text, found)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # names: overlapping relation cues, plural titles, labels after a name, subjects of visits
        ("proxy is grandaughter: Irene Czyzewicz- 204-943-1045", ("NAME", "Irene")),
        ("HAS TWO DAUGHTERS,DAUGHTER JANE IN TODAY", ("NAME", "JANE")),
        ("Drs Ferullo and Saeed in to see pt", ("NAME", "Saeed")),
        ("Dr Ferdinand Halfpenny spoke with family", ("NAME", "Halfpenny")),
        ("Hank Przybylo (son) cell# 450-928-6612", ("NAME", "Przybylo")),
        ("social: bob visited during the evening", ("NAME", "bob")),
        ("will consult with patty hoeller re skin care", ("NAME", "hoeller")),
        ("mr I remained on same doses of pressors", ("NAME", "I")),
        ("last abg fine. Mary Hulse, R.N.", ("NAME", "Mary")),
        # dates: brackets, "on" before a fraction-like date, ranges, coordinated years, holidays
        ("cardiomyopathy EF 35% (3/02), laryngeal CA", ("DATE", "3/02")),
        ("extubated on 1/3 and did well", ("DATE", "1/3")),
        ("CT 10/23-10/25 negative", ("DATE", "10/25")),
        ("PMHX CVA in 94 and 00 affected (R) side", ("DATE", "00")),
        ("family visited on Christmas", ("DATE", "Christmas")),
        # places: campus, hospital initialisms, residence with a state code, "of" after a person
        ("radiation planning on North Campus", ("LOCATION", "North Campus")),
        ("SEEN BY GBMC NURSE FOR ARRANGEMENTS", ("LOCATION", "GBMC")),
        ("proxy Marcela Carlson who lives in DC.", ("LOCATION", "DC")),
        ("he lives nearby in rockport and will visit", ("LOCATION", "rockport")),
        ("daughter Grace of Reisterstown visited", ("LOCATION", "Reisterstown")),
        ("she arrived via amb from kernan ew for eval", ("LOCATION", "kernan")),
        ("98 s/p left hip fx", ("AGE", "98")),
    ],
)
def test_clinical_recognizers(text: str, expected: tuple[str, str]) -> None:
    assert expected in _found(text, clinical=True)


@pytest.mark.parametrize(
    "text",
    [
        "PS 10/5 to 5/5 and tolerating",  # ventilator settings, not dates
        "RESP: Pt remained on 5/5, 40% till 4PM",
        "returned to baseline after the bolus",
        "please see flowsheet for objective data",
        "NEO GRADUALLY WEANED OFF, MUCH IMPROVED WITH HIGH FLOW",
    ],
)
def test_clinical_negatives(text: str) -> None:
    assert _found(text, clinical=True) == []


def test_a_duration_is_not_an_age() -> None:
    assert _found("I'm 3 years into my recovery") == []


def test_possessive_first_name_is_a_name() -> None:
    assert ("NAME", "Emma") in _found("Our Emma's seizures got better on the keto diet.")


@pytest.mark.parametrize("text", ["The grant was 5M. Impressive.", "it's 90 degrees out today", "BP 120/80 (Mon, 12)", "she's 100% right"])
def test_forum_age_patterns_leave_money_heat_and_dates_alone(text: str) -> None:
    assert [c for c, _ in _found(text) if c == "AGE"] == []


def test_a_first_name_that_is_also_a_verb_is_a_name_between_a_relation_and_a_verb() -> None:
    assert ("NAME", "Will") in _found("my son Will has a cold again")
    assert ("NAME", "Will") in _found("My brother Will is in rehab after the crash")
    assert _found("my son will have to wait for the results") == []
    assert _found("I asked my son. Will is the one who drives me.") == []  # a sentence's first word


def test_a_name_that_is_also_a_dictionary_word_is_a_name_between_a_relation_and_a_verb() -> None:
    assert ("NAME", "Raj") in _found("my husband Raj has been on metformin for years")
    assert _found("My Husband Has Type 2 And Is On Metformin") == []  # a headline: every word capitalised
    assert _found("my friend Also has the same problem") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("HD 3/4-3/6, next tomorrow", ("DATE", "3/4")),  # a range: both ends, though "3/4" alone may be a fraction
        ("HD 3/4-3/6, next tomorrow", ("DATE", "3/6")),
        ("had treatments 10/03/10/04 and due again", ("DATE", "10/04")),
        ("urine cx 7/22 neg", ("DATE", "7/22")),
        ("22-Jul seen in clinic", ("DATE", "22-Jul")),
        ("call the unit at ext 4321 with questions", ("PHONE", "4321")),
        ("PT LIVES IN GLEN BURNIE WITH DTR", ("LOCATION", "GLEN BURNIE")),  # a listed town
        ("pt vacationing in Ocean City when he fell", ("LOCATION", "Ocean City")),
        ("lives alone at 19 Clover St. in Lansdowne.", ("LOCATION", "Lansdowne")),
        ("admitted from Meridian Nursing and Rehab", ("LOCATION", "Meridian Nursing and Rehab")),
        ("OSH (Shady Grove) reports a negative CT", ("LOCATION", "Shady Grove")),
        ("PT WAS IN CHB ON QUARTERMAIN 2 WITH HR 50", ("LOCATION", "QUARTERMAIN")),  # a building before its floor
        ("paged Okafor re: K 3.2", ("NAME", "Okafor")),
        ("Report given to Bodner RN on the floor", ("NAME", "Bodner")),
        ("PCP is Ramkissoon, will fax the note", ("NAME", "Ramkissoon")),
    ],
)
def test_clinical_recognizers_more(text: str, expected: tuple[str, str]) -> None:
    assert expected in _found(text, clinical=True)


@pytest.mark.parametrize(
    "text",
    [
        "PT CAME TO VISIT SISTER IN MASSACHUSETTS AND DEVELOPED CP",  # a state alone is not identifying (Safe Harbor)
        "ECHO showed 25% EF w/ 3-4+MR. Given total 6u PRBC",  # mitral regurgitation, not "Mr. Given"
        "89 YO WOMAN WITH EF OF 10,3+MR, WEANED OFF NEO",
        "TOLERATING INCREASE IN CAPTOPRIL 75 TID",  # a dose, not a floor
        "cv: arrived on 200mcg of Nitro IV",  # a town's name used as a drug's
        "PER MD'S PT TO BE STARTED ON NIPRIDE, MD'S AWARE",  # the doctors, not a credential after a name
        "PCP appt next week",
    ],
)
def test_clinical_negatives_more(text: str) -> None:
    assert [f for f in _found(text, clinical=True) if f[0] != "AGE"] == []


def test_role_abbreviations_are_not_names() -> None:
    found = _found("DTR MARGUERITE CALLED; Family meeting w/ Dr. Lee, SW Gretchen", clinical=True)
    assert ("NAME", "MARGUERITE") in found and ("NAME", "Gretchen") in found
    assert ("NAME", "DTR") not in found and ("NAME", "SW") not in found


def test_every_state_code_takes_its_zip_code_along():
    from bedside.screening import find_identifiers, redact

    text = "We moved to Washington DC 20001 last year"
    assert "20001" not in redact(text, find_identifiers(text))
