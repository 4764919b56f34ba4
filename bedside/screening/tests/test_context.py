"""ConText behaviour, case by case: negation, history, hypotheticals, family, experiencer, and
the way patients really write. Each row is (text, urgency, crisis)."""

from __future__ import annotations

import pytest

from bedside.screening import screen

EMERGENCY, URGENT, ROUTINE = "emergency", "urgent", "routine"

CASES = [
    # negation (forward triggers, pseudo-triggers, termination terms)
    ("no chest pain", ROUTINE, False),
    ("I have no chest pain or shortness of breath", ROUTINE, False),
    ("Denies SI", ROUTINE, False),
    ("denies SI/HI", ROUTINE, False),
    ("I'm not suicidal, just tired of my insurance company", ROUTINE, False),
    ("I would never hurt myself", ROUTINE, False),
    ("I don't have a fever anymore", ROUTINE, False),
    ("No chest pain, but I can't breathe", EMERGENCY, False),
    ("no fever, however my chest feels tight", EMERGENCY, False),
    ("Not only chest pain, my left arm is numb too", EMERGENCY, False),
    ("There was no increase in the chest pain after the walk, it's the same crushing pressure", EMERGENCY, False),
    ("I have no idea why my chest hurts so much", EMERGENCY, False),
    ("I've never had chest pain like this before", EMERGENCY, False),
    ("I'm not okay. I want to die.", EMERGENCY, True),
    ("I don't want to live anymore", EMERGENCY, True),
    ("I don't want to hurt myself, I just need an appointment soon for my depression", URGENT, False),
    ("The wound hasn't healed and it's oozing pus", URGENT, False),
    # historical
    ("chest pain last year, fine now", ROUTINE, False),
    ("I had a seizure as a kid, need a form signed", ROUTINE, False),
    ("I tried to kill myself 10 years ago; doing well now and need my records", ROUTINE, False),
    ("I had a bad headache last week but it went away", ROUTINE, False),
    ("I had a heart attack 5 years ago and now I have the same chest pain again", EMERGENCY, False),
    # hypothetical
    ("what should I do if I get chest pain?", ROUTINE, False),
    ("In case I get a fever after the vaccine, can I take tylenol?", ROUTINE, False),
    ("What are the warning signs of a stroke?", ROUTINE, False),
    ("Is sertraline linked to suicidal thoughts?", ROUTINE, False),
    ("The discharge papers say to call if I get a fever over 101", ROUTINE, False),
    ("I'm afraid of having another heart attack", ROUTINE, False),
    ("I don't know if I can go on like this", EMERGENCY, True),
    ("not sure if this matters but my face is drooping", EMERGENCY, False),
    # family history (relatives' past conditions) vs. the patient written about by a parent
    ("my dad had a stroke", ROUTINE, False),
    ("My mother died of a heart attack at 58", ROUTINE, False),
    ("Heart disease runs in my family", ROUTINE, False),
    ("my brother committed suicide three years ago", ROUTINE, False),
    ("my son can't breathe", EMERGENCY, False),
    ("My daughter is having a seizure right now", EMERGENCY, False),
    ("my 15 yo told me she wants to die", EMERGENCY, True),
    ("my mom had to take me to the ER last night because I couldn't breathe, and it's happening again", EMERGENCY, False),
    # real patient writing: lower case, no apostrophes, misspellings, slang
    ("cant breathe", EMERGENCY, False),
    ("chest pian since this morning", EMERGENCY, False),
    ("i want to end it all", EMERGENCY, True),
    ("took the whole bottle", EMERGENCY, True),
    ("kms", EMERGENCY, True),
    ("thinking about how to unalive myself", EMERGENCY, True),
    ("sever stomach pain, can't stand up", EMERGENCY, False),
    ("I can\u2019t breathe", EMERGENCY, False),
    # indirect crisis language
    ("I don't see the point anymore", EMERGENCY, True),
    ("everyone would be better off without me", EMERGENCY, True),
    ("I have a plan.", EMERGENCY, True),
    ("I said goodbye to everyone today", EMERGENCY, True),
    ("I wish I could go to sleep and never wake up", EMERGENCY, True),
    ("nobody would even notice if I was gone", EMERGENCY, True),
    # figures of speech that are not crises
    ("I'm dying to see you", ROUTINE, False),
    ("this bill is killing me", ROUTINE, False),
    ("something to kill the pain after the extraction?", ROUTINE, False),
    ("my feet are killing me after the hike", ROUTINE, False),
    ("I'm scared to death of needles", ROUTINE, False),
    ("I have a plan to lose weight this year", ROUTINE, False),
    ("I cut myself shaving, it stopped bleeding", ROUTINE, False),
    ("Should I take it now or with dinner?", ROUTINE, False),
    ("I won't be here tomorrow for my appointment, can we move it?", ROUTINE, False),
    ("Can I get a refill of my seizure medication?", ROUTINE, False),
    ("poison ivy on my arms, itchy", ROUTINE, False),
    # context-dependent weight
    ("My 6 week old has a fever of 100.6", EMERGENCY, False),
    ("My 7 year old has a fever of 101", URGENT, False),
    ("I'm 12 weeks pregnant and bleeding", EMERGENCY, False),
    ("I'm on Eliquis and I hit my head", EMERGENCY, False),
    ("I bumped my head, small bump, no other symptoms", URGENT, False),
    ("2 days after surgery: fever of 102 and chills", EMERGENCY, False),
    ("The incision is red and oozing", URGENT, False),
    ("my calf is swollen and painful after my knee surgery", EMERGENCY, False),
    ("Blood sugar 450, vomiting and breathing fast", EMERGENCY, False),
    ("my sugar keeps going high like 350, not vomiting", URGENT, False),
    # routine
    ("Please reschedule my appointment", ROUTINE, False),
    ("", ROUTINE, False),
    ("Can I get a refill on my lisinopril?", ROUTINE, False),
]


@pytest.mark.parametrize(("text", "urgency", "crisis"), CASES, ids=[c[0][:40] or "empty" for c in CASES])
def test_context(text: str, urgency: str, crisis: bool) -> None:
    result = screen(text, "message")
    assert (result.urgency, result.crisis) == (urgency, crisis), [(r.label, text[r.start:r.end]) for r in result.reasons]


def test_comment_kind_is_screened_alike() -> None:
    assert screen("I want to kill myself", "comment").crisis
    assert screen("no chest pain", "comment").urgency == ROUTINE


def test_reasons_name_the_finding_not_the_negated_one() -> None:
    text = "No chest pain, but my face is drooping"
    labels = [(r.label, text[r.start:r.end]) for r in screen(text).reasons]
    assert labels == [("stroke_signs", "face is drooping")]
