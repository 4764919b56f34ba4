"""Red-flag screening with the ConText algorithm (Harkema et al., 2009), in pure Python.

Pipeline for one text:

1. **Targets.** A lexicon of findings (`_TARGETS`: label, pattern, level, crisis) is matched
   case-insensitively against the text. Patterns allow the way patients write (no apostrophes,
   common misspellings, lower case). Matching never changes the text's length, so every span
   is a Python index into the original string.
2. **Modifiers.** ConText triggers (`_MODIFIERS`) carry a category — NEGATED_EXISTENCE,
   HISTORICAL, HYPOTHETICAL, FAMILY — and a direction (forward, backward, bidirectional).
   Pseudo-triggers ("not only", "no increase", "not sure if") are matched in the same pass and
   listed first, so they win over the trigger they contain and are then ignored. A trigger
   that overlaps a target is part of the target's wording ("don't want to live") and is
   ignored too.
3. **Scope.** A trigger's scope runs in its direction to the end of its sentence, stopped
   earlier by a termination term ("but", "however", "although", "except", "though", ";", a
   comma opening a new clause with its own subject: ", I …") or after a window of words.
4. **Decision.** A target inside the scope of any trigger does not count. Remaining targets
   set the level (emergency > urgent > routine) and the crisis flag. A few findings change
   level with message-wide context that an emergency physician would weigh: fever in an
   infant or with sepsis signs or after surgery, bleeding in pregnancy, a head injury on
   blood thinners, high blood sugar with vomiting or fast breathing (DKA).

Family history applies only to relatives' past conditions ("my dad had a stroke"); a parent
writing about their child in the present ("my son can't breathe") is writing about the patient.
Everything is compiled once, at import.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection
from dataclasses import dataclass, field

from bedside.screening import disclosure, identifiers, personal
from bedside.screening.disclosure import signals
from bedside.screening.identifiers import Identifier, find_identifiers
from bedside.screening.lexicon import (  # noqa: F401 - re-exported for tests
    _WORD_CHARS,
    _first_chars,
    _first_words,
    _Lexicon,
    _split_top_level,
    _sre_parse,
    _stem,
    _union,
)

EMERGENCY = "emergency"
URGENT = "urgent"
ROUTINE = "routine"
_LEVELS = {EMERGENCY: 2, URGENT: 1, ROUTINE: 0}

NEGATED = "NEGATED_EXISTENCE"
HISTORICAL = "HISTORICAL"
HYPOTHETICAL = "HYPOTHETICAL"
INFORMATIONAL = "HYPOTHETICAL_INFORMATIONAL"  # "signs of", "linked to", "risk of": asking about, not having
FAMILY = "FAMILY"
PSEUDO = "PSEUDO"
FORWARD, BACKWARD, BIDIRECTIONAL = "forward", "backward", "bidirectional"
PUBLISH, HOLD, REJECT = "publish", "hold", "reject"


@dataclass(frozen=True)
class Reason:
    label: str
    start: int
    end: int


@dataclass
class Screening:
    urgency: str = ROUTINE
    crisis: bool = False
    reasons: list[Reason] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    health_disclosure: bool = False
    advice_request: bool = False
    spam: bool = False
    decision: str = PUBLISH


# --- lexicon building blocks --------------------------------------------------------------
NT = r"(?:n'?t|\s+not)"  # "can't", "cant", "can not"
CANT = rf"(?:can\s+barely|can\s+hardly|barely\s+able\s+to|hardly\s+able\s+to|(?:can'?t|can\s+not)|cannot|could{NT}|unable to|not\s+able\s+to|n'?t\s+able\s+to|struggling to|hard to|trouble|difficulty|hard time|having a hard time)"
PRON = r"(?:my|his|her|their|our|the|your)"
ME = r"(?:my\s?self|myself|meself|my\s+self)"
BREATHE = r"(?:breath\w*|breth\w*|brea?the?|brethe|breahte)"
PAIN = r"(?:pain|pian|pains|paine|ache|aching|hurts?|hurting|discomfort)"
BELLY = r"(?:abdominal|abdomen|abdo|stomach|stomache|stomch|belly|tummy|gut|pelvic|lower right|right lower|side)"
SEVERE = (
    r"(?:severe|sever|severly|severely|excruciating|unbearable|worst|intense|extreme|extremely bad|agonizing|"
    r"horrible|terrible|awful|10\s?/\s?10|ten out of ten|crippling)"
)
RELATIVE = (
    r"(?:mom|mum|mother|dad|father|parents?|grand\w*|gran|nana|papa|uncle|aunt|auntie|brother|sister|"
    r"siblings?|cousin|relatives?|family members?|great\W?grand\w*)"
)
MEDWORDS = (
    r"(?:med|meds|medication|medications|medicine|medicines|pills?|prescriptions?|refills?|rx|drugs?|"
    r"dose|doses|doctor|specialist|neurologist|appointment|appt|clinic|prevention|risk|screening|"
    r"test|tests|disorder|history|hx|action plan|log|diary|free|protocol|awareness|hotline|lifeline)"
)

# (label, pattern, level, crisis)
_TARGETS: list[tuple[str, str, str, bool]] = [
    # --- crisis: suicide and self-harm, direct ------------------------------------------
    ("suicidal", rf"(?:suicid\w*|su[i1]c[i1]d\w*|s\*+[a-z]*cid\w*|sewer\s?slide|self[\s-]?delete)(?!\s+(?:{MEDWORDS}|headaches?|squad|doors?|bombers?|bombings?|rates?|statistics|stats|research)\b)", EMERGENCY, True),
    ("suicidal", r"(?-i:\bSI\b)(?!\s+joint)", EMERGENCY, True),
    ("suicidal", rf"(?:kill|killed|killing|off|offing|shoot|hang|hanging|drown|end|ending)\s+{ME}|cut\s+{ME}\s+(?:again|on\s+purpose|deep\w*|to\s+feel)|(?:hurt|harm|hurting|harming|cutting|burning)\s+{ME}\s+(?:again|on\s+purpose|intentionally|to\s+feel)", EMERGENCY, True),
    ("suicidal", r"\bkms\b|\bunalive\w*|\bctb\b", EMERGENCY, True),
    # a bystander who has called for help: "Called 911, I'm staying with him till they come"
    ("emergency_call", r"(?:just\s+|i\s+|we\s+)?(?:called|calling|phoned|rang)\s+(?:911|999|112|an\s+ambulance)(?=[^.!?]{0,60}?(?:[,;]|\s+(?:and|now|for|because))\s*(?:i'?m|we'?re|staying|waiting|they'?re|he|she|on\s+(?:their|the)\s+way|until|till)|\s*(?:now|just\s+now)\b)", EMERGENCY, False),
    # "I think about how easy it would be to just not make the curve", "drive into a tree"
    ("suicidal", r"how\s+easy\s+it\s+would\s+be\s+to\s+(?:just\s+)?(?:not\s+(?:make|take)\s+the\s+(?:curve|turn|bend)|not\s+wake\s+up|(?:drive|swerve|steer)\s+(?:off|into)|step\s+(?:off|in\s+front)|let\s+go|end\s+(?:it|things))|(?:drive|driving|swerve|swerving|steer|steering)\s+(?:my\s+car\s+)?(?:off\s+the\s+(?:road|bridge|cliff)|into\s+(?:a|the)\s+(?:tree|wall|river|oncoming|bridge|pole|truck))", EMERGENCY, True),
    # veiled farewells (fourteenth round): "I wrote the letters. I know where the key to the gun safe is",
    # "I've written the note already", "I'm giving away my gear this week. Take care of each other",
    # "not sure I can make it through another one of these nights"
    ("suicidal", r"(?:wrote|written|writing|left|finished)\s+(?:the|my|all\s+the|some|goodbye)\s+(?:letters|notes?)\b(?!\s+(?:for|to|about|on)\s+(?:school|work|the\s+(?:teacher|school|doctor|insurance|court|va|claim)))|(?:where|how\s+to\s+get\s+to)\s+(?:the\s+)?(?:key\s+to\s+the\s+)?gun(?:\s+safe)?\s+is|(?:key|combination|code)\s+to\s+(?:the|my|his)\s+gun\s+safe", EMERGENCY, True),
    ("suicidal", r"giv(?:e|ing)\s+away\s+(?:all\s+)?my\s+(?:stuff|things|gear|belongings|possessions|guns?|pets?|dog|cat|tools)\b(?=[^\n]{0,200}?\b(?:take\s+care\s+of\s+(?:each\s+other|yourselves|everyone|my)|goodbye|thanks\s+for\s+everything|won'?t\s+(?:be\s+)?need(?:ing)?\s+(?:it|them)|won'?t\s+be\s+(?:around|here)))|(?:thanks?|thank\s+you)\s+for\s+(?:everything|the\s+(?:good\s+|great\s+)?(?:posts|years|memories))[^\n]{0,120}?giv(?:e|ing)\s+away\s+(?:all\s+)?my\s+(?:stuff|things|gear|belongings|possessions|guns?)\b", EMERGENCY, True),
    # sixteenth round's probes: someone else's veiled farewell ("my husband keeps saying we'd be better off
    # without him"), joining the dead after a loss ("lost the baby at 20 weeks and i just want to go be with
    # her"), and a new parent afraid of harming the baby ("i don't trust myself with her")
    ("suicidal", r"(?:says|said|saying|keeps?\s+saying|(?:keeps?\s+|kept\s+)?(?:telling|tells|told)\s+(?:me|us|everyone|people)|thinks)\s+(?:that\s+)?(?:we|everyone|everybody|the\s+(?:kids|family)|you|they|i)(?:'d|\s+would|'ll|\s+will)?\s+(?:all\s+)?(?:be\s+)?(?:better|happier)\s+off\s+without\s+(?:him|her|them)\b|(?:want|wanna|ready)\s+to\s+go\s+be\s+with\s+(?:him|her|them|my\s+(?:baby|son|daughter|husband|wife|angel|mom|mum|dad|boy|girl))\b|(?:don'?t|do\s+not|can'?t|cannot)\s+trust\s+myself\s+(?:alone\s+)?(?:with|around)\s+(?:the\s+baby|my\s+(?:baby|son|daughter|kids?|newborn)|her|him|them)\b|(?:picture|imagine|thoughts?\s+(?:of|about))\s+(?:myself\s+)?(?:dropping|hurting|drowning|smothering|shaking)\s+(?:the|my)\s+(?:baby|newborn)", EMERGENCY, True),
    # "I've got my affairs sorted and I'm at peace with it", "The heat won't matter to me after this weekend"
    ("suicidal", r"(?:got|getting|have|had|put|putting|'ve\s+put)\s+(?:all\s+)?my\s+affairs\s+(?:in\s+order|sorted|settled|straight)|(?:won'?t|will\s+not|wont)\s+matter\s+(?:to\s+me\s+)?(?:after|by|past)\s+(?:this\s+weekend|tonight|tomorrow|this\s+week|friday|saturday|sunday)", EMERGENCY, True),
    # seventeenth round: a farewell wrapped in thanks ("Thanks for everything you've all done for me. I've made my
    # decision and I'm at peace with it. Please don't bother sending the bill reminders"), and a reply to
    # someone else at risk ("@lonelyrider please don't hurt yourself, talk to someone tonight")
    ("suicidal", r"(?:thanks?|thank\s+you)\s+for\s+everything[^\n]{0,160}?made\s+(?:my|the)\s+(?:decision|choice)\b[^\n]{0,60}?\bat\s+peace\b|made\s+(?:my|the)\s+(?:decision|choice)\b[^\n]{0,60}?\bat\s+peace\b(?=[^\n]{0,200}?(?:don'?t\s+bother|won'?t\s+(?:be\s+)?need|no\s+(?:longer|more)\s+need|goodbye))|please\s+(?:don'?t|do\s+not)\s+(?:hurt|harm|kill)\s+yourself(?=\s*(?:[.!,;]|$|tonight|today))|(?:don'?t|do\s+not)\s+(?:hurt|harm|kill)\s+yourself\W[^\n]{0,80}?(?:crisis|988|hotline|talk\s+to\s+someone|reach\s+out|we\s+want\s+you\s+here)", EMERGENCY, True),
    # eighteenth round: crises told of someone else, and a farmer's veiled one. "she wishes she wasn't alive",
    # "keeps saying he's 'done' and he bought a gun last week", "giving away his stuff and 'won't need it soon'",
    # "gave his dogs and his guns to his nephew and said he won't be needing them", "posted goodbye messages on
    # snapchat… his rifle is gone", "the life insurance would do my family more good than I ever did",
    # "Depression has won… Sorting out my will this week so nobody has to deal with a mess"
    ("suicidal", r"wish(?:es|ed)?\s+(?:that\s+)?(?:he|she|they)\s+(?:was|were)(?:n'?t|\s+not)\s+(?:alive|here|born|around)|wish(?:es|ed)?\s+(?:that\s+)?(?:he|she|they)\s+(?:was|were|could\s+be)\s+dead"
     r"|(?:keeps?|kept)\s+(?:saying|telling\s+(?:me|us|everyone))\s+(?:that\s+)?(?:he'?s|she'?s|they'?re|he\s+is|she\s+is)\s+[\"\u201c']?(?:done|finished|ready\s+to\s+go)\b"
     r"|(?:bought|buying|got|getting)\s+a\s+(?:gun|rifle|pistol|handgun|shotgun)\b(?=[^\n]{0,200}?(?:\bdone\b|depress\w*|ptsd|hopeless|goodbye|giving\s+away|won'?t\s+(?:be\s+)?need|suicid\w*|not\s+answering|worried))"
     r"|(?:\bdone\b|depress\w*|ptsd|hopeless|goodbye|giving\s+away|suicid\w*)[^\n]{0,200}?\b(?:bought|got)\s+a\s+(?:gun|rifle|pistol|handgun|shotgun)\b"
     r"|(?:giv(?:e|es|ing)|gave|given|sold|selling)\s+(?:away\s+)?(?:all\s+)?(?:of\s+)?(?:his|her|their|my)\s+(?:[\w'-]+\s+){0,6}?(?:guns?|rifles?|dogs?|cats?|pets?|stuff|things|belongings|tools|gear|cows|cattle|horses?)\b[^\n]{0,160}?won'?t\s+(?:be\s+)?need(?:ing)?\s+(?:it|them)\b"
     r"|(?:posted|posting|sent|sending|texted|left|wrote|writing|recorded)\s+(?:a\s+|some\s+|these\s+)?goodbye\s+(?:messages?|posts?|texts?|videos?|notes?|letters?|emails?)|(?:his|her|their|my|dad'?s|the)\s+(?:rifle|gun|pistol|shotgun|handgun)\s+(?:is|was)\s+(?:gone|missing)\b"
     r"|life\s+insurance\s+(?:would|will|'d|could)\s+(?:do|be\s+worth|help|serve)\s+(?:my|the)\s+(?:family|kids|wife|husband|children)\s+more\b|worth\s+more\s+(?:to\s+(?:my|the|them)\s*\w*\s+)?dead(?:\s+than\s+alive)?"
     r"|(?:the|my)?\s*(?:depression|darkness|illness)\s+(?:has|have)\s+won\b|(?:sort\w*|writ\w*|wrote|updat\w*|finish\w*|made|making)\s+(?:out\s+)?my\s+will\b[^\n]{0,80}?so\s+(?:nobody|no\s+one|no-one)\s+(?:has|have|will\s+have|needs?)\s+to", EMERGENCY, True),
    # ...and probes written in the same voices: "gave away his dog and said he won't need him anymore", "my
    # family would get more from the life insurance than from me", "the barn beam would hold me", "he has a plan
    # and then locked himself in the garage", "texted me 'tell mom I love her'", "walking into the lake and not
    # coming back", "cut himself again", "won't be a burden much longer", "go to sleep and never have to deal
    # with any of this again", "better off when I'm gone", "says there's no point anymore", "Got my shotgun out
    # tonight. Just sitting with it."
    ("suicidal", r"(?:giv(?:e|es|ing)|gave|given)\s+away\s+(?:his|her|their|my)\s+[\w' -]{1,40}?\b[^\n]{0,80}?won'?t\s+(?:be\s+)?need(?:ing)?\s+(?:it|them|him|her)\s+(?:any\s?more|soon|much\s+longer|where)"
     r"|life\s+insurance\b[^\n]{0,60}?\bthan\s+(?:from\s+|with\s+)?me\b|(?:get|got|gets)\s+more\s+(?:from|out\s+of)\s+(?:the|my)\s+life\s+insurance"
     r"|(?:beam|rafter|rope|branch|tree|pipe)\s+(?:would|will|could|'d)\s+hold\s+(?:me|my\s+weight|him|her)"
     r"|(?:he|she|they)\s+(?:said|says|told\s+(?:me|us))\s+(?:that\s+)?(?:he|she|they)\s+(?:has|had|have)\s+a\s+plan\b|locked\s+(?:himself|herself|themselves)\s+in\s+the\s+(?:garage|shed|barn)"
     r"|(?:texted|messaged|wrote|sent|said)[^\n]{0,30}?tell\s+(?:mom|mum|dad|my\s+\w+|the\s+kids|everyone|them)\s+(?:that\s+)?(?:i|he|she)\s+love[sd]?\s+(?:her|him|them|you)"
     r"|(?:cut|cuts|cutting|burn\w*|hurt\w*|harm\w*|scratch\w*)\s+(?:himself|herself|themselves|themself)\s+(?:again|on\s+purpose|deliberately|intentionally)|(?:been|started|is|was|keeps?)\s+(?:cutting|burning|harming|hurting)\s+(?:himself|herself|themselves|themself)"
     r"|won'?t\s+be\s+a\s+burden\s+(?:much\s+longer|for\s+(?:much\s+)?long|any\s?more|soon)"
     r"|(?:go\s+to\s+sleep|fall\s+asleep|sleep)\s+and\s+(?:never|not)\s+have\s+to\s+(?:deal|face|wake)|better\s+off\s+(?:when|once|after)\s+(?:i'?m|i\s+am|he'?s|she'?s|they'?re)\s+gone"
     r"|(?:says|said|keeps\s+saying)\s+(?:that\s+)?(?:there'?s|there\s+is)\s+no\s+point\s+(?:any\s?more|in\s+(?:living|anything|going\s+on|trying))"
     r"|(?:gun|shotgun|rifle|pistol|revolver)\s+(?:out|in\s+my\s+(?:lap|hands?))\b[^\n]{0,40}?(?:(?:just\s+)?(?:sitting|staring)\s+(?:with|at)\s+(?:it|him|her)|holding\s+it)|(?:sitting|sat|been\s+sitting)\s+(?:here\s+)?with\s+(?:my|the|a|dad'?s)\s+(?:loaded\s+)?(?:gun|shotgun|rifle|pistol)", EMERGENCY, True),
    # ...and in a farming community's voice (probes): "taking the long walk into the woods", "don't see much reason
    # to keep going", "if the farm goes he goes with it", "cleaning my deer rifle… thinking things I shouldn't", "ready
    # to be with mom", "he'd rather not wake up than face another winter", "told my son where the papers are… in
    # case anything happens to me", "a letter explaining where everything is", "not gonna be around for calving
    # season", "nobody would care if he was gone", "rope in the barn tied off", "take the truck and not come home"
    ("suicidal", r"(?:take|taking|took)\s+(?:a|the|that)\s+long\s+walk\b"
     r"|(?:don'?t|dont|do\s+not|can'?t|cant)\s+see\s+(?:much|any|a|the)\s+(?:reason|point)\s+(?:to|in)\s+(?:keep(?:ing)?\s+going|go(?:ing)?\s+on|living|carry(?:ing)?\s+on|being\s+here|stay(?:ing)?\s+alive)"
     r"|if\s+(?:the\s+|our\s+|his\s+|my\s+)?(?:farm|ranch|business|shop|land|house|marriage)\s+goes,?\s+(?:he|she|i|they)\s+(?:goes|go|'?m\s+going|am\s+going)\s+(?:with\s+it|too)"
     r"|(?:gun|rifle|shotgun|pistol)\b[^\n]{0,80}?thinking\s+(?:things|thoughts|about\s+things)\s+(?:i|he|she)\s+shouldn'?t"
     r"|ready\s+to\s+(?:go\s+)?be\s+with\s+(?:mom|mum|ma|dad|pa|my\s+\w+|him|her|them)\b"
     r"|(?:\w+'d|would)\s+(?:rather|sooner)\s+(?:not\s+wake\s+up|not\s+be\s+here|not\s+be\s+alive|not\s+exist)\b"
     r"|(?:told|showed|telling|showing)\s+(?:my|the|his|her)\s+\w+\s+where\s+(?:the|my|all\s+the|his|her)\s+(?:papers|will|insurance|documents|key)\b[^\n]{0,100}?(?:in\s+case|this\s+week|tonight)"
     r"|(?:letter|note)\s+(?:explaining|telling\s+(?:her|him|them))\s+where\s+(?:everything|the\s+\w+)\s+(?:is|are)\b"
     r"|(?:i'?m|im|i\s+am)\s+not\s+(?:gonna|going\s+to)\s+be\s+(?:around|here)\s+(?:for|by|to\s+see)\s+(?:\w+\s+){0,2}?(?:season|harvest|christmas|spring|summer|fall|winter|birthday|graduation|much\s+longer)"
     r"|(?:no\s*one|nobody)\s+(?:would|will|'d)\s+(?:even\s+)?(?:miss\s+(?:him|her|them)|care|notice)\s+(?:if|when)\s+(?:he|she|they)\s+(?:was|were|is|are)\s+(?:gone|dead|not\s+here)"
     r"|(?:rope|cord)\b[^\n.]{0,40}?\btied\s+(?:off\b|to\s+(?:a|the)\s+(?:beam|rafter|tree|railing))"
     r"|(?:walk\w*|swim\w*|driv\w*|go|going|head\w*|take|taking|took|leave|leaving)\s+(?:[\w']+\s+){0,4}?and\s+(?:just\s+)?(?:not|never)\s+(?:coming|come)\s+(?:back|home)(?!\s+(?:till|until|for|before|after|by|on))"
     r"|(?:says|said|saying|keeps\s+saying)\s+(?:that\s+)?(?:he|she|they)\s+wants?\s+to\s+(?:disappear|be\s+gone|not\s+exist|die)\b", EMERGENCY, True),
    # a limb bent the wrong way, a heart attack felt in the jaw and arm, a venomous bite (probes in the same voices)
    ("major_trauma", r"(?:leg|arm|ankle|wrist|knee|elbow|finger|bone)\s+(?:is\s+|was\s+|looks\s+|'s\s+)?(?:bent|twisted|pointing|facing)\s+(?:the\s+)?(?:wrong|weird|backwards|sideways)", EMERGENCY, False),
    ("chest_pain", r"(?:jaw|left\s+arm|left\s+shoulder)\s+and\s+(?:his\s+|her\s+|my\s+)?(?:jaw|left\s+arm|chest|left\s+shoulder)\s+(?:both\s+)?(?:hurt|hurts|hurting|pain|ache|aches|aching)|(?:sweat\w*|clammy)\b[^.!?\n]{0,60}?(?:jaw|left\s+arm)\s+(?:\w+\s+){0,3}?(?:hurt|hurts|hurting|pain|ache|aches|aching)", EMERGENCY, False),
    ("envenomation", r"(?:bit|bitten|bite)\s+by\s+(?:a\s+|an\s+)?(?:copperhead|rattlesnake|rattler|cottonmouth|water\s+moccasin|moccasin|coral\s+snake|snake|black\s+widow|brown\s+recluse|scorpion)|(?:copperhead|rattlesnake|rattler|cottonmouth|snake)\s+bit\s+(?:me|him|her|my|our)", EMERGENCY, False),
    # ...and in a mental-health practice's voice (probes): "the world would be better without her in it", "thoughts
    # of not existing", "I hold the pill bottle and count them", "tired of everything", "I don't think I'll make it
    # to my next appointment", "I can't promise I'll be safe tonight"
    ("suicidal", r"(?:hold|holding|held|stare|staring|stared)\s+(?:at\s+)?(?:the|my|a)\s+(?:pill\s+)?bottle\b[^.!?\n]{0,30}?\bcount|count(?:ing|ed)?\s+(?:out\s+)?(?:my|the|all\s+my|all\s+the)\s+(?:sleeping\s+|pain\s+)?(?:pills|tablets|meds)\s+(?:again|over\s+and\s+over|every\s+night|at\s+night|tonight)\b"
     r"|(?:don'?t|do\s+not)\s+think\s+i'?(?:ll|\s+will)\s+(?:make\s+it|be\s+(?:here|around|alive))\s+(?:to|for|until|till)\s+(?:my\s+|the\s+)?next\s+(?:appointment|session|visit|week|month|birthday)"
     r"|(?:can'?t|cannot|can\s+not)\s+(?:promise|guarantee|say)\s+(?:that\s+)?i'?(?:ll|\s+will)\s+(?:be|stay|keep\s+myself)\s+safe|(?:don'?t|do\s+not)\s+feel\s+safe\s+(?:with|around)\s+myself", EMERGENCY, True),
    # ...and probes in the voices of earlier rounds (teenagers, veterans, recovery, cancer, ageing, postpartum,
    # Spanish): "gave me his dog tags", "won't be a burden to us", "joining my dad in heaven soon", "my baby would be
    # better off with someone else and me gone", "said she's going to jump", "running out of reasons to stay",
    # "finally have a plan and I feel calm", "the engine running in the closed garage", "on my own terms", "writing
    # notes to each of my kids", "the last time you'll hear from me", "go out before it takes me", "loaded my
    # pistol and just sat there", "dormir y no despertar", "estarían mejor sin mí", "ya no aguanto más"
    ("suicidal", r"gave\s+(?:me|us|away)\s+(?:his|her)\s+(?:dog\s+tags|medals)\b|stopped\s+answering\b[^\n]{0,80}?\bgave\s+(?:me|us|away)\b|\bgave\s+(?:me|us)\s+(?:his|her)\s+\w+(?:\s+\w+)?\b[^\n]{0,60}?stopped\s+answering"
     r"|(?:won'?t|will\s+not)\s+be\s+a\s+burden\s+(?:to|on)\b|refus\w*\s+to\s+eat\b[^\n]{0,80}?\bburden|\bburden\b[^\n]{0,80}?refus\w*\s+to\s+eat"
     r"|(?:wants?\s+to|ready\s+to|talk(?:s|ing)?\s+about)\s+(?:go\s+)?join(?:ing)?\s+(?:my\s+(?:late\s+)?\w+|him|her|them)\b(?!\s+(?:in|at|for|on|to|this|next)\b(?!\s+heaven))|join(?:ing)?\s+(?:my\s+\w+|him|her|them)\s+(?:in\s+heaven|on\s+the\s+other\s+side)\s+(?:soon|shortly|tonight|before\s+long)"
     r"|better\s+off\s+with\s+(?:someone|somebody)\s+else\b|(?:and|with)\s+me\s+gone\b"
     r"|(?:said|says|told\s+me|texted(?:\s+me)?)\s+(?:that\s+)?(?:she'?s|he'?s|they'?re|she\s+is|he\s+is|i'?m)\s+(?:going\s+to|gonna|about\s+to)\s+jump\b(?!\s+(?:in|into|on|off|at|over|up|rope|start|ahead|for)\b)"
     r"|(?:running\s+out\s+of|no\s+more|can'?t\s+find\s+(?:any\s+)?)\s*reasons?\s+to\s+(?:stay|live|keep\s+going|go\s+on|be\s+here)"
     r"|(?:finally|now)\s+(?:i\s+)?(?:have|got)\s+a\s+plan\b(?=[^\n]{0,60}?(?:calm|peace|relief|ready|decided))"
     r"|engine\s+running\b[^\n]{0,40}?(?:closed|shut)\s+garage|(?:closed|shut)\s+garage\b[^\n]{0,40}?engine\s+running|(?:car|truck|engine)\s+running\s+in\s+the\s+(?:closed\s+|shut\s+)?garage"
     r"|(?:go|leave|die|end\s+it|end\s+things)\s+on\s+my\s+own\s+terms|go\s+out\s+before\s+(?:it|the\s+\w+|cancer)\s+takes\s+me"
     r"|(?:wrote|written|writing|started\s+writing|left)\s+(?:letters|notes)\s+(?:to|for)\s+(?:each\s+of\s+)?(?:my|the)\s+(?:kids|children|family|wife|husband|son|daughter|parents|grandkids)"
     r"|last\s+time\s+(?:you'?ll|you\s+will|anyone\s+(?:will|'?ll))\s+hear\s+from\s+me"
     r"|loaded\s+(?:my|the|his|her|a)\s+(?:pistol|gun|rifle|shotgun|revolver)\b[^\n]{0,40}?(?:sat|sitting|stared|staring|held|holding)"
     r"|dormir\s+y\s+no\s+despertar(?:me)?|(?:estar[ií]an|estar[aá]n)\s+mejor\s+sin\s+m[ií]|ya\s+no\s+aguanto\s+m[aá]s", EMERGENCY, True),
    # a prolapsed cord: "my water broke and I can see the cord"
    ("labour_emergency", r"(?:see|feel|seeing|feeling)\s+(?:the\s+|a\s+)?(?:umbilical\s+)?cord\b|cord\s+(?:is\s+)?(?:coming\s+out|hanging\s+out|prolapse\w*)|prolapsed\s+cord|(?:coming|hanging|sticking)\s+out,?\s+(?:\w+\s+){0,3}?(?:the\s+)?(?:umbilical\s+)?cord\b", EMERGENCY, False),
    ("suicidal", r"(?:not\s+sure|don'?t\s+know\s+if|doubt)\s+i\s+can\s+(?:make\s+it|get)\s+through\s+(?:another|one\s+more)\s+(?:one\s+of\s+these\s+)?(?:night|day|week)s?\b", EMERGENCY, True),
    # in Spanish, which many US practices' patients write: "a veces pienso en acabar con todo", "ya no le
    # encuentro sentido a nada", "quiero morirme", "quitarme la vida"
    ("suicidal", r"acabar\s+con\s+todo|quitarme\s+la\s+vida|(?:quiero|quisiera|deseo)\s+morir(?:me)?|no\s+quiero\s+(?:seguir\s+)?vivir|ya\s+no\s+(?:le\s+)?(?:encuentro|veo|tiene)\s+sentido|matarme|mejor\s+(?:estarían|estarian|estarán|estaran)\s+sin\s+m[ií]", EMERGENCY, True),
    ("self_harm", r"se\s+corta\b|me\s+corto\b|cortarme|cortándose|cortandose|se\s+hace\s+daño|me\s+hago\s+daño|lastimarme", EMERGENCY, True),
    ("breathing", r"no\s+puede\s+respirar|no\s+puedo\s+respirar|no\s+respira\b|se\s+está\s+ahogando|labios\s+morados", EMERGENCY, False),
    ("chest_pain", r"dolor\s+(?:fuerte\s+)?(?:de|en\s+el)\s+pecho", EMERGENCY, False),
    ("unconscious", r"se\s+desmay[óo]|no\s+(?:despierta|reacciona|responde)\b|inconsciente", EMERGENCY, False),
    # "i keep thinking about not waking up and it doesnt even scare me anymore"
    ("suicidal", r"(?:thinking|think|thought|thoughts)\s+(?:a\s+lot\s+)?(?:about|of)\s+(?:just\s+)?(?:not\s+waking\s+up|never\s+waking\s+up|not\s+being\s+(?:here|alive|around)|not\s+existing|disappearing\s+forever|dying|being\s+dead)", EMERGENCY, True),
    # a farewell with thanks: "just wanted to say thanks to this page before I go. it helped for a while"
    ("suicidal", r"(?:thanks?|thank\s+you|grateful|goodbye|bye|love\s+you\s+all)\b[^.!?\n]{0,80}?\bbefore\s+i\s+go(?=\s*(?:[.!]|$|,?\s+(?:it|this|you|everyone|all)\b))", EMERGENCY, True),
    # veiled: "I've been looking up bridges", "I keep looking at the bridge on the school run",
    # "I'm scared of myself", "the dark thoughts are back"
    ("suicidal", r"(?:keep|kept|been|started|caught\s+myself|find\s+myself|i\s+was)\s+(?:looking|staring)\s+at\s+(?:the\s+|a\s+)?(?:bridges?|train\s+tracks|tracks|cliffs?|the\s+edge|tall\s+buildings)\b|(?:looking|looked|googling|googled|researching|researched)\s+(?:up\s+)?(?:tall\s+)?(?:bridges|cliffs|tall\s+buildings)\b(?!\s+(?:for\s+(?:my|a|our)\s+(?:class|project|course|trip|holiday|vacation)))|(?:scared|afraid|frightened|terrified)\s+of\s+(?:myself|what\s+i\s+(?:might|could|would|will)\s+do)|(?:dark|bad|intrusive|suicidal|old)\s+thoughts\s+(?:are|were|have\s+been|came|coming)\s+back|thoughts\s+are\s+back,?\s+the\s+(?:dark|bad)\s+ones", EMERGENCY, True),
    ("suicidal", r"(?:end|ending|take|taking)\s+(?:it\s+all|my\s+(?:own\s+)?life|my\s+suffering)|(?:end|ending)\s+it\s+(?:tonight|now|today)", EMERGENCY, True),
    ("suicidal", r"(?:wanna|want\s+to|wanting\s+to|wanted\s+to|ready\s+to|should\s+just|i\s+just\s+want\s+to)\s+(?:just\s+)?(?:die|be\s+dead|not\s+exist|stop\s+existing|disappear\s+forever|not\s+wake\s+up|sleep\s+forever|never\s+wake\s+up)", EMERGENCY, True),
    ("suicidal", r"wish\s+(?:i\s+(?:was|were|could\s+be)\s+dead|i\s+(?:was|were)n'?t\s+(?:alive|here|born)|i\s+had\s+never\s+been\s+born|i\s+could\s+(?:just\s+)?(?:die|disappear|not\s+wake\s+up)|i\s+(?:would|wouldn'?t)\s+wake\s+up|i\s+didn'?t\s+wake\s+up)", EMERGENCY, True),
    ("suicidal", rf"(?:do{NT}|don'?t|dont|no\s+longer)\s+(?:really\s+)?(?:want|wanna|wish)\s+(?:to\s+)?(?:live|be\s+alive|be\s+here|exist|wake\s+up|keep\s+living|go\s+on|be\s+around)", EMERGENCY, True),
    ("suicidal", r"(?:better\s+off\s+(?:dead|without\s+me|if\s+i\s+(?:just\s+|simply\s+)?(?:was|were)(?:n'?t|\s+not)\s+(?:here|around|alive)|if\s+i\s+(?:just\s+)?died)|(?:rather|better)\s+be\s+dead|deserve\s+to\s+die)", EMERGENCY, True),
    ("suicidal", r"(?:no|any|what'?s\s+the)\s+(?:reason|point|purpose)\s+(?:to|in|of)\s+(?:live|living|go\s+on|going\s+on|being\s+(?:here|alive)|life|anything\s+any\s?more)", EMERGENCY, True),
    ("suicidal", rf"(?:don'?t|dont|do{NT}|can'?t|cant)\s+see\s+(?:the|a|any)\s+point\s*(?:anymore|any\s+more|(?:in|of|to)\s+(?:anything|living|life|going\s+on|carrying\s+on|being\s+here|trying|any\s+of\s+it|waking\s+up|getting\s+up))", EMERGENCY, True),
    ("suicidal", r"(?:planning|planned|plan|thinking\s+about|figured\s+out|worked\s+out|decided)\s+(?:how|when|where)\s+(?:to|i(?:'?m|\s+am|'?ll|\s+will)?\s+(?:going\s+to\s+)?)\s*(?:do\s+it|end\s+it|go|kill|die|take\s+(?:them|the\s+pills)|jump)", EMERGENCY, True),
    # asking how much it takes to die is asking how, whoever it is "for"
    ("suicidal", r"(?:lethal|fatal|deadly|killing)\s+(?:dose|amount|overdose)(?!\s+(?:of\s+)?(?:caffeine|coffee|energy\s+drinks?|water|salt|sugar|vitamins?|nutmeg|chocolate|alcohol|radiation)\b)|how\s+(?:many|much)\s+(?:\w+\s+){0,4}?(?:does\s+it|would\s+it|will\s+it|would\s+i|do\s+i|should\s+i|to)\s+(?:take|need|have\s+to\s+take)\s+(?:\w+\s+){0,2}?(?:to\s+)?(?:die|not\s+wake\s+up|never\s+wake\s+up|kill|end\s+it|od|overdose)\b|(?:how\s+(?:many|much)|the\s+most|the\s+max(?:imum)?)\s+(?:\w+\s+){0,4}?(?:(?:someone|a\s+person|one|you|i|people)\s+(?:could|can|would|should)|(?:could|can|would|should)\s+(?:someone|a\s+person|one|you|i|people))\s+(?:take|swallow|have)\s+(?:\w+\s+){0,2}?(?:before|until|till)\s+(?:(?:it'?s|it\s+is|it\s+gets|it\s+becomes|being)\s+(?:fatal|lethal|deadly)|(?:they|you|i|one)\s+die|dying)|(?:go\s+to\s+sleep|fall\s+asleep|sleep)\s+and\s+(?:not|never)\s+wake\s+up(?!\s+(?:rested|refreshed|feeling|tired|on\s+time|early|before|until|till))|(?:don'?t|dont|do\s+not)\s+want\s+to\s+wake\s+up", EMERGENCY, True),
    ("suicidal", r"(?:nothing|no\s*one|nobody)\s+(?:left\s+)?to\s+live\s+for|(?:life|living)\s+(?:is\s*n'?t|is\s+not|isnt|not)\s+worth\s+(?:it|living)|not\s+worth\s+living", EMERGENCY, True),
    ("suicidal", r"(?:(?:can'?t|can\s+not)|cannot|cant)\s+(?:go\s+on|keep\s+going|keep\s+living|do\s+(?:this|it|life)\s+any\s?more|take\s+(?:it|this|life)\s+any\s?more|live\s+like\s+this)", EMERGENCY, True),
    ("suicidal", r"(?:tired|sick)\s+of\s+(?:living|being\s+alive|life|existing|being\s+here|everything(?=\s*(?:[\"\u201d'.!,;]|$|any\s?more)))|done\s+with\s+(?:life|living|everything|it\s+all)|give\s+up\s+on\s+(?:life|living|everything)", EMERGENCY, True),
    ("suicidal", r"(?:no\s*one|nobody|none\s+of\s+them)\s+(?:would|will|'?d)\s+(?:even\s+)?(?:miss\s+me|notice\s+me|(?:notice|care)\s+(?:if|when|that)\s+i)|(?:world|everyone|everybody|family|we|they|kids|people)\s+(?:would|will|'?d)\s+(?:all\s+)?be\s+(?:better|happier)\s+(?:off\s+)?without\s+(?:me|him|her|them)\b|(?:a|such\s+a|just\s+a)\s+burden\s+(?:to|on)\s+(?:every\w*|my\s+family|them|all)", EMERGENCY, True),
    ("suicidal", r"(?:i\s+have|i'?ve\s+got|i\s+made|i'?m\s+making|i\s+got)\s+a\s+plan(?=\s*(?:[.!,;]|$|and\s+(?:i|the)|to\s+(?:end|kill|do\s+it|die|take\s+my|overdose|hang|jump|shoot)|for\s+(?:how|when)))|(?:wrote|written|writing|left)\s+(?:a|my)\s+(?:suicide\s+)?(?:note|goodbye\s+letter)|said\s+(?:my\s+goodbyes|goodbye\s+to\s+(?:every\w*|all\s+of\s+you|the\s+world))|saying\s+goodbye\s+to\s+every\w*|giving\s+(?:away\s+my\s+(?:stuff|things|belongings)|my\s+(?:stuff|things|belongings)\s+away)|this\s+is\s+(?:my\s+)?(?:goodbye|my\s+last\s+message)(?=\s*(?:[.!]|$))|won'?t\s+be\s+(?:here|around)\s+(?:much\s+longer|for\s+(?:much\s+)?long)", EMERGENCY, True),
    ("suicidal", rf"(?:stockpil\w*|saving\s+up|hoarding|collecting)\s+(?:my\s+|all\s+my\s+)?(?:(?:sleeping|sleep|pain|anxiety|heart)\s+)?(?:pills|meds|medication|tablets)|(?:bought|got|have|loaded)\s+a\s+(?:rope|gun)\s+to\s+(?:end|kill|use\s+on\s+myself|do\s+it)|(?:jump|jumping)\s+(?:off|in\s+front\s+of)\s+(?:a|the)\s+(?:bridge|building|roof|train|car|cliff)|slit\s+(?:my\s+)?wrists?|noose|hang\s+myself|overdose\s+on\s+purpose|thoughts?\s+of\s+(?:dying|death|ending\s+it|killing\s+{ME}|not\s+being\s+here)|(?:want|wanting|wanna|urges?|urge)\s+to\s+(?:cut|hurt|harm|burn)\s+{ME}|urges?\s+to\s+(?:cut|self[\s-]?harm)", EMERGENCY, True),
    ("suicidal", rf"(?:wants?|wanted|wanting|going|trying|tried|threaten\w*)\s+to\s+(?:die|kill\s+(?:him|her|them)sel(?:f|ves)|end\s+(?:his|her|their)\s+(?:own\s+)?life|take\s+(?:his|her|their)\s+(?:own\s+)?life)|(?:sleep|go\s+to\s+sleep|fall\s+asleep)\s+and\s+(?:never|not)\s+wake\s+up(?!\s+(?:rested|refreshed|feeling|tired|on\s+time|early|before|until|till))|(?:don'?t|dont|do\s+not)\s+know\s+(?:if|how|whether)\s+(?:i\s+can|much\s+longer\s+i\s+can)\s+(?:go\s+on|keep\s+going|keep\s+living|do\s+this|hold\s+on|survive)|(?:everything|life|living)\s+(?:feels|is|seems)\s+(?:so\s+|completely\s+)?pointless|(?:would|will|does|do)\s+(?:anyone|anybody)\s+(?:even\s+)?(?:care|notice|miss\s+me)\s+if\s+i\s+(?:died|was\s+gone|disappeared|killed\s+{ME}|wasn'?t\s+here)|(?:pain|it|everything)\s+to\s+stop\s+forever|(?:telling|told|tell|tells)\s+me\s+to\s+(?:kill|hurt|harm|cut)\s+{ME}|(?:cutting|slicing)\s+(?:my|his|her|their)\s+(?:arms?|wrists?|thighs?|legs)", EMERGENCY, True),
    ("self_harm", rf"self[\s-]?harm\w*|self[\s-]?injur\w*|(?:been|started|keep|kept|i'?m|am)\s+(?:cutting|burning|hurting|harming|scratching)\s+{ME}|(?:started|been)\s+cutting\s+again|relapsed\s+(?:on|with)\s+(?:cutting|self\s?harm)", EMERGENCY, True),
    ("overdose", r"overdos\w*|\bod'?d\b|\bod\s+on\b|took\s+(?:the|a|my|his|her|all\s+(?:of\s+)?(?:my|the|his|her))?\s*(?:whole|entire|full)\s+(?:bottle|pack|packet|box|blister|supply|prescription)|took\s+(?:way\s+too\s+many|too\s+many|a\s+(?:bunch|handful|lot)\s+of|\d{2,}|twenty|thirty|forty|fifty)\s+(?:of\s+)?(?:my\s+|the\s+|his\s+|her\s+)?(?:\w+'s\s+)?(?:pills|tablets|tylenol|advil|meds|sleeping\s+pills|xanax|oxy\w*|percocet|ambien|benadryl|aspirin|insulin|ibuprofen|acetaminophen|paracetamol)|swallowed\s+(?:a\s+(?:bunch|handful)\s+of|all\s+(?:my|the|his|her))|took\s+all\s+(?:of\s+)?(?:my|the|his|her)\s+(?:\w+\s+)?(?:pills|meds|tablets|medication|medicine)\s+(?:at\s+once|at\s+the\s+same\s+time|left|i\s+had|i\s+could\s+find|in\s+the\s+bottle)", EMERGENCY, True),
    ("suicidal", rf"(?:wish|hope|hoping|pray|praying)\s+(?:that\s+)?i\s+(?:would\s+|could\s+|'d\s+|will\s+|just\s+)?(?:die|don'?t\s+wake\s+up|do\s+not\s+wake\s+up|never\s+wake\s+up|won'?t\s+wake\s+up|was\s+never\s+born|were\s+never\s+born|wasn'?t\s+born|had\s+never\s+been\s+born|was\s+dead|were\s+dead|get\s+hit\s+by\s+a)|sleep\s+forever|(?:thinking|think|thought|thoughts|obsess\w*)\s+(?:a\s+lot\s+)?(?:about|of)\s+(?:just\s+)?(?:dying|death|suicide|killing\s+{ME}|ending\s+(?:it|my\s+life|things|everything))|(?:decided|going|gonna|ready|want|wanna|planning|plan|close|about|tempted)\s+to\s+(?:end|ending)\s+(?:it|things|everything|my\s+life)(?!\s+with)|(?:so\s+)?close\s+to\s+ending\s+(?:it|things|everything|my\s+life)|no\s+way\s+out|want\s+out(?=\s*(?:[.!,;]|$|of\s+(?:this\s+)?life))|(?:life|my\s+life|everything|existence|living)\s+(?:is|feels|seems|has\s+become)\s+(?:so\s+|completely\s+|totally\s+|just\s+)?(?:meaningless|pointless|not\s+worth\s+it)|life\s+has\s+no\s+(?:meaning|point|purpose)|(?:care|cares|matter|matters)\s+(?:\w+\s+)?(?:if|whether)\s+i\s+(?:live|living)\s+or\s+(?:die|dying)|(?:live|living)\s+or\s+(?:die|dying)", EMERGENCY, True),
    ("suicidal", rf"(?:have|got|'ve\s+got)\s+(?:the|my|a|all\s+the)\s+(?:pills|rope|noose|gun|knife|blade|razor)\s+(?:ready|here|in\s+front\s+of\s+me|next\s+to\s+me|set\s+up|lined\s+up)|(?:bought|buying|ordered|got)\s+(?:a\s+)?(?:rope|noose)|(?:use|using|turn|turning|point|pointing)\s+(?:it|the\s+gun|a\s+gun|my\s+gun)\s+on\s+{ME}|(?:going|gonna|want|wanna|ready|about)\s+to\s+jump(?=\s*(?:[.!,;]|$|off\s+(?!(?:the\s+|a\s+)?(?:diving|high\s+dive|dock|boat|swing|trampoline|couch|bed|pier|rope))|from|in\s+front))|goodbye\s+(?:every\w*|world|all|cruel\s+world|forever)|(?:hurt|harm|cut|burn)\w*\s+{ME}\s+(?:\w+\s+){{0,3}}?(?:on\s+purpose|intentionally|deliberately)|(?:drive|driving|crash|crashing)\s+(?:my\s+car\s+)?(?:off\s+(?:the\s+|a\s+)?(?:road|bridge|cliff)|into\s+(?:a\s+)?(?:tree|wall|traffic|oncoming))|(?:step|walk|walking|stepping)\s+(?:out\s+)?in(?:to)?\s+(?:front\s+of\s+)?(?:traffic|a\s+(?:train|truck|bus))|goodbye\s+letters?|letters\s+to\s+(?:my\s+|the\s+)?(?:family|kids|children|grandkids|loved\s+ones|everyone)|(?:end|stop)\s+(?:the\s+|my\s+|this\s+)?(?:pain|suffering|it|everything)\s+(?:permanently|forever|for\s+good)|(?:can'?t|don'?t|do\s+not)\s+see\s+(?:a|any)\s+future|no\s+future\s+for\s+me|took\s+all\s+(?:of\s+)?(?:my|the|his|her)\s+(?:antidepressants|sleeping\s+pills|sleep\s+meds|painkillers|pain\s+pills|xanax|oxy\w*|tylenol|heart\s+pills|blood\s+pressure\s+pills|lithium|seroquel)|(?:would|will|'d)\s+be\s+(?:better|happier|easier)\s+(?:off\s+)?(?:for\s+every\w*\s+)?if\s+i\s+(?:just\s+)?(?:was|were|wasn'?t|weren'?t|died|disappeared|was\s+gone|was\s+dead|am\s+gone)", EMERGENCY, True),
    ("suicidal", rf"(?:don'?t\s+think\s+i\s+can|not\s+sure\s+i\s+can|unable\s+to)\s+(?:go\s+on|keep\s+(?:going|living|doing\s+this|fighting)|do\s+this\s+any\s?more|survive\s+this)|wish\s+i\s+(?:hadn'?t|didn'?t|had\s+not|did\s+not)\s+(?:wake|woke|woken)|(?:didn'?t|did\s+not|wouldn'?t|would\s+not)\s+wake\s+up\s+(?:tomorrow|again|ever|in\s+the\s+morning)|(?:looking\s+up|look\s+up|researching|googling|searching\s+(?:for|up)|reading\s+about)\s+(?:\w+\s+){{0,2}}?(?:ways\s+to\s+(?:do\s+it|die|end\s+it|kill)|methods|how\s+to\s+(?:die|do\s+it|end\s+it|kill\s+{ME})|how\s+many\s+pills|lethal\s+dose\w*|painless\s+ways)|(?:know|decided|figured\s+out|planned)\s+how\s+i'?(?:d|would|will|'ll)\s+do\s+it|(?:got|have)\s+everything\s+planned|tonight'?s?\s+(?:is\s+)?the\s+night|(?:want|need)\s+(?:everything|it\s+all|life|my\s+life|all\s+of\s+(?:it|this))\s+to\s+(?:stop|end|be\s+over)|(?:can'?t|cannot|can\s+not)\s+(?:handle|stand|bear|take)\s+(?:being\s+alive|living|life|existing|this\s+life|being\s+me)\s*(?:any\s?more)?|(?:don'?t|can'?t|cannot)\s+trust\s+{ME}(?=\s*(?:[.!,;]|$|right\s+now|tonight|any\s?more|around|alone|with\s+(?:the\s+|my\s+)?(?:pills|meds|gun|knives|knife|razors?)))|(?:scared|afraid|terrified)\s+(?:of\s+)?what\s+i\s+(?:might|could|will|may)\s+do|(?:might|going\s+to|gonna|will)\s+do\s+something\s+(?:stupid|drastic|permanent)|(?:better|happier|easier)\s+(?:off\s+)?without\s+(?:\w+\s+){{1,5}}?me(?!\w)|(?:stash|enough)\s+(?:of\s+)?(?:pills|meds)\s+to|(?:i'?ve|i\s+have|i'?ve\s+been|been|i\s+was|started|keep|still|i'?m)\s+(?:been\s+)?cutting(?=\s*(?:[.!,;]|$|again|for\s+(?:\d+|a\s+few|several|many|two|three)?\s*(?:years?|months?|weeks?)|myself|my\s+(?:arms?|wrists?|legs?|thighs?|skin)|and\s+(?:i|it|nobody|no\s+one)))|attempted\s+(?:twice|before|once|again|multiple\s+times|\d+\s+times|three\s+times)", EMERGENCY, True),
    ("suicidal", rf"feel(?:s|ing)?\s+like\s+dying|(?:want|wanna|wish\s+i\s+could|just\s+want\s+to)\s+(?:to\s+)?(?:be\s+gone|disappear|vanish|stop\s+existing|cease\s+to\s+exist)|wish\s+i\s+(?:didn'?t|did\s+not)\s+exist|hate\s+being\s+alive|(?:only|best|easiest)\s+(?:way\s+out|option|solution|answer)\s+(?:is|would\s+be|left\s+is)\s+(?:to\s+)?(?:die|death|dying|suicide|killing\s+{ME}|ending\s+it)|(?:final|last)\s+goodbye|no\s+reason\s+to\s+(?:keep\s+going|go\s+on|stay\s+alive|be\s+here|live|wake\s+up)|(?:want|need|deserve)\s+to\s+(?:hurt|harm|punish)\s+{ME}", EMERGENCY, True),
    # --- homicidal ideation (emergency, not self-directed) -----------------------------
    ("homicidal", r"homicid\w*|(?:want|wanna|urges?|thoughts?\s+(?:of|about))\s+(?:to\s+)?(?:kill|killing|hurt|hurting|shoot|stab)\s+(?:him|her|them|someone|somebody|some\s?one|people|everyone|my\s+(?:wife|husband|boss|mom|dad|kids?|partner|neighbou?r|coworker|family))", EMERGENCY, False),
    # --- cardiorespiratory ---------------------------------------------------------------
    ("chest_pain", r"chest\s+(?:\w+\s+){0,2}?(?:pain|pian|pains|pressure|tightness|tight|heaviness|heavy|squeez\w*|discomfort|ache|aching|hurts?|hurting|burning)|(?:pain|pressure|tightness|heaviness)\s+in\s+(?:my|his|her|the)\s+chest|crushing\s+(?:pain|pressure|feeling)|(?<!gives\sme\sa\s)(?<!gave\sme\sa\s)(?<!give\sme\sa\s)heart\s+attack|elephant\s+(?:on|sitting\s+on)\s+(?:my|his|her)\s+chest", EMERGENCY, False),
    ("breathing", rf"{CANT}\s+(?:to\s+)?(?:catch\s+(?:my|his|her|their)\s+)?{BREATHE}(?!\s+(?:through|out\s+of|thru)\s+(?:my|his|her|the)\s+nose)|short(?:ness)?\s+(?:of|o)\s+{BREATHE}|gasping|struggling\s+for\s+(?:air|breath)|can'?t\s+get\s+(?:enough\s+)?air|(?:not|stopped|isn'?t|wasn'?t)\s+breathing|turn(?:ed|ing)\s+blue|(?:lips|face)\s+(?:are|is|turned|look|looks)\s+(?:blue|grey|gray)|blue\s+lips|breathing\s+(?:is\s+)?(?:really\s+|very\s+|so\s+)?(?:hard|labou?red|difficult|fast|rapid|shallow)|out\s+of\s+breath\s+(?:at\s+rest|sitting|lying)|wheez\w*\s+(?:badly|and\s+can)|choking|inhaler\s+(?:is\s*n'?t|isnt|not)\s+(?:helping|working)", EMERGENCY, False),
    ("stroke_signs", r"(?:face|mouth|smile|lip)\s+(?:is\s+|was\s+|looks\s+)?droop\w*|droop\w*\s+(?:\w+\s+)?(?:face|mouth|smile|eyelid|side)|slurr\w*|(?:speech|words|talking)\s+(?:is\s+|are\s+|sounds?\s+)?(?:slurred|garbled|jumbled|weird|strange)|can'?t\s+(?:talk|speak|get\s+(?:my|his|her)\s+words\s+out|find\s+(?:my|his|her)\s+words)\s+(?:properly|right|suddenly|all\s+of\s+a\s+sudden)|sudden(?:ly)?\s+(?:\w+\s+)?(?:confus\w*|numb\w*|weak\w*|can'?t\s+(?:talk|speak|walk|move))|(?:arm|side|face)\s+(?:\w+\s+)?(?:went|is|feels|suddenly|going|gone)\s+(?:\w+\s+)?(?:numb|weak|limp|dead|heavy)|one\s+side\s+of\s+(?:my|his|her)\s+(?:face|body|mouth)|can'?t\s+(?:lift|move|raise|feel)\s+(?:my|his|her)\s+(?:left|right)?\s*(?:arm|leg|hand)(?!\s+(?:above|over|past|up\s+high|without\s+pain|because|all\s+the\s+way))|(?:having|had|think\s+(?:i'?m|im|he'?s|she'?s)\s+having|is\s+this)\s+a\s+stroke|can'?t\s+(?:feel|move)\s+(?:my|his|her)\s+legs|(?<!heat\s)stroke\s+(?:symptoms|signs)", EMERGENCY, False),
    ("confusion", r"(?:sleepy|drowsy|lethargic|weak)\s+and\s+(?:very\s+)?confused|confused\s+and\s+(?:very\s+)?(?:sleepy|drowsy|lethargic)|not\s+acting\s+like\s+(?:herself|himself|themselves|themself)|(?:he|she|they|mom|dad|wife|husband|grandma|grandpa|son|daughter|baby|father|mother)\s+(?:\w+\s+)?(?:is\s*n'?t|is\s+not|not|wasn'?t)\s+making\s+(?:any\s+)?sense|(?:sudden(?:ly)?|acting|new)\s+confus\w*|(?:he|she|mom|dad|grandma|grandpa|husband|wife|they)(?:'s|\s+is|\s+seems|\s+was)\s+(?:very\s+|really\s+|so\s+|suddenly\s+)?(?:confused|disoriented)|confused\s+and\s+(?:drowsy|sleepy|weak|not|can'?t)|(?:talking|speaking|words|speech|he'?s|she'?s|he\s+is|she\s+is)\s+not\s+making\s+(?:any\s+)?sense|doesn'?t\s+know\s+where\s+(?:she|he|they)\s+(?:is|are)|(?:isn'?t|not)\s+recogni[sz]ing|delirious", EMERGENCY, False),
    ("severe_bleeding", r"(?:won'?t|wont|will\s+not|doesn'?t|does\s+not|can'?t|cant|not)\s+stop(?:ping)?\s+(?:the\s+)?bleed\w*|bleed\w*\s+(?:\w+\s+)?(?:won'?t|wont|will\s+not|doesn'?t|does\s+not|isn'?t|not)\s+stop\w*|bleed\w*\s+(?:really\s+|so\s+|real\s+)?(?:heavily|heavy|a\s+lot|badly|bad\b|profusely|everywhere|nonstop|through)|(?:heavy|severe|massive|uncontrolled|a\s+lot\s+of)\s+bleeding|soak\w*\s+(?:through\s+)?(?:a\s+|the\s+|\w+\s+)?(?:pads?|towels?|bandages?|gauze|dressings?|sheets)(?!\s+every\s+(?:[2-9]|two|three|four|five|six|few|couple))|(?:gushing|pouring|spurting)\s+blood|blood\s+(?:is\s+)?(?:everywhere|pouring|gushing|spurting|squirting)|bleed\w*[^.!?]{0,60}?(?:won'?t|wont|will\s+not|doesn'?t|does\s+not|isn'?t)\s+stop(?:ping)?|hemorrhag\w*|haemorrhag\w*|(?:a\s+lot|lots|tons)\s+of\s+(?:bright\s+red\s+|dark\s+)?blood", EMERGENCY, False),
    ("gi_bleeding", r"(?:vomit\w*|throw\w*\s+up|threw\s+up|puk\w*|cough\w*\s+up|spitting\s+up)\s+(?:\w+\s+){0,6}?blood|blood(?:y)?\s+vomit|coffee[\s-]grounds?|(?:black|tarry|tar[\s-]like)\s+(?:\w+\s+)?(?:stools?|poop|poo|bowel\s+movements?)|(?:stools?|poop|poo)\s+(?:is|are|was|were|has\s+been|looks?)\s+(?:\w+\s+)?(?:black|tarry|like\s+tar)", EMERGENCY, False),
    ("anaphylaxis", r"anaphyla\w*|throat\s+(?:is\s+|feels\s+)?(?:\w+\s+)?(?:closing|swell\w*|swollen|tight\w*)|(?:tongue|lips?|face|mouth)\s+(?:is\s+|are\s+|started\s+|keeps?\s+)?(?:swell\w*|swollen|puffing\s+up|blowing\s+up)|swollen\s+(?:tongue|lips?)|epi\s?pen|(?:severe|bad|serious|major|massive)\s+allergic\s+reaction", EMERGENCY, False),
    ("unconscious", r"(?:he|she|they|dad|mom|husband|wife|son|daughter|baby|father|mother|grandma|grandpa)\s+(?:\w+\s+){0,6}?(?:isn'?t|is\s+not|wasn'?t|stopped|not)\s+moving|pass(?:ed|es|ing)?\s+out|unconscious|unresponsive|not\s+responding\s+to\s+(?:me|us|anything|my\s+voice|his\s+name|her\s+name)|fainted|fainting|black(?:ed|ing)\s+out|won'?t\s+wake|can'?t\s+wake\s+(?:him|her|them|up)|hard\s+to\s+wake|collaps\w*|lost\s+consciousness|loss\s+of\s+consciousness|knocked\s+out(?!\s+(?:my|the|his|her|their|our|your)\s+(?:allergies|cold|cough|headaches?|migraines?|pain|symptoms|hay\s+fever|congestion|sinus\w*|snoring|insomnia|flu|acne|rash))", EMERGENCY, False),
    ("seizure", rf"seiz\w*(?!\s+{MEDWORDS}\b)|convuls\w*|having\s+(?:a\s+)?fits?\b|shaking\s+uncontrollabl\w*", EMERGENCY, False),
    ("poisoning", r"(?:poison(?:ed|ing)|(?<!\bis\s)(?<!\bare\s)(?<!\bbe\s)(?<!\bpure\s)(?<!\bliterally\s)(?<!\bbasically\s)(?<!\bbeing\srat\s)(?<!\bis\srat\s)(?<!\bare\srat\s)poison)\w*(?<!food\spoisoning)(?!\s+(?:ivy|oak|sumac))|(?:swallowed|ate|ingested|got\s+into|chewed)\s+(?:some\s+of\s+|some\s+|a\s+few\s+of\s+)?(?:the\s+|my\s+|his\s+|her\s+|a\s+|\w+'s\s+)?(?:\w+\s+){0,2}?(?:pills|meds|medicine|medication|tablets|gummies|vitamins)|(?:drank|swallowed|ate|ingested|got\s+into)\s+(?:some\s+|the\s+|my\s+|a\s+)?(?:bleach|antifreeze|detergent|laundry\s+pod|tide\s+pod|button\s+batter\w*|batter\w*|cleaning\s+\w+|rat\s+poison|pills|meds|medicine|lighter\s+fluid|magnets?)|(?:carbon\s+monoxide|co\s+alarm)", EMERGENCY, False),
    ("severe_abdominal_pain", rf"{SEVERE}\s+(?:\w+\s+){{0,2}}?{BELLY}\s*(?:{PAIN}|cramp\w*)|{BELLY}\s+(?:{PAIN}|cramp\w*)\s+(?:is\s+|are\s+)?(?:\w+\s+)?(?:{SEVERE}|unbearable)|{SEVERE}\s+{PAIN}\s+in\s+(?:my|his|her|the)\s+(?:\w+\s+){{0,2}}?{BELLY}|(?:belly|stomach|abdomen)\s+(?:is\s+)?(?:rigid|hard\s+as\s+a\s+rock|board[\s-]like)|doubled\s+over", EMERGENCY, False),
    ("worst_headache", r"worst\s+headache|thunderclap|(?:sudden|suddenly)\s+(?:\w+\s+){0,2}headache|headache\s+(?:\w+\s+){0,4}(?:worst|of\s+my\s+life|stiff\s+neck)|stiff\s+neck\s+(?:\w+\s+){0,3}(?:fever|headache)", EMERGENCY, False),
    ("vision_loss", r"(?:sudden(?:ly)?|all\s+of\s+a\s+sudden)\s+(?:\w+\s+){0,2}(?:blind|can'?t\s+see|lost\s+(?:my\s+)?(?:vision|sight)|vision\s+loss|double\s+vision)|(?:lost|losing|loss\s+of)\s+(?:\w+\s+)?(?:vision|sight)|went\s+blind|vision\s+(?:went|goes|going|turned)\s+(?:black|dark|grey|gray|white)|curtain\s+(?:over|across|coming\s+down)|can'?t\s+see\s+(?:out\s+of|with|from)\s+(?:my|his|her)\s+(?:left|right)?\s*eye", EMERGENCY, False),
    ("testicular_pain", r"(?:testic\w*|testes|testis|scrot\w*|balls)\s+(?:\w+\s+){0,2}(?:pain|hurts?|hurting|swollen|swelling|twisted)|(?:pain|swelling)\s+in\s+(?:my|his)\s+(?:left\s+|right\s+)?(?:testic\w*|scrot\w*|balls?)|testicular\s+torsion", EMERGENCY, False),
    ("calf_pain", r"calf\s+(?:\w+\s+){0,2}(?:pain|hurts?|swollen|swelling|is\s+swollen|red|tender|warm)|(?:swollen|painful|tender|red|hot)\s+calf|\bdvt\b|blood\s+clot", EMERGENCY, False),
    ("spreading_redness", r"(?:spreading|expanding|growing)\s+(?:\w+\s+)?(?:redness|red\w*)|red(?:ness)?\s+(?:is\s+)?(?:spreading|getting\s+bigger|growing|moving\s+up)|red\s+(?:streak\w*|lines?)\s+(?:\w+\s+){0,3}(?:up|from|going)|red\s+streaks?", EMERGENCY, False),
    ("sepsis_signs", r"seps\w*|septic|(?:shaking|uncontrollable)\s+chills|rigors|mottled|(?:skin|knees)\s+(?:is\s+|are\s+|looks?\s+)?(?:blotchy|mottled)", EMERGENCY, False),
    ("dka_signs", r"\bdka\b|keto\s?acidosis|ketones?\s+(?:are\s+|is\s+)?(?:\w+\s+)?(?:high|large|moderate|positive|\+)|fruity\s+breath", EMERGENCY, False),
    ("hypertensive_crisis", r"(?:bp|blood\s+pressure|pressure)\s+(?:is\s+|was\s+|of\s+|at\s+|reading\s+(?:of\s+)?)?(?:(?:1[89]\d|2\d\d)\s?/\s?\d{2,3}|\d{2,3}\s?/\s?(?:1[2-9]\d))", EMERGENCY, False),
    ("severe_burn", r"(?:bad|severe|deep|big|third[\s-]degree|second[\s-]degree)\s+burn|burned\s+(?:my|his|her)\s+(?:whole|entire)", EMERGENCY, False),
    ("major_trauma", r"car\s+(?:accident|crash|wreck)|hit\s+by\s+a\s+(?:car|truck)|bone\s+(?:is\s+)?(?:sticking|poking)\s+out|fell\s+(?:off|down)\s+(?:a\s+|the\s+)?(?:ladder|roof|stairs)\s+and\s+(?:can'?t|hit)", EMERGENCY, False),
    ("low_blood_sugar", r"(?:blood\s+)?(?:sugar|glucose|bg)\s+(?:meter\s+|reading\s+|level\s+)?(?:is\s+|was\s+|of\s+|at\s+|says\s+|reads\s+|dropped\s+to\s+)?(?:[1-4]\d|5[0-4])\b(?!\s*(?:%|years|mins?|minutes|days|units))", EMERGENCY, False),
    # --- clinical wording (vignettes, notes, caregivers who are clinicians) -------------
    ("chest_pain", r"(?:substernal|retrosternal|precordial|pleuritic\s+chest)\s+(?:\w+\s+)?(?:pain|pressure|tightness|discomfort)|unstable\s+angina|angina|myocardial\s+infarction|acute\s+coronary|(?-i:\b(?:STEMI|NSTEMI|ACS)\b)|aortic\s+dissection|(?:tearing|ripping)\s+(?:chest\s+|back\s+)?pain|pulmonary\s+embol\w*", EMERGENCY, False),
    ("breathing", r"(?:ribs|chest|neck|belly|skin)\s+(?:\w+\s+){0,4}?(?:sucks?|sucking|pulling|pulls|caving|caves)\s+in|nostrils\s+flaring|grunting\s+with\s+(?:each|every)\s+breath|dyspn\w*|respiratory\s+distress|tachypn\w*|hypoxi\w*|stridor|cyano\w*|pneumothorax|(?:spo2|o2\s+sat\w*|sats?|oxygen(?:\s+(?:saturation|level|reading|sat))?)\s+(?:is\s+|was\s+|of\s+|at\s+|dropped\s+to\s+)?(?:[1-8]\d|9[0-1])\s?%|retractions|accessory\s+muscles?", EMERGENCY, False),
    ("stroke_signs", r"hemipar\w*|hemipleg\w*|aphasi\w*|dysarthri\w*|facial\s+droop|(?-i:\b(?:CVA|TIA)\b)|transient\s+isch\w*|altered\s+mental\s+status|(?-i:\bAMS\b)|obtunded|(?:left|right)[\s-]sided\s+(?:weakness|numbness|paralysis)|unilateral\s+(?:weakness|numbness)|\bgcs\s+(?:of\s+)?(?:[3-9]|1[0-3])\b", EMERGENCY, False),
    ("gi_bleeding", r"hemateme\w*|haemateme\w*|melena|melaena|hematochezia|haemoptysis|hemoptysis|upper\s+gi\s+bleed\w*|gi\s+bleed\w*", EMERGENCY, False),
    ("shock", r"(?<!orthostatic\s)(?<!postural\s)hypotensi\w*|hemodynamically\s+unstable|(?:in|into)\s+shock|septic\s+shock|(?:bp|blood\s+pressure)\s+(?:is\s+|was\s+|of\s+)?(?:[4-8]\d)\s?/\s?\d{2}", EMERGENCY, False),
    ("anaphylaxis", r"angioedema|angio-oedema", EMERGENCY, False),
    ("unconscious", r"(?:won'?t|doesn'?t|isn'?t|is\s+not|not)\s+respond(?:ing)?(?!\s+to\s+(?:the\s+|my\s+|his\s+|her\s+)?(?:antibiotic\w*|treatment|medication|med|meds|therapy|texts?|emails?|calls?|messages?|portal|letters?))|breathing\s+(?:funny|weird|strange|noisy|odd)|(?:is|seems|went|gone|looks)\s+(?:\w+\s+)?(?:limp|floppy)|syncop\w*|status\s+epilepticus|post[\s-]?ictal|unarousable", EMERGENCY, False),
    ("overdose", r"(?:intentional|deliberate)\s+(?:ingestion|overdose)|(?:acetaminophen|paracetamol|tylenol|opioid|benzodiazepine|tricyclic)\s+(?:ingestion|overdose|toxicity)", EMERGENCY, True),
    ("severe_abdominal_pain", r"periton\w*|guarding|rebound\s+tenderness|rigid\s+abdomen|acute\s+abdomen|appendicitis|bowel\s+obstruction|(?:incarcerated|strangulated)\s+hernia|perforat\w*|ectopic|ruptured\s+\w+|(?:abdominal\s+)?aortic\s+aneurysm|(?-i:\bAAA\b)", EMERGENCY, False),
    ("worst_headache", r"subarachnoid|meningitis|nuchal\s+rigidity", EMERGENCY, False),
    ("pregnancy_bleeding", r"(?:pre)?eclampsia|placental\s+abruption|abruption|placenta\s+previa|postpartum\s+hemorrhage", EMERGENCY, False),
    ("vision_loss", r"amaurosis|retinal\s+detachment|(?:sudden|acute|monocular)\s+(?:\w+\s+)?(?:visual|vision)\s+loss", EMERGENCY, False),
    ("dka_signs", r"kussmaul|anion\s+gap", EMERGENCY, False),
    ("sepsis_signs", r"petechia\w*|purpur\w*|non[\s-]?blanching|(?:does|do)\s*(?:n'?t|\s+not)\s+(?:blanch|fade)\s+(?:when|under|with)?|purple\s+(?:spots|rash|dots)", EMERGENCY, False),
    ("airway", r"drool\w*\s+(?:and|,)\s+(?:\w+\s+)?(?:can'?t|cannot|unable\s+to|won'?t)\s+swallow|(?:can'?t|cannot|unable\s+to)\s+swallow\s+(?:\w+\s+)?(?:saliva|spit|own\s+spit)|tripod\w*|(?:sitting|leaning)\s+forward\s+to\s+breathe|(?:working|fighting|gasping)\s+(?:hard\s+)?to\s+breathe|swallowed\s+(?:a\s+|an\s+)?(?:coin|magnet\w*|battery|batteries|toothpick|chicken\s+bone|fish\s+bone|bone|pin|safety\s+pin|needle|nail|earring)", EMERGENCY, False),
    ("spinal_emergency", r"saddle\s+(?:anesthesia|anaesthesia|numbness)|cauda\s+equina|numb\s+(?:between|around)\s+(?:my|the)\s+(?:legs|groin|buttocks)|(?:lost|loss\s+of)\s+(?:bladder|bowel)\s+control", EMERGENCY, False),
    ("limb_ischemia", r"compartment\s+syndrome|necrotizing|gangren\w*|(?:cold|pale|blue|white)\s+(?:and\s+\w+\s+)?(?:foot|leg|hand|arm|toes|fingers)\s+(?:\w+\s+)?(?:pulseless|no\s+pulse|numb)", EMERGENCY, False),
    ("vital_signs", r"(?:heart\s+rate|hr|pulse)\s+(?:is\s+|was\s+|of\s+|at\s+)?(?:1[4-9]\d|2\d\d)\b|(?:respiratory\s+rate|rr|breaths?\s+per\s+minute)\s+(?:is\s+|was\s+|of\s+|at\s+)?(?:3\d|[4-6]\d)\b", EMERGENCY, False),
    ("suicidal", rf"(?:want|wanting|wanted|need|needs)\s+(?:it|this|everything)\s+(?:all\s+)?to\s+end|(?:thinking|thought|thoughts|think)\s+(?:about|of)\s+(?:ending|killing|offing)\s+(?:it|things|my\s+life|{ME})|(?:plan|planning|planned)\s+(?:on\s+|to\s+|how\s+to\s+)(?:end(?:ing)?\s+(?:it|my\s+life|things|everything)|kill(?:ing)?\s+{ME}|die|dying|overdos\w*|jump\w*\s+(?:off|from|in\s+front)|hang(?:ing)?\s+{ME})|(?:lost|losing|no)\s+(?:the\s+|my\s+)?will\s+to\s+live|(?:want|wanna)\s+to\s+disappear|(?:don'?t|dont)\s+want\s+to\s+wake\s+up", EMERGENCY, True),
    # --- urgent: a clinician today -------------------------------------------------------
    ("fever", r"(?:10[0-6](?:\.\d)?|3[89](?:\.\d)?)\s*(?:°\s*[fc]?\s*)?(?:rectal\w*|orally|oral|axillary|under\s+the\s+arm|in\s+the\s+ear|temporal)|(?:he|she|baby|son|daughter|forehead|body|skin)\s+(?:feels|felt|is|was)\s+(?:really\s+|very\s+|so\s+)?(?:warm|hot)(?!\s+(?:and\s+)?(?:red|swollen))|(?<!yellow\s)(?<!hay\s)(?<!cabin\s)(?<!spring\s)fever\w*(?!\s+dreams?)|feverish|febrile|temp(?:erature)?\s+(?:is\s+|was\s+|of\s+|at\s+|reading\s+)?(?:\w+\s+)?(?:10[0-6](?:\.\d)?|3[89](?:\.\d)?|40(?:\.\d)?)|(?:10[0-6](?:\.\d)?)\s*(?:°|degrees|deg|f)\b|running\s+hot|burning\s+up|(?<!me\s)(?<!me\sthe\s)chills", URGENT, False),
    ("bleeding", r"bleed\w*|spotting(?!\s+(?:it|them|the|this|that|those|signs|symptoms|him|her|things|patterns|trends)\b)|blood\s+(?:in|on)\s+(?:my|his|her|the)\s+(?:urine|pee|stool|poop|underwear|diaper|pad|toilet|tissue)|bloody\s+(?:urine|stool|poop|diarrhea|nose)|nose\s?bleed", URGENT, False),
    ("head_injury", r"(?:hit|bump\w*|bang\w*|smack\w*|whack\w*|struck)\s+(?:my|his|her|their)\s+head|head\s+(?:injury|trauma|wound)|concussion|fell\s+and\s+hit", URGENT, False),
    ("abdominal_pain", rf"{BELLY}\s+{PAIN}|{PAIN}\s+in\s+(?:my|his|her|the)\s+{BELLY}|appendi\w*|stomach\s?ache|tummy\s?ache|bellyache", URGENT, False),
    ("headache", r"headache|migraine", URGENT, False),
    ("worsening", r"(?:pain|swelling|redness|cough|symptoms|fever|rash|infection|wound|incision|headache|vomiting|diarrhea|bleeding|breathing|sore|throat|ache)\s+(?:\w+\s+){0,2}(?:is\s+|are\s+|keeps\s+|has\s+been\s+|have\s+been\s+|just\s+)?(?:getting|gotten|got|getting\s+much|getting\s+a\s+lot)\s+worse|worse\s+(?:and\s+worse|every\s+day|each\s+day|by\s+the\s+hour)", URGENT, False),
    ("urgent_clinical", r"pyelonephritis|dysuria|otitis|pharyngitis|pneumonia(?!\s+(?:vaccine\w*|shots?|jab|vaccination))|bronchitis|laceration|fracture|hematuria|epistaxis|tachycardi\w*|hyperglyc\w*|cholecystitis|diverticulitis|kidney\s+stone|renal\s+colic|urinary\s+retention|(?:heavy|heavier)\s+(?:period|bleeding|flow)|(?:period|flow)\s+is\s+(?:\w+\s+)?heavy|(?:broke|broken|fractured)\s+(?:my|his|her)\s+\w+", URGENT, False),
    ("high_blood_sugar", r"(?:blood\s+)?(?:sugar|glucose|bg|bs)\s+(?:is\s+|was\s+|of\s+|at\s+|reading\s+|keeps\s+|has\s+been\s+|have\s+been\s+|running\s+|stays\s+)?(?:\w+\s+)?(?:[3-9]\d\d|high|hi\b|over\s+[3-9]00|through\s+the\s+roof)", URGENT, False),
    ("vomiting", r"vomit\w*|throw(?:ing)?\s+up|threw\s+up|puk(?:e|ed|ing)|can'?t\s+keep\s+(?:anything|food|water|fluids|liquids|it)\s+down|diarrh\w*|dehydrat\w*|no\s+wet\s+diapers", URGENT, False),
    ("wound_redness", r"(?:incision|wound|stitch\w*|staples?|sutures?|surgical\s+site|cut|drain\s+site|scar)\s+(?:\w+\s+){0,6}?(?:red\w*|pus|oozing|ooze|leaking|draining|drainage|discharge|hot|warm|swollen|swelling|opened|open|came\s+(?:out|apart|open)|split|separat\w*|smells?|smelly|foul|infected|yellow|green)|(?:infected|oozing|red|swollen|weeping)\s+(?:incision|wound|stitches|cut)|pus|(?<!transmitted\s)(?<!sexual\s)(?<!viral\s)(?<!fungal\s)(?<!yeast\s)(?<!ear\s)(?<!sinus\s)infect(?:ed|ion)(?!\s+(?:control|prevention|rates?|risk))|abscess|cellulitis", URGENT, False),
    ("urinary", r"burn\w*\s+(?:when|while|with|during|as)\s+(?:i\s+)?(?:pee|urinat\w*|peeing|wee)|(?:painful|burning)\s+(?:urination|peeing|pee)|\buti\b|bladder\s+infection|kidney\s+infection|blood\s+in\s+(?:my\s+)?(?:urine|pee)|can'?t\s+(?:pee|urinate)|flank\s+pain", URGENT, False),
    ("moderate_pain", rf"(?:bad|severe|terrible|horrible|awful|worse|worsening|intense|increasing|excruciating|unbearable|a\s+lot\s+of|so\s+much|really\s+bad|constant|sharp)\s+(?:\w+\s+)?{PAIN}|{PAIN}\s+(?:\w+\s+){{0,2}}(?:getting|is\s+getting|has\s+gotten|gotten)\s+worse|(?:[6-9]|10)\s?/\s?10|(?:hurts?|hurting)\s+(?:so\s+(?:much|bad)|a\s+lot|really\s+bad)|can'?t\s+(?:walk|sleep|move|stand|put\s+weight)\s+(?:because|from|due|on|it|with)", URGENT, False),
    ("side_effect", r"(?:having|getting|experiencing|noticed|noticing|gave\s+me|giving\s+me|causing|caused|think\s+(?:i'?m|im)\s+having|bad)\s+(?:\w+\s+)?side[\s-]?effects?|(?:reaction|reacting)\s+to\s+(?:the|my|this|that|a)\s+(?:new\s+)?(?:\w+\s+)?(?:med\w*|pills?|drug|antibiotic\w*|shot|vaccine|injection|tablets?)|(?:med\w*|pills?|antibiotic\w*|tablets?|drug|shot|vaccine|dose)\s+(?:\w+\s+){0,3}(?:is|are|has\s+been|have\s+been|was)\s+(?:\w+\s+)?(?:making|made|giving|causing)\s+(?:me|him|her)|allergic\s+reaction|\bhives\b|rash\s+(?:\w+\s+){0,3}(?:spreading|all\s+over|after|since|from|everywhere)", URGENT, False),
    ("breathing_mild", r"wheez\w*|(?:asthma|copd)\s+(?:is\s+)?(?:\w+\s+)?(?:flar\w*|acting\s+up|worse|bad)|coughing\s+(?:a\s+lot|nonstop|all\s+night|constantly)", URGENT, False),
    ("palpitations", r"palpitat\w*|heart\s+(?:is\s+|has\s+been\s+|keeps\s+|was\s+)?(?:racing|pounding|skipping|fluttering)|racing\s+heart|irregular\s+heartbeat|\bafib\b", URGENT, False),
    ("dizziness", r"dizz\w*|lighthead\w*|light[\s-]headed|vertigo|room\s+(?:is\s+)?spinning", URGENT, False),
    ("swelling", r"(?:leg|legs|ankle|ankles|feet|foot|arm|hand|knee|joint)\s+(?:is\s+|are\s+)?(?:\w+\s+)?(?:swollen|swelling|puffy)|swollen\s+(?:leg|legs|ankle|ankles|feet|foot|arm|hand|knee|joint|gland)", URGENT, False),
    ("injury", r"(?:think|might|may)\s+(?:it'?s|be|have|has)\s+(?:\w+\s+)?(?:broken|fractured|sprained|torn)|\bfell\b(?!\s+asleep)|had\s+a\s+(?:bad\s+)?fall|twisted\s+(?:my|his|her)\s+(?:ankle|knee|wrist)|dog\s+bite|bit\s+by|stepped\s+on\s+a\s+(?:nail|needle)", URGENT, False),
    ("mental_health", rf"depress(?!ing\b)\w*(?!\s+{MEDWORDS}\b)|panic\s+attacks?|anxiety\s+(?:is\s+)?(?:\w+\s+)?(?:worse|bad|through\s+the\s+roof|out\s+of\s+control)|hopeless\w*|can'?t\s+stop\s+crying|hearing\s+voices|hallucinat\w*|manic|psychos\w*|relaps\w*|withdrawal", URGENT, False),
    ("ran_out_critical", r"(?:ran|run|running|am|i'?m)\s+out\s+of\s+(?:my\s+)?(?:insulin|seizure|anti[\s-]?seizure|blood\s+thinner|eliquis|xarelto|warfarin|transplant|anti[\s-]?rejection|heart|inhaler|epi\s?pen|nitro\w*)", URGENT, False),
    ("urgent_other", r"(?:ear|ears)\s+(?:\w+\s+){0,4}(?:fluid|pus|draining|drainage|leaking)|shingles(?!\s+(?:vaccine\w*|shots?|vaccination|jab))|(?:accidentally|by\s+mistake|mistakenly)\s+(?:took|take|gave|double[\s-]?dosed|doubled)|took\s+(?:my\s+|a\s+)?(?:\w+\s+)?(?:twice|double\s+dose|two\s+doses)|(?:bp|blood\s+pressure|pressure)\s+(?:is\s+|was\s+|of\s+|at\s+|reading\s+(?:of\s+)?)?(?:1[6-7]\d\s?/\s?\d{2,3}|\d{2,3}\s?/\s?(?:10\d|11\d))|red\s+and\s+(?:hot|warm)|hot\s+and\s+red|gout\s+(?:is\s+)?(?:flar\w*|attack)|\binr\b\s+(?:\w+\s+){0,3}(?:[4-9](?:\.\d)?|high)|(?:jaw|face|cheek|gums?)\s+(?:is\s+)?(?:\w+\s+)?(?:swollen|swelling)|nose\s?bleeds?|missed\s+(?:\d+|two|three|several|a\s+few|a\s+couple\s+of)\s+(?:days|doses)\s+of|allergic\s+to\s+(?:the|my|this)\s+(?:new\s+)?\w+|(?:feel|felt|feeling|going\s+to|gonna|i'?ll)\s+(?:like\s+i'?(?:m|ll)\s+(?:going\s+to\s+)?)?faint|(?:picc|iv|port|line|catheter|drain)\s+(?:\w+\s+){0,3}(?:red|cloudy|pus|smells?|leaking|tender)|gallbladder\s+(?:is\s+)?(?:acting\s+up|attack|pain)|itch\w*\s+(?:all\s+over|everywhere)|(?:severe|intense|terrible)\s+itch\w*|lump\s+in\s+(?:my|his|her)\s+(?:breast|testicle|neck|armpit)|(?:new|painful|growing)\s+lump|withdraw(?:ing|al)\s+from\s+(?:alcohol|opioids|benzos|xanax)|croup|barking\s+cough|(?:urine|pee)\s+is\s+(?:dark|brown|red|cloudy)|can'?t\s+swallow|hurts\s+to\s+swallow|spider\s+bite", URGENT, False),
    ("eye", r"pink\s?eye|eye\s+(?:is\s+)?(?:\w+\s+)?(?:red|swollen|pus|goopy|crusted|painful|hurts?)|something\s+in\s+(?:my|his|her)\s+eye", URGENT, False),
    ("pregnancy_concern", r"(?:baby|fetal\s+movement|kicks?)\s+(?:\w+\s+){0,3}(?:isn'?t|not|stopped|hasn'?t|less|decreased|fewer)\s*(?:moving|moved|movement|kicking|kicked)|water\s+(?:broke|breaking|has\s+broken)|contractions|decreased\s+fetal\s+movement", URGENT, False),
]

# Context sets used by the compound rules (matched anywhere in the message, not negated).
_INFANT = re.compile(
    r"(?<!\w)(?:newborn|infant|neonate|\d{1,2}[\s-]?days?[\s-]old|(?:[0-9]|1[0-2])[\s-]?(?:weeks?|wks?|wk)[\s-]old|(?:[1-3]|one|two|three)[\s-]?(?:months?|mo|mos)[\s-]old|"
    r"(?:my|our|the)\s+(?:newborn|baby|infant)|(?:week|weeks)[\s-]old|\(\s*\d{1,2}\s*(?:weeks?|wks?|days?)(?:\s+old)?\s*\)|"
    r"(?:baby|son|daughter|infant|newborn)\s+is\s+(?:only\s+)?\d{1,2}\s+(?:weeks?|days?)(?:\s+old)?)(?!\w)",
    re.IGNORECASE,
)
_PREGNANT = re.compile(
    r"(?<!\w)(?:pregnan\w*|preggo|gestation\w*|postpartum|post[\s-]partum|(?-i:G\d\s?P\d)|i'?m\s+\d{1,2}\s+(?:weeks|wks)\b|expecting\s+(?:a\s+baby|twins)|\d{1,2}\s+(?:weeks?|wks)\s+(?:along|pregnant)|(?:first|second|third)\s+trimester|trimester)(?!\w)",
    re.IGNORECASE,
)
_POSTOP = re.compile(
    r"(?<!\w)(?:surgery|surgical|operation|op|post[\s-]?op\w*|incision|procedure|c[\s-]?section|(?:knee|hip|shoulder)\s+replacement|appendectomy|gallbladder\s+removed|hysterectomy|stitches|staples|discharged)(?!\w)",
    re.IGNORECASE,
)
_THINNER = re.compile(
    r"(?<!\w)(?:blood[\s-]?thinners?|anticoagula\w*|eliquis|apixaban|xarelto|rivaroxaban|warfarin|coumadin|jantoven|pradaxa|dabigatran|plavix|clopidogrel|lovenox|heparin)(?!\w)",
    re.IGNORECASE,
)
_SEPSIS_COMPANION = re.compile(
    r"(?<!\w)(?:confus\w*|(?:very|really|so)\s+(?:weak|sleepy|drowsy|lethargic)|letharg\w*|tachycard\w*|hypotensi\w*|lactate|altered\s+mental|(?:heart|pulse)\s+(?:is\s+)?(?:racing|very\s+fast|over\s+1[2-9]\d)|(?:shaking|uncontrollable)\s+chills|rigors|mottled|low\s+blood\s+pressure|can'?t\s+stand\s+up|barely\s+(?:responsive|awake))(?!\w)",
    re.IGNORECASE,
)
_DKA_COMPANION = re.compile(
    r"(?<!\w)(?:vomit\w*|throwing\s+up|threw\s+up|breathing\s+(?:fast|hard|heavy|deep)|fruity|confus\w*|stomach\s+pain|belly\s+pain|abdominal\s+pain|very\s+thirsty|peeing\s+constantly)(?!\w)",
    re.IGNORECASE,
)

_PREECLAMPSIA = re.compile(
    r"(?<!\w)(?:seeing\s+(?:spots|stars|flashing)|spots\s+in\s+my\s+vision|blurr\w*|vision|swollen\s+(?:face|hands)|face\s+(?:is\s+)?swollen|severe|terrible|worst|bad|pounding|blood\s+pressure|bp)(?!\w)",
    re.IGNORECASE,
)
_ALLERGEN = re.compile(
    r"(?<!\w)(?:stung|sting|bee|wasp|hornet|peanuts?|tree\s+nuts?|shellfish|shrimp|allerg\w*|hives|epi\s?pen)(?!\w)",
    re.IGNORECASE,
)
_STIFF_NECK = re.compile(r"(?<!\w)(?:stiff\s+neck|neck\s+(?:is\s+)?(?:stiff\w*|rigid\w*)|can'?t\s+(?:bend|touch\s+(?:my|his|her)\s+chin))", re.IGNORECASE)
_INFANT_DEHYDRATION = re.compile(r"(?<!\w)(?:no\s+wet\s+diapers|can'?t\s+keep|projectile|green)(?!\w)", re.IGNORECASE)
_OLDER_CHILD = re.compile(
    r"(?<!\w)(?:(?:[4-9]|1\d|2[0-4])\s*[\s-]?(?:months?|mos?|mo)\b|\d+\s*[\s-]?(?:years?|yrs?|yo|y/o|y\.o\.)\b|toddler)",
    re.IGNORECASE,
)
_HIGH_POSTOP_FEVER = re.compile(r"(?<![\w.])(?:10[1-5](?:\.\d)?|38\.[5-9]|39(?:\.\d)?|40(?:\.\d)?)(?![\w.])(?!\s*%)")
_CHILLS = re.compile(r"(?<!\w)(?:chills|rigors|shaking|shivering)(?!\w)", re.IGNORECASE)

# (category, pattern, direction) — pseudo-triggers first: at the same position the first
# alternative wins, so "not only" is consumed before "not" can trigger.
_MODIFIERS: list[tuple[str, str, str]] = [
    (PSEUDO, rf"not\s+(?:feeling|doing|looking|sleeping|eating|acting)\s+(?:well|good|great|right|ok|okay|too\s+good|so\s+good|so\s+great|like\s+(?:myself|himself|herself|themselves))|(?:don'?t|doesn'?t|didn'?t)\s+(?:feel|look|seem)\s+(?:well|good|right|ok|okay)|not\s+(?:myself|himself|herself)|(?:has|have|had|is|was)n'?t\s+(?:healed|resolved|gone\s+away|went\s+away|cleared\s+up|settled|subsided|improved|gotten\s+better)|not\s+(?:healed|resolved|healing)|never\s+(?:healed|resolved|went\s+away)|never\s+(?:had|felt|experienced)\s+(?:\w+\s+){{0,3}}like\s+(?:this|that)|no\s+(?:idea|clue)|even\s+without|without\s+(?:doing|any\s+reason|reason|warning|exertion|trying|moving|stopping|relief)|(?:my|our|his|her)\s+(?:\w+\s+)?{RELATIVE}\s+(?:had|has)\s+to|no\s+(?:increase|change|improvement|better|relief|help)|not\s+(?:only|just|sure|certain|necessarily|ok|okay|fine|good|great|well|doing\s+\w+|better|improv\w*|helping|working|stopping|going\s+away|responding|responsive|breathing|eating|drinking|making\s+sense|recogni\w*|able|worth|even|that\s+i\s+know|too\s+bad|bad)|no\s+(?:one|body)|nobody|nothing|no\s+matter|no\s+reason|no\s+point|no\s+longer\s+(?:able|want|wish)|don'?t\s+(?:know|think\s+i\s+can|see|care)|doesn'?t\s+(?:stop|go\s+away|help|matter|seem)|isn'?t\s+(?:stopping|going\s+away|helping|working|responding|breathing|worth)|(?:not\s+sure|unsure|don'?t\s+know|wonder(?:ing)?|see|check|as|even|only)\s+(?:if|whether)|if\s+(?:that|this)\s+(?:makes\s+sense|helps|matters)|(?:is|was|are|were)n'?t\s+making\s+sense|isnt\s+making\s+sense|gram\s+negative|never\s+(?:been\s+this|felt\s+this|had\s+(?:pain|anything)\s+like)|nothing\s+(?:helps|is\s+helping|works)", "none"),
    (NEGATED, r"no|not|never|without|none|nor|neither|(?:denies|denied|deny|denying)(?!\s+(?:me|us|him|her|them|my|his|our|their|it|coverage|the\s+claim|again)\b)|negative\s+for|free\s+of|absence\s+of|(?:no|any)\s+signs?\s+of|no\s+evidence\s+of|ruled?\s+out|no\s+more|no\s+longer|zero|(?:do|does|did|have|has|had)(?:n'?t|\s+not)\s+(?:have|has|had|get|got|getting|feel|feeling|experienc\w*|notic\w*|think|believe|see|having|any|want\s+to|plan\s+to|intend\s+to)|(?:is|was|are|were|would|should)n'?t|(?:isnt|wasnt|arent|werent|wouldnt|shouldnt)|(?:has\s+|have\s+|had\s+)?stopped(?=\s+\w+ing\b)|would\s+never|will\s+never|won'?t\s+(?:ever|actually|really)?\s*(?:do|hurt|kill|act)|nope|nah", FORWARD),
    (NEGATED, r"(?:is|are|has|have)\s+(?:all\s+)?gone|ruled\s+out|came\s+back\s+(?:normal|negative|clear|fine)|was\s+(?:normal|negative)|were\s+(?:normal|negative)", BACKWARD),
    (HISTORICAL, r"history\s+of|hx\s+of|h/o|in\s+the\s+past|used\s+to|previous(?:ly)?|prior|in\s+(?:19|20)\d\d|back\s+in|as\s+a\s+(?:kid|child|teen(?:ager)?|baby)|when\s+i\s+was\s+(?:a\s+kid|a\s+child|young\w*|little|a\s+teen\w*|in\s+(?:high\s+school|college))|in\s+(?:high\s+school|college|middle\s+school|grade\s+school|my\s+twenties|my\s+teens)|when\s+(?:i|he|she|they)\s+w(?:as|ere)\s+(?:\d+|a\s+\w+|little|young\w*|small|in\s+\w+(?:\s+school)?)|years?\s+back|(?:last|past)\s+(?:year|summer|winter|spring|fall|autumn|decade)|\d+\s+(?:years?|yrs?|months?|decades?)\s+ago|(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|couple(?:\s+of)?|several|many)\s+(?:years?|yrs?|months?|decades?)\s+ago|years\s+ago|long\s+time\s+ago|once\s+before", BIDIRECTIONAL),
    (HISTORICAL, r"(?:it'?s|that'?s|they'?re)\s+(?:\w+\s+)?(?:fine|better|good|ok|okay|resolved|healed|gone)\s+now|(?:but\s+)?(?:it|that|they|these|this|the\s+\w+)\s+(?:has\s+|have\s+|had\s+|all\s+)?(?:went\s+away|gone\s+away|resolved|cleared\s+up|stopped|passed|settled\s+down|subsided)|(?:is|are|'?s)\s+(?:\w+\s+)?(?:fine|better|good|ok|okay|resolved|healed|gone)\s+now|(?:all\s+)?(?:fine|better|good|ok|okay)\s+now|(?:has|have)?\s*(?:resolved|healed|cleared\s+up|went\s+away|gone\s+away|settled|subsided)|went\s+away", BACKWARD),
    (HYPOTHETICAL, r"if|what\s+if|in\s+case|in\s+the\s+event|should\s+i\s+(?:ever\s+)?(?:get|have|develop|notice|start)|when\s+should|would\s+(?:i|it|that)|could\s+(?:i|it|that|this)\s+(?:be|get|cause|lead)", FORWARD),
    (INFORMATIONAL, r"may\s+cause|can\s+(?:\w+\s+)?cause|cause\s+(?:\w+\s+)?(?:like|such\s+as)|watch\s+(?:out\s+)?for|look\s+out\s+for|(?:what\s+are|know|learn|list)\s+(?:the\s+)?(?:warning\s+)?(?:signs|symptoms)\s+of|warning\s+signs|risk\s+of|risks|chance\s+of|prevent\w*|avoid|linked\s+to|associated\s+with|(?:increase|raise)s?\s+(?:the\s+|my\s+)?risk|(?:does|do|can|could|will|would)\s+(?:\w+\s+){0,3}?(?:cause|make\s+(?:you|people|someone|patients))|(?:worried|afraid|scared|anxious|nervous)\s+(?:about\s+|of\s+)?(?:getting|developing|having|of\s+getting)|is\s+it\s+normal\s+to|how\s+do\s+i\s+know|how\s+would\s+i\s+know|side\s+effects?\s+(?:include|like|such\s+as|of)|possible\s+side|common\s+side|(?:call|go|come)\s+(?:\w+\s+){0,3}(?:if|when)|told\s+(?:me|us)\s+to\s+(?:watch|call|look)|screen(?:ing|ed)?\s+(?:for|question\w*)|questionnaire|form\s+asks?|asks?\s+(?:about|if)|article|reading\s+about|research(?:ing)?\s+(?:about|on)|tv\s+show|movie", FORWARD),
    (FAMILY, rf"(?:my|our|his|her)\s+(?:late\s+)?(?:\w+\s+)?{RELATIVE}(?:'?s)?\s+(?:\w+\s+)?(?:had|has\s+had|died|passed|suffered|committed|attempted|tried|was\s+diagnosed|got\s+diagnosed|history|hx|also\s+had)|family\s+(?:medical\s+)?(?:history|hx)|fhx|f/h", FORWARD),
    (FAMILY, rf"{RELATIVE}\s+(?:\w+\s+)?(?:died|passed\s+away|passed)\s+(?:of|from|after|with)|{RELATIVE}\s+(?:with|had|has\s+had)\s+(?:a\s+)?(?:history|hx|an?\s+\w+\s+at\s+\d+)", FORWARD),
    (FAMILY, rf"runs\s+in\s+(?:the|my|our)\s+family|(?:on|in)\s+(?:my|our)\s+(?:mom|mum|mother|dad|father)'?s\s+side|in\s+(?:my|our)\s+family|(?:like|as)\s+(?:my|our)\s+{RELATIVE}\s+did", BACKWARD),
]

_TERMINATION = re.compile(
    r"(?<!\w)(?:but|however|although|though|except|aside\s+from|apart\s+from|other\s+than|yet|still|now\s+i|today\s+i|and\s+now|and\s+then|then|which|whereas|while|except\s+that|anyway)(?!\w)"
    r"|[;:()]|\s[-–—]\s|(?<!\w)and\s+(?:is|has|was|he|she|they|now|also|then|it'?s|i'?m|i|my|says|said|keeps|kept|tells|told|texted|wrote)(?!\w)|,\s*(?:and\s+|so\s+|plus\s+)?(?:i|i'?m|im|i'?ve|ive|he|she|they|we|my|his|her|their|our|it'?s|its|now|this|today|tonight)(?!\w)",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[.!?]+(?=\s|$)|[!?]+|\n+|\s\.\s|…")
_WORD = re.compile(r"\w+(?:'\w+)?")
_WINDOW = {FORWARD: 8, BACKWARD: 6}
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})


_TARGETS_LEXICON = _Lexicon([t[1] for t in _TARGETS])
_MODIFIERS_LEXICON = _Lexicon([m[1] for m in _MODIFIERS])


def _normalise(text: str) -> str:
    """Same-length normalisation: curly apostrophes become straight, offsets are kept."""
    return text.translate(_APOSTROPHES)


@dataclass
class _Target:
    label: str
    level: str
    crisis: bool
    start: int
    end: int


def _scopes(start: int, end: int, direction: str, sentence: tuple[int, int], words: list[int], stops: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Character ranges a trigger at [start, end) governs."""
    ranges = []
    sent_start, sent_end = sentence
    if direction in (FORWARD, BIDIRECTIONAL):
        limit = sent_end
        # stops are regex matches in text order (sorted by start and by end): bisect, not scan,
        # so a long text does not cost triggers × stops.
        after = bisect.bisect_left(stops, end, key=lambda stop: stop[0])
        if after < len(stops):
            limit = min(limit, stops[after][0])
        index = bisect.bisect_left(words, end) + _WINDOW[FORWARD]
        if index < len(words):
            limit = min(limit, words[index])
        ranges.append((end, limit))
    if direction in (BACKWARD, BIDIRECTIONAL):
        limit = sent_start
        before = bisect.bisect_right(stops, start, key=lambda stop: stop[1]) - 1
        if before >= 0:
            limit = max(limit, stops[before][1])
        index = bisect.bisect_left(words, start) - _WINDOW[BACKWARD]
        if index >= 0:
            limit = max(limit, words[index])
        ranges.append((limit, start))
    return ranges


