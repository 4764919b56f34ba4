"""Mark screening spans in a comment for moderators, building the HTML safely.

The text is escaped piece by piece and only our own <mark> elements are added, so nothing the
commenter wrote can become markup; labels come from the screening (codes), escaped all the same.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

LABELS = {
    "NAME": "name", "DATE": "date", "AGE": "age", "PHONE": "phone", "EMAIL": "email", "ADDRESS": "address",
    "LOCATION": "place", "ID": "record number", "URL": "link",
    "health_disclosure": "health disclosure", "advice_request": "asks for advice", "spam": "spam",
    "dose": "dose", "directive": "treatment instruction", "diagnosis": "diagnosis", "identifier": "identifier",
    "untrusted_link": "untrusted link",
}


def label_text(code: str) -> str:
    return LABELS.get(code, code.replace("_", " "))


def highlight(text: str, spans: Iterable[tuple[int, int, str]]) -> SafeString:
    """Return TEXT as HTML with every (start, end, label) span wrapped in a labelled <mark>.

    Overlapping spans are split at every boundary; a piece covered by several spans lists all
    their labels. Spans outside the text are clipped or ignored.
    """
    size = len(text)
    clean = [(max(0, s), min(size, e), label) for s, e, label in spans if 0 <= s < e and s < size]
    if not clean:
        return SafeString(escape(text))
    cuts = sorted({0, size, *(s for s, _, _ in clean), *(e for _, e, _ in clean)})
    out: list[str] = []
    for start, end in itertools.pairwise(cuts):
        piece = text[start:end]
        labels = sorted({label_text(lab) for s, e, lab in clean if s <= start and end <= e})
        if not labels:
            out.append(escape(piece))
            continue
        names = ", ".join(labels)
        out.append(format_html('<mark class="flag" title="{}">{}<span class="flag__label"> [{}]</span></mark>',
                               names, piece, names))
    return mark_safe("".join(str(p) for p in out))  # noqa: S308 - every piece above is escaped
