"""The public-reply linter: pure Python, no Django imports.

A clinician answering a public comment must stay general (ACP/FSMB 2013; MISSION.md §6):
no patient-specific advice (doses, "you should stop/start…"), no diagnosing the commenter,
and every reply should send the reader to their own physician and to a trusted resource.
`lint_reply` returns findings with character spans (Python indices into the text) so the
editor can highlight them; findings about something missing span the whole text (0, 0).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

DOSE = "dose"
DIRECTIVE = "directive"
DIAGNOSIS = "diagnosis"
NO_PHYSICIAN = "no_physician"
NO_RESOURCE = "no_resource"
UNTRUSTED_LINK = "untrusted_link"

MESSAGES = {
    DOSE: "A specific dose is personal advice: leave dosing to the reader's own clinician.",
    DIRECTIVE: "This tells the reader what to do with their own treatment; keep it general.",
    DIAGNOSIS: "This reads as a diagnosis of the commenter; a public reply cannot diagnose.",
    NO_PHYSICIAN: "Advise the reader to see their own physician (or the practice, if they are a patient).",
    NO_RESOURCE: "Point to a trusted resource from the practice's library (for example MedlinePlus).",
    UNTRUSTED_LINK: "This link is not in the practice's trusted-resources library.",
}

# Used when the practice's library is empty, so a reply can still be checked.
DEFAULT_TRUSTED_DOMAINS = (
    "medlineplus.gov", "cdc.gov", "nih.gov", "ncbi.nlm.nih.gov", "who.int", "fda.gov", "heart.org",
    "diabetes.org", "cancer.gov", "cancer.org", "aafp.org", "familydoctor.org", "healthychildren.org",
    "mayoclinic.org", "clevelandclinic.org", "988lifeline.org",
)

_UNIT = r"(?:mg|mcg|µg|ug|g|grams?|milligrams?|micrograms?|ml|mL|cc|units?|iu|IU|tablets?|tabs?|pills?|capsules?|caps|puffs?|drops?|sprays?|teaspoons?|tsp|tablespoons?|tbsp)"
_VERB = r"(?:stop|stopping|start|starting|increase|increasing|decrease|decreasing|reduce|reducing|double|doubling|halve|cut(?:\s+back)?|switch|switching|quit|come\s+off|go\s+off|get\s+off|take|taking|skip|skipping|discontinue|lower|raise|up|change|hold|restart|try|add|drop|wean)"
_CONDITIONAL = re.compile(r"\b(?:if|when|whether|unless|anyone|anybody|people|those|someone|who|whoever|many|most|some)\b[^.!?\n]{0,40}$", re.I)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (DOSE, re.compile(rf"\b\d+(?:[.,]\d+)?\s*(?:-|to)?\s*(?:\d+(?:[.,]\d+)?\s*)?{_UNIT}\b(?:\s*(?:once|twice|three\s+times|\d+\s+times|every|a|per|each)\s+(?:a\s+)?\w+)?", re.I)),
    (DOSE, re.compile(r"\b(?:take|taking|try|use)\s+(?:one|two|three|four|half|a\s+half|1|2|3|4)\s+(?:of\s+(?:them|those|these)\s+)?(?:tablets?|pills?|capsules?|puffs?|doses?)\b", re.I)),
    (DIRECTIVE, re.compile(rf"\byou\s+(?:should|must|need\s+to|have\s+to|ought\s+to|'d\s+better|had\s+better|can\s+safely|could\s+safely|may\s+want\s+to|might\s+want\s+to)\s+(?:probably\s+|definitely\s+|just\s+|really\s+)?{_VERB}\b", re.I)),
    (DIRECTIVE, re.compile(r"(?:^|(?<=[.!?\n]))\s*(?:just\s+|please\s+)?(?:stop|start|increase|decrease|reduce|double|halve|quit|skip|discontinue|switch\s+to|cut\s+back\s+on|come\s+off|go\s+off)\s+(?:taking\s+|using\s+)?(?:your|the|that|this|it)\b", re.I)),
    (DIRECTIVE, re.compile(r"\b(?:don'?t|do\s+not|never)\s+(?:take|stop|start|skip)\s+(?:taking\s+)?your\b", re.I)),
    (DIAGNOSIS, re.compile(r"\b(?:it|this|that)\s+(?:sounds|looks|seems)\s+(?:to\s+me\s+)?like\s+(?:you\s+(?:have|'ve\s+got|are\s+having|might\s+have|may\s+have)|a\s+(?:classic\s+|typical\s+)?case\s+of|an?\s+\w+)", re.I)),
    (DIAGNOSIS, re.compile(r"\byou(?:'ve|\s+have)?\s+(?:probably|likely|most\s+likely|definitely|clearly|certainly|almost\s+certainly)\s+(?:have|got|are|'ve\s+got)\b", re.I)),
    (DIAGNOSIS, re.compile(r"\byou\s+(?:have|'ve\s+got|are\s+suffering\s+from|suffer\s+from)\s+(?:a\s+|an\s+)?(?:\w+(?:itis|osis|emia|aemia|oma|pathy|algia|ism)|diabetes|pre-?diabetes|hypertension|depression|anxiety|cancer|an?\s+infection|a\s+(?:uti|stroke|heart\s+attack|hernia|concussion|fracture|virus|blood\s+clot))\b", re.I)),
    (DIAGNOSIS, re.compile(r"\byou(?:'re|\s+are)\s+(?:clearly\s+|probably\s+|definitely\s+)?(?:diabetic|pre-?diabetic|depressed|anemic|anaemic|hypothyroid|hyperthyroid|hypertensive|pregnant|having\s+(?:a|an)\s+\w+)\b", re.I)),
    (DIAGNOSIS, re.compile(r"\byour\s+(?:symptoms|results|numbers|labs?|a1c|levels?|pain)\s+(?:mean|means|indicate|indicates|show|shows|suggest|suggests|confirm|confirms)\b", re.I)),
]

_PHYSICIAN = re.compile(
    r"\b(?:see|seeing|talk|talking|speak|speaking|ask|asking|check|checking|consult|consulting|contact|call|visit|"
    r"discuss|discussing|evaluat\w*|examin\w*|assess\w*|review\w*|book|make)\b[^.!?\n]{0,60}?"
    r"\b(?:doctor|physician|clinician|provider|primary\s+care|gp|care\s+team|pharmacist|nurse|specialist|"
    r"healthcare\s+professional|health\s+care\s+professional|medical\s+professional|appointment|secure\s+portal)\b"
    r"|\b(?:your|their|a|own)\s+(?:own\s+)?(?:doctor|physician|clinician|primary\s+care\s+provider|care\s+team)\b[^.!?\n]{0,40}?\b(?:can|will|should|is|are)\b",
    re.I,
)
_URL = re.compile(r"\bhttps?://[^\s<>\"')\]]+|\bwww\.[^\s<>\"')\]]+|\b(?:[a-z0-9-]+\.)+(?:gov|org|com|edu|int|net)(?:/[^\s<>\"')\]]*)?", re.I)


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    start: int
    end: int


def _host(url: str) -> str:
    candidate = url if "://" in url else "http://" + url
    try:
        host = urlsplit(candidate).hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")


def _trusted_hosts(trusted_urls: Iterable[str]) -> set[str]:
    hosts = {_host(u) for u in trusted_urls}
    hosts.discard("")
    return hosts or set(DEFAULT_TRUSTED_DOMAINS)


def _is_trusted(host: str, trusted: set[str]) -> bool:
    return any(host == t or host.endswith("." + t) for t in trusted)


def lint_reply(text: str, *, trusted_urls: Iterable[str] = ()) -> list[Finding]:
    """Return the findings for a draft public reply, sorted by position (missing items last).

    TRUSTED_URLS are the practice's trusted resources; a link counts when its host is, or is a
    subdomain of, one of their hosts.
    """
    findings: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for code, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.start(), match.end()
            while start < end and text[start].isspace():
                start += 1
            if start >= end or any(s < end and start < e for s, e in taken):
                continue
            if code in (DIAGNOSIS, DIRECTIVE) and _CONDITIONAL.search(text[max(0, start - 60) : start]):
                # "if you have diabetes, …" / "people who take 81 mg…" are general, not a diagnosis
                continue
            taken.append((start, end))
            findings.append(Finding(code, MESSAGES[code], start, end))
    trusted = _trusted_hosts(trusted_urls)
    has_trusted = False
    for match in _URL.finditer(text):
        url = match.group().rstrip(".,;:!?")
        if _is_trusted(_host(url), trusted):
            has_trusted = True
        else:
            findings.append(Finding(UNTRUSTED_LINK, MESSAGES[UNTRUSTED_LINK], match.start(), match.start() + len(url)))
    findings.sort(key=lambda f: (f.start, f.end))
    if not _PHYSICIAN.search(text):
        findings.append(Finding(NO_PHYSICIAN, MESSAGES[NO_PHYSICIAN], 0, 0))
    if not has_trusted:
        findings.append(Finding(NO_RESOURCE, MESSAGES[NO_RESOURCE], 0, 0))
    return findings
