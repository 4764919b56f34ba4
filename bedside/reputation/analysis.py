"""Pure text work on feed entries: watched-name matching, tone, URL normalisation, near-duplicates."""

from __future__ import annotations

import hashlib
import html
import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TAGS = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+", re.UNICODE)
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|ved|usg|sa|ct|cd)$", re.I)


def plain_text(fragment: str, limit: int = 4000) -> str:
    """Return FRAGMENT (feed HTML) as plain text: tags dropped, entities decoded, spaces collapsed."""
    return _SPACE.sub(" ", html.unescape(_TAGS.sub(" ", fragment or ""))).strip()[:limit]


def normalise_url(url: str) -> str:
    """Return URL without tracking parameters, fragment, default port or trailing slash; host lower-cased.

    Search alerts wrap the same article in different redirect URLs; when the real address is in
    a `url`/`q` parameter of a google.* redirect, that address is used.
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    query = parse_qsl(parts.query, keep_blank_values=False)
    if host.startswith("www.google.") and parts.path == "/url":
        for key, value in query:
            if key in ("url", "q") and value.startswith("http"):
                return normalise_url(value)
    kept = [(k, v) for k, v in query if not _TRACKING.match(k)]
    netloc = host
    if parts.port and parts.port not in (80, 443):
        netloc += f":{parts.port}"
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, urlencode(sorted(kept)), ""))


def url_key(url: str) -> str:
    return hashlib.sha256(normalise_url(url).encode()).hexdigest()


def term_pattern(term: str) -> re.Pattern[str]:
    """Return a case-insensitive pattern for TERM with flexible spacing and optional "Dr." punctuation."""
    words = [re.escape(w) for w in term.split()]
    body = r"[\s\-]+".join(w.replace(r"\.", r"\.?") for w in words)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def find_matches(terms: list[str], fields: dict[str, str]) -> list[dict[str, object]]:
    """Return [{"term", "field", "start", "end"}] for every occurrence of every term in FIELDS."""
    found: list[dict[str, object]] = []
    for term in terms:
        pattern = term_pattern(term)
        for field, text in fields.items():
            for match in pattern.finditer(text):
                found.append({"term": term, "field": field, "start": match.start(), "end": match.end()})
    return found


@lru_cache(maxsize=1)
def _vader() -> object:
    # The lexicon ships inside the vaderSentiment package: loaded once, no download.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def tone_of(text: str) -> tuple[str, float]:
    """Return ("positive" | "neutral" | "negative", VADER compound score) for TEXT."""
    if not text.strip():
        return "neutral", 0.0
    compound = float(_vader().polarity_scores(text[:5000])["compound"])  # type: ignore[attr-defined]
    if compound >= 0.05:
        return "positive", compound
    if compound <= -0.05:
        return "negative", compound
    return "neutral", compound


def simhash(text: str) -> int:
    """Return a signed 64-bit SimHash of TEXT's word 3-shingles (near-duplicates differ in few bits)."""
    words = [w.lower() for w in _WORD.findall(text)]
    shingles = [" ".join(words[i:i + 3]) for i in range(max(1, len(words) - 2))] if words else []
    weights = [0] * 64
    for shingle in shingles:
        value = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if value >> bit & 1 else -1
    result = sum(1 << bit for bit in range(64) if weights[bit] > 0)
    return result - (1 << 64) if result >= 1 << 63 else result


def hamming(a: int, b: int) -> int:
    return bin((a ^ b) & 0xFFFFFFFFFFFFFFFF).count("1")