def screen(text: str, kind: str = "message", *, public_names: Collection[str] = ()) -> Screening:
    """Return urgency, crisis, reasons, identifiers, disclosure/advice/spam flags and decision.

    KIND "comment" fills everything; KIND "message" (a private message to the care team) gets
    urgency, crisis and reasons only, and a decision that follows them.

    PUBLIC_NAMES are names already public where the comment appears — the practice's clinicians
    ("Dr. Alice Moreno"), shown on their own profile pages: "Thank you Dr. Moreno" is an
    ordinary comment, not an identifier (`_is_public_name`).
    """
    result = _screen_urgency(text)
    if not text or not text.strip():
        return result
    if kind != "comment":
        # a private message to the care team is expected to be personal: identifiers,
        # disclosures and questions are its purpose, and skipping them keeps `bedside screen`
        # at message speed; the decision follows urgency alone
        result.decision = decide(result)
        return result
    if result.urgency != ROUTINE and (
        _only_topics(text, result.reasons) or (not _about_someone(text) and _asks_in_general(text, result.reasons))
    ):
        _general_topic(result)
    result.identifiers = find_identifiers(text)
    if result.identifiers and not _tells_of_care(text):
        known = _public_name_words(public_names)
        result.identifiers = [
            i for i in result.identifiers if not (_addresses_author(text, i) or _is_public_name(text, i, known))
        ]
    extra = [Reason(label, start, end) for label, start, end in signals(text)]
    # the classifier's second opinion (personal.py): it raises a flag the patterns missed when
    # confident (its veto of a pattern's flag is off: personal.VETO is 0)
    chances = personal.probabilities(text)
    if chances is not None:
        extra = _second_opinion(text, extra, chances)
        if chances["crisis"] > personal.CRISIS_RAISE and not result.crisis:
            # the crisis classifier's second opinion: a crisis in words the lexicon does not know
            # ("the life insurance would do my family more good than I ever did") is held as one,
            # and the writer is shown the crisis line at once
            result.crisis, result.urgency = True, EMERGENCY
            result.reasons = sorted([*result.reasons, Reason("suicidal", 0, len(text))], key=lambda r: (r.start, r.end))
    if extra:
        labels = {r.label for r in extra}
        result.health_disclosure = "health_disclosure" in labels
        result.advice_request = "advice_request" in labels
        result.spam = bool(labels & {"spam", "promotion"})
        result.reasons = sorted(result.reasons + extra, key=lambda r: (r.start, r.end))
    result.decision = decide(result)
    return result


