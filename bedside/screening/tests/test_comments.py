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
        # search-box style, no question mark
        "can i drink on my antibiotics this weekend",
        "been on levothyroxine for years, can i add ashwagandha",
        "why do my gums bleed when i floss",
        "grandma has shingles near her eye, urgent care or wait til monday?",
        "my a1c came back 6.8 does that mean im diabetic now",
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
        "Tired of the 9-5? Join my team and be your own boss, comment 'INFO' below",
        "50 five-star Google reviews delivered in 48h for your clinic. DM for pricing",
        "Dental implants abroad for a fifth of the price, all-inclusive packages, WhatsApp us today",
    "Cash for your house, ANY condition! We buy homes fast, call Dave",
    "Everyone on this keto pill is dropping 30 lbs a month!! not sponsored 👉 ketoburnx.com",
    ],
)
def test_spam_is_rejected(text: str) -> None:
    result = screen(text, "comment")
    assert result.spam and result.decision == REJECT
    assert _labels(text) & {"spam", "promotion"}


def test_asking_about_ones_own_viagra_is_personal_not_spam() -> None:
    result = screen("is it safe to take viagra with my amlodipine", "comment")
    assert not result.spam and result.advice_request and result.decision == HOLD


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
    "Great article Alice Moreno, sharing it with my running club.",
    "Moreno explains it better than anyone.",
])
def test_public_clinician_names_alone_are_published(text: str) -> None:
    assert screen(text, "comment").decision == HOLD  # without knowing the names: held for the name
    result = screen(text, "comment", public_names=PUBLIC)
    assert result.identifiers == [] and result.decision == PUBLISH


@pytest.mark.parametrize("text", [
    "Thank you Dr. Moreno, this was so clear!",
    "Great piece, Dr. Okafor. Sharing with my walking group.",
    "Dr. Patel, great article!",
    "Love Dr. Okafor's videos, calm voice and no nonsense.",
    "Thank you both, Dr. Moreno and Dr. Okafor, this series has been great.",
])
def test_thanking_or_crediting_the_author_is_published_without_knowing_the_names(text: str) -> None:
    result = screen(text, "comment")
    assert result.identifiers == [] and result.decision == PUBLISH