_PERSONAL = ("health_disclosure", "advice_request")
# Someone a comment could be about: the writer, a person near them, or a person in the scene
# ("someone is not breathing"), or a cry for help that needs no pronoun
_SOMEONE = re.compile(
    r"\b(?:i|i'm|im|i've|ive|i'd|i'll|me|my|mine|myself|we|we're|us|our|he|he's|him|his|she|she's|her|they're|"
    r"someone|somebody|some\s+one|(?:anyone|anybody)(?!\s+(?:can|could|who|with)\b)|pt|patient|help|now|tonight|today|911|999|112|ambulance|er|a&e)\b",
    re.I,
)
# ...and wording that asks or speaks about a topic or about people in general; a telegraphic
# report ("chest pain and left arm numb, what to do??", "overdosed on tylenol") has none
_GENERAL_CUE = re.compile(
    r"\b(?:how\s+(?:do|does|can|could|would|should|is|are)\s+(?:you|one|people|parents|someone|a\s+person|the\s+body|doctors|they)|"
    r"what\s+(?:is|are|causes|happens|counts|should\s+(?:parents|people|you|one)|do\s+(?:you|doctors|people))|"
    r"how\s+(?:is|are)\s+(?:\w+\s+){1,3}?(?:treated|diagnosed|prevented|caused|spread|transmitted|managed|tested|recognised|recognized)|"
    r"can\s+(?:you|one|people|a\s+person)|is\s+it|"
    # "can kids get shingles?", "anyone can get long covid": who can get a condition, in general
    r"(?:can|do|does)\s+(?:kids|children|babies|toddlers|teens|teenagers|adults|men|women|older\s+people|vaccinated\s+people|anyone|anybody)\s+(?:still\s+|also\s+|even\s+)?(?:get|have|catch|develop)|(?:anyone|anybody)\s+can\s+(?:get|have|catch|develop)|"
    # "every rash is meningitis at 2am", "any new lump on a testicle = see a doctor": any case, in general
    r"(?:every|any)\s+(?:new\s+|single\s+|little\s+)?[\w-]{1,40}(?:\s+(?:on|in|of)\s+(?:a|an|the|your)\s+[\w-]{1,40})?\s+(?:=\s*[\w-]+|is|means|looks|feels|needs)|"
    # "meningitis spreads fast in tight quarters", "you can't die from a panic attack right? asking generally"
    r"spreads?\s+(?:fast|quickly|easily|through|in)|you\s+can'?t\s+(?:die|get|catch)|asking\s+(?:generally|in\s+general|for\s+general)|generally\s+speaking|"
    # "alcohol withdrawal + benzos can be dangerous": a risk, in general
    r"can\s+be\s+(?:very\s+|really\s+)?(?:dangerous|deadly|fatal|serious|life-threatening)|"
    # a public-service line to readers: "please don't drive yourself in with chest pain", "never ignore…"
    r"(?:don'?t|do\s+not|never)\s+(?:ever\s+)?(?:ignore|drive\s+yourself|dismiss|brush\s+off|sit\s+on|wait\s+(?:it\s+out|on|with))|"
    # "can cranberry juice cure a uti", "does stress cause shingles": a remedy or a cause in general
    r"(?:can|does|do|will|could)\s+(?!i\b|my\b|we\b|our\b|he\b|she\b)(?:[\w-]{1,40}\s+){1,4}?(?:cure|cause|treat|prevent|spread|lead\s+to|trigger|give\s+you|detect|diagnose|tell|show|spot|pick\s+up|rule\s+out|help(?:\s+with)?)|are\s+there|is\s+there\s+any\s+truth|is\s+(?:that|this)\s+(?:actually\s+|really\s+|even\s+)?(?:true|a\s+myth|outdated|real)|"
    r"(?:old\s+wives'?\s+tale|myth|outdated|any\s+truth|science\s+(?:to|behind)\s+it)|why\s+(?:do|does|is|are)|difference\s+between|"
    r"(?:signs?|symptoms?|causes?|risk)\s+of|in\s+general|people|everyone|everybody|parents?'?s?|kids'|children'?s(?=\s+\w)|(?:in|for|of|with|among|about|most|many|all|young|small|are|do|can)\s+children|"
    r"(?:the|this|your|every|these|those|any)\s+(?:[\w-]{1,40}\s+){0,2}(?:article|section|post|posts|piece|bit|video|videos|guide|leaflet|page|handout|thread|threads)|who\s+wrote|"
    r"what'?s\s+the\s+(?:rule|guidance|advice|policy|recommendation)|"
    # seventeenth round: policy ("cannabis for seizures should be a decision for families and doctors"), what
    # doctors say ("glad doctors are finally saying that about dizziness"), a name for a thing ("'ice cream
    # headache' has a real medical name"), and how a condition presents ("gallbladder pain can feel like back
    # pain")
    r"should\s+be\s+(?:a\s+decision|decided|up\s+to|legal|illegal|covered|allowed|banned)|doctors\s+(?:are|were|have|need\s+to|should|finally|keep|always|never)|"
    r"has\s+a\s+(?:real\s+|actual\s+|proper\s+|medical\s+|fancy\s+|scientific\s+)+name|(?:medical|real|scientific|proper)\s+(?:name|term)\s+for|"
    r"can\s+(?:feel|look|present|show\s+up|seem)\s+like|"
    # a condition compared or described in general: "migraine is so much more than a headache", "vertigo vs
    # dizziness", "dizziness has so many causes", "fainting … is more common than you'd think"
    r"(?:is|are)\s+(?:so\s+)?(?:much\s+)?more\s+than\s+(?:just\s+)?(?:a|an)|\bvs\.?|versus|has\s+(?:so\s+)?many\s+(?:causes|triggers|types|forms|faces)|"
    r"more\s+common\s+than\s+(?:you'?d|you\s+(?:would|might)|people|most\s+people)\s+(?:think|realis?ze|expect)|"
    # "blood in the stool should never be ignored", "vomiting blood is always an emergency, right?", "chest pain
    # at the ER gets you seen fast"
    r"(?:should|must)\s+never\s+be\s+(?:ignored|dismissed)|(?:is|are)\s+(?:always|never|usually|often|rarely)\s+(?:an?\s+)?(?:emergency|emergencies|serious|dangerous|fatal|red\s+flags?|worth\s+(?:checking|a\s+call|getting\s+checked))|"
    # eighteenth round: "Fever isn't the enemy, it's the body fighting", first-aid steps ("cough, then back blows,
    # then thrusts?")
    r"(?:is\s*n'?t|is\s+not|aren'?t|are\s+not)\s+(?:the\s+enemy|always\s+bad|just|only|simply)\b|the\s+body\s+(?:fighting|'?s\s+way)|(?:first|then)\s+(?:\w+\s+){0,2}(?:blows|thrusts|compressions|rescue\s+breaths)|"
    r"gets?\s+(?:you|people)\s+(?:seen|triaged))\b",
    re.I,
)
# A red flag that only names a programme, a policy or a statistic is a topic, whoever writes: "AI sepsis
# alerts at our hospital", "the pharmacist UTI prescribing pilot", "stroke awareness month"
_TOPIC_NOUN = re.compile(
    r"(?:\s+|-)(?:alerts?|alarms?|prescribing|pilots?|programs?|programmes?|polic(?:y|ies)|guidelines?|protocols?|bundles?|"
    r"screening\s+tools?|awareness|research|rates?|statistics|stats|deaths|mortality|training|drills?|simulations?|prevention|prophylaxis|"
    r"outbreaks?|epidemic|pandemic|charit(?:y|ies)|foundation|society|month|campaign|documentary|podcast|first\s+aid|posters?|"
    r"control\s+(?:number|center|centre|line|hotline|phone))\b",
    re.I,
)
# ...and a piece's part named after it, a word between at most: "the slurred speech section gave me chills"
_PIECE_AFTER = re.compile(
    r"(?:\s+(?!(?:the|a|an|my|his|her|our|their|this|that|whole|entire|during|in|on|at|for)\b)[\w-]+)?\s+"
    r"(?:sections?|paragraphs?|chapters?|infographics?|explainers?|checklists?|acronyms?)\b",
    re.I,
)
# ...and one after a statistic or a study: "the stats on overdose after release from jail"
_TOPIC_OF = re.compile(r"\b(?:stats|statistics|rates?|data|numbers|figures|research|studies|study|trends?)\s+(?:on|of|about|for)\s+(?:how\s+many\s+)?(?:the\s+)?$", re.I)
# ...and one named or sold, not suffered: "'ice cream headache' has a real medical name", "Stop seizures naturally"
_NAMED = re.compile(r"['\u2019\u201d\"]?\s+(?:has\s+a\s+(?:real\s+|actual\s+|proper\s+|medical\s+|fancy\s+|scientific\s+)*name|is\s+(?:actually\s+)?called)\b", re.I)
_SOLD_CURE = re.compile(r"\b(?:stops?|cures?|reverses?|beats?|ends?|heals?)\s+(?:your\s+)?$", re.I)
_SOLD_HOW = re.compile(r"(?:\s+[\w-]+)?\s+(?:naturally|for\s+good|permanently|in\s+\d+\s+days)\b", re.I)
# a list of signs mapped to where to go ("can't breathe, chest pain… = ER. sprains, small cuts = urgent care"): a rule
_WHERE_TO_GO = re.compile(r"(?:=|->|→)\s*(?:the\s+)?(?:er|ed|911|a&e|urgent\s+care)\b", re.I)
# "the post says call 911 for stroke signs": the phrase "stroke signs" names the topic unless someone has them
_SIGNS_PHRASE = re.compile(r"stroke\s+(?:symptoms|signs)", re.I)
_PERSON_WORD = re.compile(r"\b(?:i|i'm|im|my|me|he|she|his|her|him|mom|dad|husband|wife|son|daughter|grandma|grandpa)\b", re.I)
_PAIN_WORD = re.compile(r"\b(?:pain\w*|hurt\w*|ache\w*|aching|sore|agony|cramp\w*|throb\w*)\b", re.I)


def _only_topics(text: str, reasons: list[Reason]) -> bool:
    """Whether every red flag of TEXT names a topic whoever writes: a programme or a statistic ("sepsis
    alerts", "the stats on overdose"), or a score out of ten in a comment that names no pain ("10/10 no
    notes")."""
    names_pain: bool | None = None  # searched once, and only if a score needs it
    if len(_WHERE_TO_GO.findall(text)) >= 2:
        return True
    for r in reasons:
        if r.label == "stroke_signs" and _SIGNS_PHRASE.fullmatch(text, r.start, r.end) and not _PERSON_WORD.search(text):
            continue
        if _TOPIC_NOUN.match(text, r.end) or _PIECE_AFTER.match(text, r.end) or _TOPIC_OF.search(text, max(0, r.start - 40), r.start) or _NAMED.match(text, r.end):
            continue
        if _SOLD_HOW.match(text, r.end) and _SOLD_CURE.search(text, max(0, r.start - 20), r.start):
            continue
        if r.label == "moderate_pain" and "/" in text[r.start : r.end]:
            if names_pain is None:
                names_pain = _PAIN_WORD.search(text) is not None
            if not names_pain:
                continue
        return False
    return True


_NEVER_GENERAL = frozenset({"suicidal", "self_harm", "homicidal"})