@pytest.mark.parametrize(("text", "kept"), [
    ("Thank you Dr. Moreno for seeing my father last week.", "Moreno"),  # her patient: health information
    ("Dr. Charlie Okafor did my knee", "Okafor"),
    ("Dr. Moreno is our family doctor and the best", "Moreno"),
    ("My friend Alice says the article is great", "Alice"),  # a first name alone is anyone's
    ("I met Dr. Patel at the fair, lovely man", "Patel"),  # neither addressed nor one of the practice's names
    ("Dr. Patel at St. Luke's was wonderful with my mom.", "Patel"),
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


@pytest.mark.parametrize("text", [
    "How do you tell the difference between a panic attack and a heart attack?",
    "What should parents keep in the medicine cabinet for kids' fevers?",
    "can you overdose on melatonin",
    "How is sepsis treated?",
    "can cranberry juice cure a uti",
    "Seizures in children can look very different from adult ones, good to know.",
    "Can an Apple Watch ECG detect a heart attack or just AFib?",
    "Is HPV a sexually transmitted infection? Sorry if this is a dumb question",
    "What's the rule for keeping kids off school after a fever?",
    "What vaccines are needed for Ghana? Is yellow fever still required?",
    "I appreciate the bit about fever thresholds for babies under 3 months.",  # the writer only reads
    "Agree with the section on exercise for depression, there's good RCT evidence for it.",
])
def test_a_topic_question_is_not_an_emergency(text: str) -> None:
    result = screen(text, "comment")
    assert result.urgency == "routine" and not result.crisis and result.decision == PUBLISH


@pytest.mark.parametrize("text", [
    "chest pain and left arm numb, what to do??",  # telegraphic: nobody named, still someone's emergency
    "overdosed on tylenol",
    "what are the signs of a stroke? my dad's face is drooping right now",
    "how many tylenol does it take to not wake up. asking for me",
    "what's the lethal dose of amitriptyline? I have a full bottle of mine",
    "both kids vomiting blood and really pale",  # children named in a report are no general topic
    "children vomiting blood and very pale",
    "babies not breathing right, lips blue",
])
def test_reports_and_crisis_questions_stay_urgent(text: str) -> None:
    result = screen(text, "comment")
    assert result.urgency == "emergency" and result.decision == HOLD


@pytest.mark.parametrize("text", [
    "honestly I don't see the point in getting up anymore and I've been giving my stuff away",  # quiet warning signs
    "I've been looking up bridges again",
    "I keep staring at the train tracks on my commute",
    "Coming off my meds too fast and the dark thoughts are back. I'm scared of myself.",
    "Some nights on the drive home I think about how easy it would be to just not make the curve.",
])
def test_quiet_and_veiled_suicidal_wording_is_a_crisis(text: str) -> None:
    result = screen(text, "comment")
    assert result.crisis and result.decision == HOLD


def test_a_bridge_admired_is_no_crisis_and_a_telegraphic_emergency_stays_one() -> None:
    assert not screen("I loved looking at the bridge on our trip", "comment").crisis
    # a question in another sentence does not make the red flag a general topic
    assert screen("What is happening? Chest pain and left arm numb", "comment").urgency == "emergency"


def test_asking_how_much_it_takes_to_die_is_a_crisis() -> None:
    assert screen("how much ambien would it take to die", "comment").crisis
    assert not screen("What's the lethal dose of caffeine? Asking because I drink a lot of coffee.", "comment").crisis


@pytest.mark.parametrize("text", [
    "My dog was just diagnosed with diabetes and needs insulin twice a day. Is pet insulin the same stuff as human insulin?",
    "Got my flu shot this morning at the pharmacy, took five minutes. No excuse people!",
    "Very informative article, thank you doctor. In my country we do not have such clear explanation, so I read in English slowly.",
    "The real scandal is what insulin costs in America.",
    "Typo in the 3rd paragraph, 'hemoglobin' is spelled wrong.",
    "if your kid has a fever of 102 but is playing normally, do you still need to call the doctor?",
])
def test_pets_vaccinations_and_countries_are_not_personal(text: str) -> None:
    result = screen(text, "comment")
    assert result.decision == PUBLISH, (result.identifiers, result.reasons)


@pytest.mark.parametrize(("text", "age"), [
    ("Can my son (6) have the flu vaccine if he's allergic to eggs?", "6"),
    ("I (F, 49) have cholesterol of 280", "49"),
    ("28F, is a resting HR of 110 normal??", "28"),
    ("Dad is 80, A1C 7.9 on glipizide", "80"),
    ("My twins are 14 months and had their MMR yesterday", "14"),
    ("My grandmother lived to 96 on butter and spite.", "96"),
    ("Had a hysterectomy at 42, now 50 and my DEXA shows thinning", "42"),
    ("46 and just got my first colonoscopy results back", "46"),
    ("I'm 80 years young and I still read every article you post.", "80"),
])
def test_ages_as_comments_state_them(text: str, age: str) -> None:
    result = screen(text, "comment")
    assert age in [text[i.start : i.end] for i in result.identifiers if i.category == "AGE"]
    assert result.decision == HOLD


@pytest.mark.parametrize("text", [
    "People who had a stroke at 50 do worse than you'd think.",
    "Screening should start at 45 for everyone.",
    "my son is 5'4 now and still growing",
    "the kids are 100% fine after the shots",
])
def test_numbers_that_are_not_ages(text: str) -> None:
    assert [i for i in screen(text, "comment").identifiers if i.category == "AGE"] == []


@pytest.mark.parametrize("text", [
    "Post-hysterectomy here and the hot flashes are no joke.",
    "Had both knees done in the last few years. Best decision I ever made!",
    "What's the best way to sleep after a knee replacement? I'm 3 weeks out and can't get comfortable.",
    "Hubby's new hip is doing great, he was back on the golf course in 8 weeks!",
    "Back pain guy here, 3 herniated discs, 2 epidurals. Is surgery my only option now?",
])
def test_forum_shorthand_disclosures_are_held(text: str) -> None:
    result = screen(text, "comment")
    assert result.health_disclosure and result.decision == HOLD


def test_keyword_stuffing_is_spam_but_a_rant_is_not() -> None:
    assert screen("best keto gummies 2024 weight loss fast keto gummies reviews keto gummies for diabetes buy keto gummies cheap",
                  "comment").decision == REJECT
    assert screen("Falls prevention programmes are cheap and they work, yet councils keep cutting them.", "comment").decision == PUBLISH


def test_a_sign_off_after_an_en_dash_is_a_name() -> None:
    text = "Thanks Dr. Okafor! – Mary"
    assert [text[i.start : i.end] for i in screen(text, "comment").identifiers] == ["Mary"]


def test_speaking_from_ones_job_is_not_a_disclosure_but_ones_own_illness_is() -> None:
    assert screen("As a nurse for 20 years I can say the biggest thing people get wrong about blood pressure "
                  "is taking it right after they rush in.", "comment").decision == PUBLISH
    assert screen("I'm a pharmacist and I'd add one thing: always bring an up-to-date medication list.",
                  "comment").decision == PUBLISH
    assert screen("As a nurse with lupus I know how hard flares are", "comment").health_disclosure
    # the model's confident "disclosure" yields to the same exception, unless the professional's own health is told
    assert screen("In my 15 years in family medicine I have rarely seen a guideline change this fast.", "comment").decision == PUBLISH
    assert screen("ER doc here. I've been through two antidepressants and I barely sleep.", "comment").health_disclosure


@pytest.mark.parametrize("text", [
    "Post c-section mum here and the no-lifting rule is impossible with a toddler.",
    "Gestational diabetic again this pregnancy, the finger pricks never get easier.",
    "Six weeks out from my hip replacement surgery and walking the dog again.",
    "Two miscarriages and this is the first article that didn't make me feel blamed.",
    "As someone with POTS, standing in a queue is my nightmare.",
])
def test_subject_less_openings_and_shorthand_are_disclosures(text: str) -> None:
    result = screen(text, "comment")
    assert result.health_disclosure and result.decision == HOLD


@pytest.mark.parametrize(("text", "kept"), [
    ("reading this at 2am because the toddler won't sleep, great tips", []),
    ("Every coach I've had said to ice it. Who's right?", []),
    ("Great post. small typo in the 2nd paragraph 😅", []),
    ("@fit_doc_fan it's not that simple, read the study", []),
    ("Are hospital gowns really that hard to design?", []),
    ("My son Jake won't take his inhaler at school", ["Jake"]),  # a name before a contraction still counts
    ("Riverside Hospital staff were lovely to my dad", ["Riverside Hospital"]),
    ("I had Bell's palsy last year and the ED thought it was a stroke", []),  # a condition named after a person
    ("Does anyone know if the Saturday clinic runs in summer?", []),
    ("See you at the health fair, I'm at the BP booth — Sarah 💜", ["Sarah"]),  # a sign-off after a spaced dash
    ("Hope the new trial works out, Bill! We're all behind you.", ["Bill"]),  # someone addressed by name
    ("Anyone in the Leeds area know a good group?", ["Leeds"]),
    ("Who designed the Omnipod adhesive to come off only when you don't want it to?", []),
])
def test_contractions_emoji_handles_and_openers_are_not_identifiers(text: str, kept: list[str]) -> None:
    assert [text[i.start : i.end] for i in screen(text, "comment").identifiers] == kept


@pytest.mark.parametrize("text", [
    "Dr Moreno thank you, the section on A1C finally made sense.",
    "Dr. Okafor's talk at the library was the clearest thing I've heard on arthritis.",
    "Dr Moreno's newsletter is the only one I actually open.",
])
def test_the_author_thanked_or_credited_is_not_an_identifier(text: str) -> None:
    result = screen(text, "comment")
    assert result.identifiers == [] and result.decision == PUBLISH


@pytest.mark.parametrize("text", [
    "Is there any truth to the idea that cold weather gives you a cold? Always wondered.",
    "Everyone at work says a fever should be starved, is that actually true?",
])
def test_myth_questions_are_general_not_urgent(text: str) -> None:
    result = screen(text, "comment")
    assert result.urgency == "routine" and result.decision == PUBLISH


@pytest.mark.parametrize("text", [
    "Earn $3000 weekly from your kitchen table!! Join at bit.ly/easy-cash-now",
    "Make $400/day from home, link in my profile",
    "Tired of back pain? We offer custom orthotics shipped in 48h. Visit footfixpro.com",
    "Best joint gummies 🔥 glucoflex-store.com code JOINT30",
    "back pain back pain relief back pain cure back pain doctor back pain exercises spinefix.net",
    "Bright Smile Dental offers free whitening this month, book online today!",
])
def test_links_with_a_call_to_action_and_earnings_are_spam(text: str) -> None:
    assert screen(text, "comment").decision == REJECT


def test_a_price_paid_is_not_spam_and_a_trusted_link_is_not_promotion() -> None:
    assert screen("Insulin should never cost $300 a month in a rich country.", "comment").decision == PUBLISH
    assert not screen("Visit cdc.gov for the current schedule, it's clearer than any blog.", "comment").spam


def test_asking_what_a_doctor_would_recommend_for_ones_child_is_an_advice_request() -> None:
    assert screen("What screen time limit would you recommend for my kids? They're glued to tablets.", "comment").advice_request


@pytest.mark.parametrize("text", [
    "Whoever decided 'just lose weight' fixes chronic pain has never had chronic pain",
    "lol 'ask your doctor' like I can get an appointment before 2031",
    "Thank you for saying 'you're not lazy'. So many people need to hear it.",
])
def test_a_comment_date_needs_a_number_or_a_day_and_a_phone_seven_digits(text: str) -> None:
    result = screen(text, "comment")
    assert result.identifiers == [] and result.decision == PUBLISH


def test_real_dates_and_phones_in_comments_still_count() -> None:
    text = "Got my booster on March 3rd, and the clinic line is 555-0199, it never answers"
    assert {i.category for i in screen(text, "comment").identifiers} == {"DATE", "PHONE"}


@pytest.mark.parametrize("text", [
    "pulled my hamstring at parkrun on saturday, still can't jog",
    "Coming off sertraline was rough, the dizziness lasted weeks.",
    "Nexplanon user of 3 years and no complaints here",
    "12dpo and testing tomorrow, wish me luck",
    "Chronic migraine here, the bit about triggers is spot on.",
    "Triathlete here, coeliac too, and race food is a minefield. Coeliac athlete here anyway.",
    "My sister in law, she is having the thyroid problem since years.",
    "Had a colonoscopy in the spring, the prep was the worst part.",
    "am on Jardiance now and the thirst is gone",
    "our granddad has had two skin cancers cut off his nose",
    "Turns out I'm lactose intolerant, explains a lot",
    "my plantar fasciitis flared after the hike",  # a condition the vocabulary lacks, by its ending
    "My father passed in hospice, the nurses were angels",
    "Being a teenage girl with acne is rough",
    "Dad uses a walker now and refuses the wheelchair",
    "when I sprained my ankle last spring they fit me in the same day",
    "Just found out I'm expecting! Booking with you first.",
    "Pregnant with #2 and still coming here.",
    "My brother is in recovery from opioids and doing well",
    "on isotretinoin month 3 and my skin is peeling",  # a drug the patterns do not name (data/drugs.txt)
    "my propranolol makes me so tired in the afternoons",
    "Living kidney donor here, happy to answer questions.",
    "whole house has norovirus and my 3 year old has thrown up twice",  # a child by age is a relative
    "should i get the shingles shot if i already had chickenpox as a kid",
    "doing 16:8 for 3 months, down 20 lbs but my hair is shedding like crazy",
    "DD sneezes 20 times a day, is that normal?",  # forum shorthand for a child
    "Our daughter is deaf and has a cochlear implant.",
    "Living with a colostomy for 3 years now.",
    "Mi mamá tiene diabetes tipo 2 y no habla inglés.",
    "I smoked for 30 years and quit in 2020.",
    "My knees are bone on bone and the stairs are murder.",
    "Port flush Thursday, then a month off from needles",  # treatment shorthand opening a sentence
    "Not everyone rings the bell. Some of us are in treatment forever.",
    "Just had my 5-year check. Clear!",
    "Would love to meet other type 1s in person",
    "ate half the fridge at 2am treating a low",
    "hypo at the checkout today, shaking so bad I dropped my card",
    "diagnosed tuesday, scared, reading everything here",
    "Anyone else's insurance deny the cold cap for their chemo?",
])
def test_new_genre_disclosures_are_held(text: str) -> None:
    result = screen(text, "comment")
    assert result.health_disclosure and result.decision == HOLD


@pytest.mark.parametrize("text", [
    "Salamat po sa info, walk in lang po ba sa flu clinic?",
    "Happy Eid to all the staff working through the holiday!",
    "The Bible says a merry heart does good like a medicine.",
    "Saw this linked on facebook and had to share",
    "Correct me if I'm wrong, but don't antibiotics do nothing for a virus?",
    "Everything in moderation, as my grandmother always said.",
    "Letting kids lift weights at 10 years old is fine with supervision, the evidence says.",
    "Insulin costs far more in the US than anywhere else.",  # the country, not "us"
    "I am a retired oncologist and this article is spot on about screening.",
    "Sunscreen is the best anti-ageing product, full stop.",
    "I loved the part on sympathy and nostalgia in the clinic.",  # endings of words that are no conditions
    "Pharmacist perspective: we were filling prescriptions at a loss for years.",  # the profession's "we"
    "the part about pharmacists is right, we can prescribe Paxlovid now and few people know",
    "thanks, this cleared up a lot of confusion in our group chat",
    "Does anyone know if the Saturday clinic runs in summer?",
    "Do you do sports physicals or do we need to book now?",
    "what are braxton hicks contractions",  # a condition named after a person
    "The real fraud is upcoding in Medicare Advantage.",
    "I think propranolol is underrated for stage fright.",
    "Breast is best, fed is best. can we stop shaming mums in every comment section",
    "My kids school sent home a letter about lice, good timing for this post",  # a topic, not a case
    "Would love to see the same scrutiny for supplement companies that we apply to statins.",  # everyone's "we"
    "The ER is the most expensive primary care clinic in the country and we designed it that way.",
    "Your staff helped me find articles for my dissertation on antibiotic resistance, and I passed!",
    "Do I need a referral to see a genetic counselor?",
    "Can I get your leaflets in Somali?",
    "Where can I read about Charcot-Marie-Tooth disease?",
    "I'm so tired of people acting like type 2 is a moral failing.",  # venting, not fatigue
    "Other countries pay $10 a vial for insulin.",  # a price, not an offer
    "The little bakery on Main does a sugar-free cheesecake. Not sponsored, just happy.",
    "Anyone else notice the uptick in people asking about ozempic side effects?",
    "Palliative care isn't hospice. Wish more people knew that.",
    "Open on Dec 26?",  # the practice's date, nobody's
])
def test_greetings_scripture_platforms_sayings_and_generic_ages_are_general(text: str) -> None:
    result = screen(text, "comment")
    assert result.decision == PUBLISH, (result.identifiers, result.reasons)


def test_a_product_is_no_place() -> None:
    # the comment is held since the sixteenth round all the same: the classifier reads it as a
    # disclosure at 0.50, over RAISE (a known cost of the lower threshold, docs/screening.md)
    text = "Acne treatment has come a long way since the orange Clearasil days."
    assert not screen(text, "comment").identifiers


@pytest.mark.parametrize("text", [
    "Condom broke last night, is it too late for the morning after pill?",
    "beta was 30 at 12dpo, is that too low?",
])
def test_sexual_health_and_fertility_questions_are_personal_advice(text: str) -> None:
    result = screen(text, "comment")
    assert result.health_disclosure and result.advice_request


@pytest.mark.parametrize("text", [
    "Need money for surgery? Personal loans, fast approval, no collateral, DM now",
    "Hire a certified hacker to recover your account, contact recovery_pro on telegram",
    "I want to testify about the great Dr. Okun who cured my mother's arthritis with roots and herbs",
    "Final enrolment week! Free dental and vision, call now 1-888-555-0142",
])
def test_loans_hackers_herbal_testimonies_and_toll_free_offers_are_spam(text: str) -> None:
    assert screen(text, "comment").decision == REJECT


def test_asking_how_much_before_it_is_fatal_is_a_crisis_but_too_much_water_is_not() -> None:
    assert screen("how much codeine could someone take before it's lethal? asking because I have some", "comment").crisis
    assert not screen("how much water can a person drink before it's too much?", "comment").crisis


@pytest.mark.parametrize(("text", "personal"), [
    ("since my second baby my periods have been brutal", True),
    ("PPD crept up on me months after the birth", True),
    ("my third transfer is done and the 2ww is torture", True),
    ("Hubby finally had the snip and survived 😂", True),
    ("We need proper funding for women's health research, period.", False),
    ("Periods should be taught about properly in schools", False),
])
def test_womens_and_mental_health_words_in_a_personal_sentence(text: str, personal: bool) -> None:
    assert screen(text, "comment").health_disclosure is personal


# --- twelfth round: drug reviews, social-media replies, chronic-illness communities ----------
# general comments, spam, identifiers and crises of each round are collected here and tested together at
# the end of the file (one test per kind)
_GENERAL_12 = [
    "The insulin shortage is a policy failure, change my mind.",  # an idiom's "my"
    "The section on potassium and ACE inhibitors is better than my textbook.",  # a piece's topic
    "can we get a follow-up video on reflux? so many myths",  # more content, not advice
    "Tell the uncles in my family that vaccines don't give you autism.",  # a cause in general
    "Reading this as a nursing student. we had one lecture on ME/CFS, total.",  # the profession's "we"
    "Donate to the ME Association if you can, they fund real research.",  # ME the illness, not "me"
    "can toddlers get shingles or only grown-ups?",  # who can get a condition, in general
    "Anyone can get long covid, even after a mild infection.",
    "ICU nurse here. Please, please don't drive yourself in with chest pain.",  # a line to readers
    "So tired of the 'try yoga' replies under every migraine video.",
    "Pharmacist tip: orthostatic hypotension is common with blood pressure pills.",
    "the \"doctors hate this one trick\" crowd is out in force today",  # a slogan quoted, not sold
    "Ableism dressed up as inspiration porn helps nobody.",
    "Dr. Lindqvist please never stop making these explainers",  # the author asked for more
    "petition for Dr. Osei to do a whole series on sleep",
    "honestly understanding the Krebs cycle was harder than med school admissions",  # a named cycle
    "The Ehlers-Danlos Society has a good directory of clinics.",  # a charity named after a disease
    "The sepsis alerts on our ward fire so often that nobody reads them.",  # a programme, not a patient
    "the pharmacist UTI prescribing pilot was a mixed bag",
    # and from the earlier sets' tuning parts, re-read after the round
    "Great article on reflux and asthma in adults, saving it.",  # a piece's topic, two words before "and"
    "As a geriatrician I'd add: the new dementia drugs are modest at best.",
    "Apparently my generation invented burnout by owning phones.",
    "Comment threads about night sweats always scare me.",  # an idiom's "me"
    "I get why the ER costs so much, but the system is broken.",
    "You never do sponsored posts and I respect that.",
    "The vitamin aisle is basically a casino.",
    "Thanks to the mods for clearing out the MLM spam.",
    "Dr Amir do a video on magnesium next pls",  # the author asked for more
    "raw milk influencers are literally poison for public health",  # a figure of speech
    "Every headache is a brain tumour at 3am, according to the internet.",  # any case, in general
    "Any new mole that changes shape = get it checked.",
    "We drive 50 minutes to a specialist. Rural healthcare is a joke.",  # a capital that opens the sentence
]


_IDENTIFIERS_12 = [
    ("Text me on 07700 900123 and I'll send the appeal letter template", ["07700 900123"]),  # a British mobile
    ("our office line is +44 20 7946 0018", ["+44 20 7946 0018"]),
    ("Hello everyone, Agnieszka from Wrocław here, can I share this in Polish?", ["Agnieszka", "Wrocław"]),
    ("the pharmacist at the place on 3rd Ave sorted my coupon", ["3rd Ave"]),  # a street without a number
]


_SPAM_12 = [
    "We're hiring remote patient-story writers, $30/hr, apply via the link in my bio",
    "Get paid $40 for every review you post, no experience needed",
    "Hello dear, I like your profile, I am looking for serious friendship",
    "Cheapest online pharmacy I know, fast shipping and they never ask questions",
    "I reverse autoimmune disease in 12 weeks. Book a free discovery call today",
]


@pytest.mark.parametrize("text", [
    "my doctor never asks questions about my mood and I have depression",  # no seller
    "ME/CFS since 2019, housebound most days",  # the illness named by its initials is still a disclosure
    "my little one has shingles, can kids get it twice?",  # someone named: not a general question
    "my dad has sepsis and the sepsis alerts keep going off",  # one flag names a programme, the other a patient
    "my toddler ate rat poison",  # a poison swallowed is still an emergency
    "the new treatment for my migraines makes me so angry, it does nothing",
])
def test_twelfth_round_rules_keep_personal_comments_held(text: str) -> None:
    result = screen(text, "comment")
    assert result.decision == HOLD and not result.spam


# --- thirteenth round: dental, eye and hearing; addiction and recovery; memorials and fundraisers ----
_GENERAL_13 = [
    "Who do we ask if we want a same-day appointment now?",  # the practice's logistics
    "Where can I drop off donations for the raffle?",
    "I'd like to add: the new clinic needs more parking.",  # "add", not ADD
    "Doctor here (retired). I'd add: get screened for hep C if you ever injected.",
    "Is that depressing statistic from the article still true?",  # an adjective, not a mood
    "Mixing alcohol withdrawal with benzos can be dangerous, people should know that.",
    "The stats on overdose after release from prison are grim.",  # a statistic's topic
    "Congrats Mrs. Okoro! Volunteer of the Year is well deserved",  # the post's honouree
    "Welcome Dr. Lindqvist! Is she taking new patients?",
    "@eye_doc_amy it's not a myth, there's a trial on it",  # a pronoun after a handle
    "Decriminalisation without treatment is half a policy. Oregon showed that.",  # a whole state
    "didn't know lazy eye treatment works best before about age 7",  # an age limit, nobody's age
    "Pharmacists can hand it over without a prescription in most states, just ask.",
    "Ringing at 8am for an appointment is a lottery.",
    "Do you take Delta Dental PPO?",  # an insurer
    "I'm driving 2 hours each way for appointments, glad a closer clinic is coming",  # no street
]


_SPAM_13 = [
    "Hiring front-desk staff!! no experience needed, apply through our Telegram",
    "Looking for patient recruiters for a sober living home, $400 per referral",
    "We help clinics rank with local SEO, free audit at rankclinic dot com",
    "Our rehab has private rooms and equine therapy. Verify your insurance in 2 minutes",
    "my ebook shows you how to reverse gum disease at home, only $19",
    "please help my sister's surgery fund, PayPal: helpsister.fund@gmail.com",
]


@pytest.mark.parametrize(("text", "crisis"), [
    ("just wanted to say thanks to this group before I go. it helped for a while", True),
    ("Thanks for the article! Before I go, one question about statins", False),
    ("thanks all, before I go to bed one more tip: hydrate", False),
])
def test_a_farewell_with_thanks_is_a_crisis(text: str, crisis: bool) -> None:
    assert screen(text, "comment").crisis is crisis


_IDENTIFIERS_13 = [
    ("my husband is 3 years sober this week", []),  # a span of time, not an age
    ("Tamsin!!! so proud of you girl, drinks on me", ["Tamsin"]),  # someone hailed by name
    ("Shout out to nurse Kelly on 4 West, she was amazing", ["Kelly"]),  # a ward nurse is no author
    ("my son has ADD and the school won't help", []),
]


# --- fourteenth round: sexual health, veterans' health, telehealth reviews ------------------
_CRISES_14 = [
    "everyone would be better off if i just wasn't around anymore",
    "I finished the letters tonight. I know where the key to the gun safe is.",
    "Thanks for everything over the years. I'm giving away my tools this week, take care of each other.",
    "So tired. I've written the note already.",
    "the hotline tab has been open all night. not sure I can get through another one of these nights",
]


def test_an_emergency_inside_what_reads_like_spam_is_held_not_rejected() -> None:
    result = screen("took a viagra and did poppers an hour ago, now my chest is really tight and I'm sweating, should we call 911", "comment")
    assert result.urgency == "emergency" and result.decision == HOLD


_SPAM_14 = [
    "Generic tadalafil 90 pills only $29!! No doctor, no questions. WhatsApp orders +1 555 0100 222",
    "Verified escorts available 24/7 in your city, discreet",
    "Writing buddy letters for VA claims, 98% approval. Whatsapp +1 555 0177",
    "Denied again? Flat fee after approval. Text CLAIMS to 555-0143",
    "You may be owed money from the settlement. Call our law firm, no fee unless we win",
    "Best medical app ever!!! Download now!!!",
    "Boost your rating from 2.1 to 4.8 in two weeks, trusted by dentists",
    "just buy $MEDX token, 100x incoming",
]


_GENERAL_14 = [
    "5/5. the video visit started on time and took ten minutes",  # a score, not a date
    "scheduling 5/5, messaging 4/5, billing clarity 1/5",
    "why did I get a survey about my visit before the visit happened",  # logistics
    "The section on menopause for trans women was new info for me.",
    "Nurse in a GUM clinic here. Nobody judges, we just want you tested.",
    "so tired of the culture-war takes on trans teens. it's healthcare.",
    "Tricare to VA is the worst handoff in American healthcare and I will die on this hill",
    "@wife_of_a_ranger you're not alone, hang in there",
]


_IDENTIFIERS_14 = [
    ("my follow-up is on 4/5 and I'm nervous", ["4/5"]),  # a date after "on" is still a date
    ("Why is PrEP so hard to get in towns like Dubbo where I live?", ["Dubbo"]),
]


# --- fifteenth round: orthopaedics, teenagers, English and Spanish --------------------------
_GENERAL_15 = [
    "Muy buena la charla del martes, gracias a todas las promotoras",  # Spanish words are no names
    "no sean machos, usen casco en la obra",
    "Los datos de los pacientes son confidenciales?",
    "Very informative article Dr. Ibarra, gracias",  # the author credited
    "DVT prevention deserves its own section.",  # a programme, not a clot
    "How do you pick a good PT clinic?",
    "the clearest explanation of the difference between a meniscus tear and arthritis so far",
    "as an RA in a dorm: get your vaccines, meningitis spreads fast in tight quarters",
    "10/10 no notes",  # a score, not pain
    "you can't die from a panic attack right? asking generally",
    "do i need to miss school for a sports physical?",  # "miss" here is no title
    "The Surgeon General has a whole advisory on teens and social media.",
]


_IDENTIFIERS_15 = [
    ("Hola Sra. Ramírez, ya le dejamos un mensaje de voz", ["Ramírez"]),  # whole, accents and all
    ("my friend Zoë Müller had her gallbladder out", ["Zoë", "Müller"]),
    ("Mi hija de 7 años tiene asma", ["7"]),
    ("My son goes to Alisal High and needs the sports form", ["Alisal High"]),
]


_CRISES_15 = [
    "a veces pienso en acabar con todo",
    "ya no le encuentro sentido a nada",
    "mi hija de 13 se corta los brazos, qué hago",  # self-harm, in Spanish
    "i keep thinking about not waking up and it doesn't scare me anymore",
]


def test_spanish_emergency_is_held_with_guidance() -> None:
    result = screen("mi esposo no puede respirar, qué hago", "comment")
    assert result.urgency == "emergency" and result.decision == HOLD


_SPAM_15 = [
    "hiring remote physical therapists, $90/hr, apply at ptgigs dot com",
    "love your vibe! we're looking for brand ambassadors, DM us",
    "selling my leftover accutane, dm me",
    "Trabaja desde casa y gana $500 diarios, mándame inbox",
    "Seguro médico barato, cupos limitados, llama ya",
]


# --- sixteenth round: public-health department posts; sleep, allergy and ENT; pregnancy ----------
_GENERAL_16 = [
    "Are the fireworks still on for the 4th of July with all this smoke?",  # a holiday, nobody's date
    "Is narcan sold at the pharmacy without a prescription in every state?",
    "Would love data on how many overdoses the vending machines have reversed.",  # a statistic's topic
    "Dr. Okafor's TV segment on allergies was so clear",  # the author credited for an appearance
    "Had no idea adenoidectomy was so common in kids.",
    "A miscarriage in the first trimester is common and rarely anyone's fault.",
    "Had a question about the clinic hours, found it in the FAQ, thanks",
    "At 10 the pool closes, so go early.",  # a time, not an age
    "Everyone from billing was super helpful",
    "Is West Nile virus in the county this year?",
    "Route 66 would make a great road trip",  # a road nobody lives on
]


_SPAM_16 = [
    "Comment SLEEP and I'll DM you my 5-step insomnia fix 💤",
    "Just joined doTERRA and the lavender blend knocked out my allergies, message me for a sample",
    "Hot singles in your area are waiting, click my profile",
    "Best tacos in town at the truck on Pine, tell them I sent you",
    "Sleep coaching by phone, first session FREE, text Kayla 555-201-8890",
]


_IDENTIFIERS_16 = [
    ("Jen at the front desk fixed my referral in two minutes", ["Jen"]),  # a staff member's first name
    ("At 68 I finally got my hearing checked", ["68"]),  # a sentence that opens on the writer's age
    ("my son's 9th birthday was ruined by hay fever", ["9"]),
    ("our daughter is 36 weeks and her ankles are huge", []),  # weeks of a pregnancy, not an age
    ("Down here in Cedar Bluff the tap water tastes off", ["Cedar Bluff"]),  # where the writer lives
    ("we're out past Mill Creek and the smoke is thick", ["Mill Creek"]),
    ("my folks are just off Route 9 and still have no power", ["Route 9"]),
    ("Caught Rocky Mountain spotted fever from a tick as a kid", []),  # a disease named after a place
]


_CRISES_16 = [
    "my husband keeps telling me we'd all be better off without him",  # someone else's veiled farewell
    "since the stillbirth i just want to go be with him",
    "i don't trust myself alone with the baby right now",
    "I've been saving up my pain pills, nobody knows",
    "Got my affairs in order this week. Thanks for all the posts.",
]


# disclosures with the subject left out, and the vocabulary of ENT, sleep and pregnancy
_PERSONAL_16 = [
    "Had tonsillectomy as an adult, worst two weeks ever",
    "Got the new implant last month and the snoring is gone",
    "Gave birth in March, still exhausted",
    "ectopic last year, lost a tube",
    "Reading this at 29 weeks with swollen ankles",
    "4 rounds of clomid and nothing yet",
    "MIL's dementia is getting worse",
    "Coach here, had vocal nodules last season",
]


@pytest.mark.parametrize("text", _PERSONAL_16)
def test_sixteenth_round_disclosures_are_held(text: str) -> None:
    result = screen(text, "comment")
    assert result.health_disclosure and result.decision == HOLD


def test_prolapsed_cord_is_an_emergency() -> None:
    result = screen("my water broke and I can feel the cord, what do I do", "comment")
    assert result.urgency == "emergency" and result.decision == HOLD


# --- seventeenth round: neurology; gastroenterology and urology; insurance, pharmacy and reviews ----
_GENERAL_17 = [
    "Medical marijuana for epilepsy should be up to families and their doctors.",  # a policy opinion
    "Can you make the stroke first aid posters available as a PDF?",  # a poster's topic
    "So glad doctors are finally taking vertigo seriously.",
    "lol 'brain freeze' has a real medical name and I'm never going to pronounce it",  # a name for a thing
    "Interesting that appendicitis pain can feel like a stomach bug at first.",  # how a condition presents
    "Wow, I didn't know Alzheimer's starts so long before the memory goes",  # an eponym, no one's name
    "Loved Dr. Moreno's analogy about the brain's wiring",  # the author credited
    "Budget explainer next please Dr. Okafor! nobody in my office gets deductibles",
    "I had no idea the pathology lab bills separately, good to know",
    "I always panic-buy the wrong plan during open enrollment",
    "Hypertension for years can damage the kidneys, worth knowing.",
    "Cancer at 30 is rare but it does happen.",
    # a condition described or compared in general, probes in the neurology and GI voices
    "Migraine is so much more than a headache, thank you for saying it.",
    "Vertigo vs dizziness: I never knew there was a difference.",
    "Cluster headaches are called suicide headaches for a reason.",
    "Blood in the stool should never be ignored, glad you said it.",
    "Vomiting blood is always an emergency, right?",
    "Fainting at the sight of blood is more common than you'd think.",
]


_SPAM_17 = [
    "Alzheimer's REVERSED in 30 days!! Big pharma is suppressing it. Buy the ebook now",
    "Calm tremors naturally with my lavender oil blend. No meds needed, inbox for prices",
    "Grow your clinic page, we provide 5k real followers in a week",
    "Hospital bills? We erase debts fast, FREE Consultation today",
    "Free gift cards for the first 50 signups at our Medicare quote page",
]


_IDENTIFIERS_17 = [
    ("my uncle laughs like a 12 year old when he's on the nitrous", []),  # a likeness, nobody's age
    ("Had a TIA in the spring and ignored it", []),  # an acronym, not initials
    ("my grandma has Parkinson's and still gardens", []),  # the disease, not a person
    ("Member account B20931-7 here, still waiting on the refund for my MRI", ["B20931-7"]),
    ("The Lakeview walk-in got me in within 20 minutes", ["Lakeview walk-in"]),
]


_CRISES_17 = [
    "Thank you for everything over the years. I've made my choice and I'm at peace. No need to send more reminders.",
    "@nightowl88 please don't hurt yourself. we want you here, text 988",
]


# the vocabulary of the digestive and urinary tract and of neurology, and sentences with no subject
_PERSONAL_17 = [
    "Chronic UTIs since my twenties. A urologist finally found the cause.",
    "Crohn's flare number three this year. Reading from bed.",
    "Stroke survivor. speech slow but getting there",
    "Turned out to be a hernia, not a pulled muscle.",
    "34F with endometriosis, thanks for covering this",
    "my husband is still passing kidney stones every summer",
    "Erectile problems at 40 felt like the end of the world.",
]


def test_a_section_named_after_a_sign_is_a_topic() -> None:
    # no emergency for the section's name, no fever for the idiom (whether the classifier then raises the
    # sentence as a disclosure is its own call)
    result = screen("The slurred speech section gave me chills, so important.", "comment")
    assert result.urgency == "routine" and not any(r.label in ("stroke_signs", "fever") for r in result.reasons)


def test_a_section_named_after_a_sign_is_no_cover_for_the_sign_itself() -> None:
    # "the slurred speech section" is a topic; a writer whose speech is slurred "this whole video" is not
    result = screen("my speech is slurred this whole video, is that a stroke?", "comment")
    assert result.urgency == "emergency" and result.decision == HOLD


def test_a_vaccine_by_brand_discloses_no_condition() -> None:
    result = screen("Does the RSV vaccine advice apply to me if I already got Arexvy last year?", "comment")
    assert result.advice_request and not result.health_disclosure  # asks about the writer, reveals no condition


@pytest.mark.parametrize("text", _PERSONAL_17)
def test_seventeenth_round_disclosures_are_held(text: str) -> None:
    result = screen(text, "comment")
    assert result.health_disclosure and result.decision == HOLD


# --- eighteenth round: a mental-health practice; emergency-medicine education; a rural practice ----
_GENERAL_18 = [
    "Depression isn't just sadness, thank you for explaining that.",
    "Is ADHD overdiagnosed, or are we just better at spotting it now?",  # everyone's "we"; spotting a pattern
    "Chest pain is always worth checking. Don't be a hero.",
    "Is the poison control number the same in every state?",
    "So for choking it's coughing first, then back blows, then thrusts?",  # first-aid steps
    "Fever isn't the enemy, it's the body fighting.",
    "basically: can't breathe, chest pain, bad bleeding = ER. sprains, small cuts = urgent care.",  # a rule
    "The post says to call 911 for stroke signs. Why not drive?",
    "The part about not inducing vomiting surprised me.",
    "Tetanus shot done, back to fencing",  # a vaccination
    "Every July 5th is the same in our department: fireworks burns.",  # a date every year, nobody's
    "Somebody in Washington ought to try that drive to the nearest hospital.",  # a government, not a person
    "Loved Dr. Okafor's stress bucket explanation",  # the author credited
]


_SPAM_18 = [
    "Lonely tonight? Meet singles near you at lovematch.co",
    "ADHD meds prescribed in 10 minutes, no waitlist, no questions: quickrx.io",
    "Become a certified phlebotomist in 3 weeks! Enroll today",
    "Ringing ears gone in 3 days. Just search Quietex and thank me later",
    "We buy used farm equipment, best cash offers, inbox me",
    "Big Pharma doesn't want you to know this tea stops infections. DM for bulk pricing",
]


_IDENTIFIERS_18 = [
    ("My parents are 79 and 83 and their AC is out", ["79"]),
    ("Anybody else out on Miller Rd smelling the spraying?", ["Miller Rd"]),
    ("Ticks are bad down at Hank's Crossing this year", ["Hank's Crossing"]),
    ("my friend Addison's mom has diabetes", ["Addison's"]),  # a first name, not the disease named after one
]


_CRISES_18 = [
    "My daughter said she wishes she wasn't alive and then laughed it off",  # told of someone else
    "my husband keeps saying he's done and he just bought a rifle",
    "My brother is giving away his tools and says he won't need them anymore",
    "Our son posted goodbye messages last night and isn't answering",
    "Sometimes I think the life insurance would do my kids more good than I do",
    "Depression has won. Sorting out my will so nobody has to deal with the mess.",
    "Neighbor said he's been thinking of taking the long walk out back",
    "Don't see much reason to keep going since the farm sold",
    "my mom stopped eating and says there's no point anymore",  # "stopped eating" negates nothing after "and says"
    "Some nights I hold the pill bottle and count them",
    "I can't promise I'll be safe tonight",
    "my sister keeps saying the world would be better without her",
    # probes in the voices of earlier rounds' authors
    "honestly everyone would be happier if i just disappeared",
    "my old squad mate stopped answering and gave me his dog tags",
    "Grandpa says he won't be a burden to us and is refusing to eat",
    "Mom keeps talking about joining my late dad soon",
    "my son would be better off with someone else and me gone",
    "my cousin texted that she's going to jump",
    "I'm running out of reasons to stay",
    "Finally have a plan and I feel calm about it",
    "He's been sitting in the car with the engine running in the closed garage",
    "Started writing letters to my kids, just in case",
    "this is the last time you'll hear from me",
    "after the denial letter I loaded my pistol and sat with it",
    "a veces quiero dormir y no despertar",
]


# emergencies in a rural voice, and disclosures without a subject
_EMERGENCIES_18 = [
    "my dad fell off the ladder and his leg is bent the wrong way",
    "husband is sweaty and says his jaw and left arm hurt",
    "just got bit by a rattlesnake on the hand",
]


_PERSONAL_18 = [
    "Burnt out nurse here. Signed off with stress for a month.",
    "Heatstroke at a county fair got me once, scary stuff",
    "Selective mutism as a kid, teacher now.",
    "ADHD + anxiety combo is exhausting",
    "The whole family had pounding headaches before we found the CO leak",
    "Urgent care put me on doxy for two weeks and it cleared up",
    "I had a nervous breakdown at 40",
]


@pytest.mark.parametrize("text", _PERSONAL_18)
def test_eighteenth_round_disclosures_are_held(text: str) -> None:
    result = screen(text, "comment")
    assert result.health_disclosure and result.decision == HOLD


@pytest.mark.parametrize("text", _EMERGENCIES_18)
def test_eighteenth_round_emergencies(text: str) -> None:
    result = screen(text, "comment")
    assert result.urgency == "emergency" and result.decision == HOLD


@pytest.mark.parametrize(
    "text",
    [
        "Going to join my husband in Florida for the winter",
        "I said I'm going to jump in the pool with the kids",
        "Patient portal denied me access again, so annoying",
        "I sleep and never wake up rested",
        "Going to the lake and not coming back till Monday",
    ],
)
def test_eighteenth_round_crisis_patterns_leave_ordinary_plans_alone(text: str) -> None:
    assert not screen(text, "comment").crisis


def test_a_writers_own_past_is_no_offer() -> None:
    result = screen("I took Adderall in college without a prescription and felt guilty for years", "comment")
    assert not result.spam and result.health_disclosure


# --- the rounds' phrasings, one test per kind ----------------------------------------------
@pytest.mark.parametrize("text", [*_GENERAL_12, *_GENERAL_13, *_GENERAL_14, *_GENERAL_15, *_GENERAL_16, *_GENERAL_17, *_GENERAL_18])
def test_rounds_general_comments_are_published(text: str) -> None:
    result = screen(text, "comment")
    assert result.decision == PUBLISH, (result.identifiers, result.reasons)


@pytest.mark.parametrize("text", [*_SPAM_12, *_SPAM_13, *_SPAM_14, *_SPAM_15, *_SPAM_16, *_SPAM_17, *_SPAM_18])
def test_rounds_spam_is_rejected(text: str) -> None:
    assert screen(text, "comment").decision == REJECT


@pytest.mark.parametrize(("text", "kept"), [*_IDENTIFIERS_12, *_IDENTIFIERS_13, *_IDENTIFIERS_14, *_IDENTIFIERS_15, *_IDENTIFIERS_16, *_IDENTIFIERS_17, *_IDENTIFIERS_18])
def test_rounds_identifiers(text: str, kept: list[str]) -> None:
    result = screen(text, "comment")
    assert [text[i.start : i.end] for i in result.identifiers] == kept and (not kept or result.decision == HOLD)


@pytest.mark.parametrize("text", [*_CRISES_14, *_CRISES_15, *_CRISES_16, *_CRISES_17, *_CRISES_18])
def test_rounds_crises_are_held(text: str) -> None:
    result = screen(text, "comment")
    assert result.crisis and result.decision == HOLD