def _about_someone(text: str) -> bool:
    """Whether a sentence of TEXT names someone, leaving out those where the writer only reads or
    thanks ("I appreciate the bit about fever thresholds for babies")."""
    text = text.replace("\u2019", "'")
    return any(_SOMEONE.search(s) and not disclosure.only_reading(s) for s in disclosure.SENTENCE.findall(text))



def _asks_in_general(text: str, reasons: list[Reason]) -> bool:
    """Whether a sentence holding a red flag asks or speaks in general ("How is sepsis treated?");
    a cue in another sentence does not count ("What is happening? Chest pain and left arm numb")."""
    for sentence in disclosure.SENTENCE.finditer(text):
        if any(sentence.start() <= r.start < sentence.end() for r in reasons) and _GENERAL_CUE.search(sentence.group()):
            return True
    return False


def _general_topic(result: Screening) -> None:
    """Set urgency back to routine for a comment about a topic, not a person ("how do you tell a
    panic attack from a heart attack?", "what to keep in the cabinet for kids' fevers"): nobody
    is in danger, and it is the ordinary general question a health article invites. Suicidal,
    self-harm and homicidal language is never discounted."""
    if any(r.label in _NEVER_GENERAL for r in result.reasons):
        return
    result.urgency, result.crisis, result.reasons = ROUTINE, False, []


_TITLES = frozenset({"dr", "doctor", "prof", "professor", "mr", "mrs", "ms", "miss", "md", "do", "np", "pa", "rn"})
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _name_words(text: str) -> list[str]:
    words = [w.lower() for w in _NAME_WORD.findall(text)]
    return [w.removesuffix("'s").removesuffix("’s") for w in words if w not in _TITLES]


def _public_name_words(names: Collection[str]) -> list[tuple[frozenset[str], str, str]]:
    """Each public name as (its words, first name, surname), titles and credentials left out
    ("Dr. Alice Moreno, MD" -> ({alice, moreno}, alice, moreno))."""
    out = []
    for name in names:
        words = _name_words(name.split(",")[0])
        if words:
            out.append((frozenset(words), words[0], words[-1]))
    return out


_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|i'd|me|my|mine|we|us|our|ours)\b", re.I)
_CARE = re.compile(
    r"\b(?:saw|see|sees|seen|seeing|visit\w*|treat\w*|did|does|done|operat\w*|fix\w*|replac\w*|diagnos\w*|"
    r"prescri\w*|refer\w*|deliver\w*|care|cared|caring|patient\w*|appointment\w*|surgeon|doctor|doc|"
    # "nobody in my office understands": the writer's workplace, not a doctor's
    r"physician|pcp|gp|(?<!my\s)(?<!our\s)office|clinic|surgery|procedure|op)\b",
    re.I,
)
_CLOSE = re.compile(
    r"\b(?:my|our)\s+(?:\w+\s+)?(?:mom|mum|mother|dad|father|parents?|husband|hubby|wife|partner|son|daughter|kids?|"
    r"child|children|baby|grand\w+|brother|sister|aunt|uncle|family|friend)\b",
    re.I,
)


def _tells_of_care(text: str) -> bool:
    """Whether the comment may say that the writer or someone close is a clinician's patient
    ("Dr. Okafor did my knee", "thank you for seeing my father", "she is our doctor", "was
    wonderful with my mom"): being someone's patient is health information, so a clinician's
    name keeps counting there."""
    text = text.replace("\u2019", "'")
    return bool((_FIRST_PERSON.search(text) and _CARE.search(text)) or _CLOSE.search(text))


_TITLED = re.compile(r"\b(?:dr|doctor|dra|doctora)\.?\s*$", re.I)
# someone the post honours, congratulated by title: "Congrats Mrs. Pruitt!", "Welcome Nurse Adeyemi"
_HONOURED = re.compile(
    r"\b(?:congrats|congratulations|welcome|happy\s+retirement|enjoy)\W+(?:\w+\W+){0,5}?(?:dr|doctor|dra|doctora|nurse|mrs|mr|ms|prof|professor)\.?\s*$", re.I
)
_VOCATIVE = re.compile(
    r"(?:\b(?:thanks?|thank\s+you|thx|ty|great|nice|good|excellent|wonderful|brilliant|helpful|love|loved|hi|hello|"
    r"hey|dear|bravo|kudos|done|agree|agreed|cheers|sir|madam|petition\s+for|shout\s*-?out\s+to|more\s+from|"
    r"informative|useful|interesting|amazing|awesome|fantastic|gracias|please|pls|plz)\W+(?:\w+\W+){0,5}?|@)\s*(?:dr|doctor|dra|doctora)\.?\s*$",
    re.I,
)
_WORK = r"(?:article|articles|post|posts|piece|video|videos|series|blog|work|writing|explanation|advice\s+column|column|columns|talk|talks|slides|lecture|webinar|podcast|book|channel|newsletter|interviews?|segments?|episodes?|appearances?|reels?|threads?|lines?|quotes?|tips?|analogy|analogies|explainers?|infographics?|handouts?)"
_WORK_OF = re.compile(rf"['’]s\s+(?:\w+\s+)?{_WORK}\b", re.I)
_WORK_AFTER_POSSESSIVE = re.compile(rf"\s+(?:\w+\s+){{0,2}}{_WORK}\b", re.I)
# the author addressed first, then thanked or asked for more: "Dr Okafor thanks for the talk", "Dr. Moreno - great
# piece", "Dr. Halvorsen please never stop making these"
_THANKS_AFTER = re.compile(r"\s*[,!:—–-]?\s*(?:thanks?|thank\s+you|thx|ty|great|love|loved|brilliant|excellent|wonderful|bravo|kudos|your|you|you're|please|pls|plz|never\s+stop|keep\s+(?:going|posting|it\s+up|these\s+coming)|(?:do|make)\s+(?:a|an|one|more|another)\s+(?:video|post|series|episode|piece|thread))\b", re.I)


def _addresses_author(text: str, ident: Identifier) -> bool:
    """Whether the NAME IDENT is a clinician addressed or credited as the author ("Thank you
    Dr. Moreno", "Great piece, Dr. Okafor", "Love Dr. Okafor's videos"): an author's name is on
    the page already. Any other clinician's name ("Dr. Patel at St Luke's was wonderful")
    still counts."""
    if ident.category != "NAME":
        return False
    before = text[max(0, ident.start - 60) : ident.start]
    if _HONOURED.search(before):
        return True
    title = _TITLED.search(before)
    if title is None:
        return False
    opening = not text[: max(0, ident.start - 60) + title.start()].strip() and (
        text[ident.end : ident.end + 1] == "," or _THANKS_AFTER.match(text, ident.end) is not None
    )
    possessive = text[ident.start : ident.end].lower().replace("\u2019", "'").endswith("'s")
    credited = _WORK_AFTER_POSSESSIVE.match(text, ident.end) if possessive else _WORK_OF.match(text, ident.end)
    return bool(opening or _VOCATIVE.search(before) or credited)


def _is_public_name(text: str, ident: Identifier, known: list[tuple[frozenset[str], str, str]]) -> bool:
    """Whether the NAME IDENT is one of the public names: its surname with or without the rest
    ("Moreno", "Alice Moreno"), or the first name after a title ("Dr. Alice") or just before
    the surname (when the two were found apart). A first name alone is someone else's as often
    as not ("my friend Alice"), so it stays an identifier."""
    if ident.category != "NAME":
        return False
    words = _name_words(text[ident.start : ident.end])
    if not words:
        return False
    titled = _TITLED.search(text[max(0, ident.start - 8) : ident.start]) is not None
    following = _name_words(text[ident.end : ident.end + 40])[:1]
    for name_words, first, last in known:
        if set(words) <= name_words and (last in words or (words == [first] and (titled or following == [last]))):
            return True
    return False


def _second_opinion(text: str, found: list[Reason], chances: dict[str, float]) -> list[Reason]:
    """The patterns' comment signals FOUND, corrected by the classifier's CHANCES (personal.py):
    a flag it is sure is wrong is dropped; one it is confident of is raised, and when neither
    is found but "one of the two" is likely, the likelier is raised."""
    vetoed = {label for label in _PERSONAL if chances[label] < personal.VETO}
    found = [r for r in found if r.label not in vetoed]
    labels = {r.label for r in found}
    raised = [label for label in _PERSONAL if chances[label] > personal.RAISE and label not in labels]
    if not raised and not labels & set(_PERSONAL) and chances["personal"] > personal.RAISE:
        raised = [max(_PERSONAL, key=lambda label: chances[label])]
    if "health_disclosure" in raised and disclosure.speaks_from_job(text):
        # the exception the patterns make, kept by the model too: "In my 15 years in family
        # medicine I have rarely seen…" is a professional speaking, not a disclosure
        raised.remove("health_disclosure")
    return found + [Reason(label, 0, len(text)) for label in raised]  # the model reads the whole comment


def warm() -> None:
    """Load the word lists and compile every lexicon pattern (a few seconds), for a process that
    screens many lines: `bedside screen` calls it before reading its input."""
    identifiers.warm()  # and the identifier model
    personal.probabilities("warm up")  # opens the comment classifier
    for lexicon in (_TARGETS_LEXICON, _MODIFIERS_LEXICON, *disclosure.LEXICONS):
        lexicon.precompile()


def decide(result: Screening) -> str:
    """Reject spam (unless it reads as an emergency or a crisis); hold anything personal, risky or asking for
    advice; publish the rest."""
    # an emergency or a crisis is never rejected unseen, even inside what reads like spam ("took a viagra
    # and did poppers… chest is really tight"): a person reads it and the writer gets the guidance
    if result.spam and not (result.crisis or result.urgency == EMERGENCY):
        return REJECT
    if result.identifiers or result.health_disclosure or result.advice_request or result.crisis or result.urgency != ROUTINE:
        return HOLD
    return PUBLISH


def _screen_urgency(text: str) -> Screening:
    """Run the ConText pipeline: urgency, crisis flag and their reasons."""
    result = Screening()
    if not text or not text.strip():
        return result
    norm = _normalise(text)
    tokens = [(m.start(), m.group().lower()) for m in _WORD.finditer(norm)]
    raw_targets = _TARGETS_LEXICON.find(norm, tokens)
    if not raw_targets:
        return result
    targets = []
    for index, start, end in raw_targets:
        label, _, level, crisis = _TARGETS[index]
        targets.append(_Target(label, level, crisis, start, end))

    # sentences, termination points and word starts (for the scope windows)
    sentences: list[tuple[int, int]] = []
    previous = 0
    for match in _SENTENCE.finditer(norm):
        sentences.append((previous, match.start()))
        previous = match.end()
    sentences.append((previous, len(norm)))
    sentence_starts = [s for s, _ in sentences]
    stops = [(m.start(), m.end()) for m in _TERMINATION.finditer(norm)]

    # modifiers: pseudo-triggers are consumed by the alternation order and then ignored;
    # a trigger inside a target's own wording is ignored
    governed: list[tuple[int, int]] = []
    conditional: list[tuple[int, int]] = []  # "if", "what if": crisis language still counts there
    words = [start for start, _ in tokens]
    target_starts = [t.start for t in targets]  # found in text order
    longest = max(t.end - t.start for t in targets)
    for index, start, end in _MODIFIERS_LEXICON.find(norm, tokens):
        category, _, direction = _MODIFIERS[index]
        if category == PSEUDO:
            continue
        nearby = targets[bisect.bisect_left(target_starts, start - longest) : bisect.bisect_left(target_starts, end)]
        if any(t.start <= start and end <= t.end for t in nearby):
            continue  # a trigger that is part of a finding's own wording
        # a trigger straddling a finding's edge ("my dad had" / "had a stroke") governs it
        into = conditional if category == HYPOTHETICAL else governed
        into.extend((t.start, t.start + 1) for t in nearby if start < t.end and t.start < end)
        sentence = sentences[bisect.bisect_right(sentence_starts, start) - 1]
        into.extend(_scopes(start, end, direction, sentence, words, stops))

    strict, every = _Cover(governed), _Cover(governed + conditional)
    # suicidal language inside a conditional ("what if I just ended it all", "if I killed
    # myself would anyone care") is still a crisis signal; only questions *about* it
    # ("warning signs of suicide", "linked to suicidal thoughts") do not count
    kept = [t for t in targets if not (strict if t.crisis else every).covers(t.start)]
    if not kept:
        return result
    _apply_compound_rules(norm, kept, every)

    # a finding counted once: drop a target inside the span of another kept one of at least its level
    kept_starts = [t.start for t in kept]
    kept = [
        t
        for t in kept
        if not any(
            o is not t and o.start <= t.start and t.end <= o.end and (o.end - o.start) > (t.end - t.start) and _LEVELS[o.level] >= _LEVELS[t.level]
            for o in kept[bisect.bisect_left(kept_starts, t.end - longest) : bisect.bisect_right(kept_starts, t.start)]
        )
    ]
    kept.sort(key=lambda t: (t.start, t.end))
    reasons: list[Reason] = []
    for target in kept:
        reasons.append(Reason(target.label, target.start, target.end))
        if _LEVELS[target.level] > _LEVELS[result.urgency]:
            result.urgency = target.level
        result.crisis = result.crisis or target.crisis
    result.reasons = reasons
    return result


class _Cover:
    """A set of character ranges, merged, answering "is this position inside one?" by bisection."""

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for lo, hi in sorted(r for r in ranges if r[0] < r[1]):
            if self.ends and lo <= self.ends[-1]:
                self.ends[-1] = max(self.ends[-1], hi)
            else:
                self.starts.append(lo)
                self.ends.append(hi)

    def covers(self, position: int) -> bool:
        index = bisect.bisect_right(self.starts, position) - 1
        return index >= 0 and position < self.ends[index]


def _apply_compound_rules(text: str, kept: list[_Target], cover: _Cover) -> None:
    """Raise findings whose weight depends on the message's context (in place)."""
    labels = {t.label for t in kept}
    seen: dict[tuple[re.Pattern[str], bool], bool] = {}

    def present(pattern: re.Pattern[str]) -> bool:
        """PATTERN occurs outside every modifier's scope ("not vomiting" does not count)."""
        key = (pattern, True)
        if key not in seen:
            seen[key] = any(not cover.covers(m.start()) for m in pattern.finditer(text))
        return seen[key]

    def anywhere(pattern: re.Pattern[str]) -> bool:
        key = (pattern, False)
        if key not in seen:
            seen[key] = pattern.search(text) is not None
        return seen[key]

    def infant() -> bool:
        # "my baby (10 months)" is past the age at which any fever is an emergency
        return present(_INFANT) and not anywhere(_OLDER_CHILD)

    for target in kept:
        if target.label == "fever":
            if infant():
                target.label, target.level = "infant_fever", EMERGENCY
            elif present(_SEPSIS_COMPANION) or "confusion" in labels:
                target.label, target.level = "sepsis_signs", EMERGENCY
            elif present(_POSTOP) and (anywhere(_HIGH_POSTOP_FEVER) or present(_CHILLS)):
                target.label, target.level = "postop_fever", EMERGENCY
        elif target.label == "bleeding" and present(_PREGNANT):
            target.label, target.level = "pregnancy_bleeding", EMERGENCY
        elif target.label == "pregnancy_concern" and present(_PREGNANT) and not text[target.start:target.end].lower().startswith("contraction"):
            target.level = EMERGENCY
        elif target.label == "headache" and present(_PREGNANT) and anywhere(_PREECLAMPSIA):
            target.label, target.level = "preeclampsia_signs", EMERGENCY
        elif target.label in {"side_effect", "breathing_mild", "dizziness"} and present(_ALLERGEN) and len(labels & {"side_effect", "breathing_mild", "dizziness", "vomiting"}) >= 2:
            target.label, target.level = "anaphylaxis", EMERGENCY
        elif target.label == "headache" and "fever" in labels and present(_STIFF_NECK):
            target.label, target.level = "meningitis_signs", EMERGENCY
        elif target.label == "head_injury" and (present(_THINNER) or labels & {"unconscious", "vomiting", "confusion", "seizure"}):
            target.label, target.level = "head_injury_danger", EMERGENCY
        elif target.label == "high_blood_sugar" and (present(_DKA_COMPANION) or "vomiting" in labels):
            target.label, target.level = "dka_signs", EMERGENCY
        elif target.label == "vomiting" and infant() and present(_INFANT_DEHYDRATION):
            target.label, target.level = "infant_dehydration", EMERGENCY
