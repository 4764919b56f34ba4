"""Search-engine metadata of the public pages: canonical URLs, Open Graph and schema.org JSON-LD."""

from __future__ import annotations

import json
import re
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from bedside.publishing.models import Article, ArticleKind, PublicProfile
from bedside.publishing.render import plain_text
from bedside.publishing.templatetags.publishing import items, lines

# The escapes of django.utils.html.json_script: no "</script>" or HTML can break out of the block.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def site_url() -> str:
    return settings.BEDSIDE_SITE_URL.rstrip("/")


def absolute(path: str) -> str:
    """Return the canonical absolute URL of PATH on the configured site (never the Host header)."""
    return site_url() + path


def ld_json(data: dict[str, Any]) -> SafeString:
    """Return DATA as JSON safe to put inside <script type="application/ld+json">."""
    return mark_safe(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES))  # noqa: S308


def profile_photo_url(profile: PublicProfile) -> str | None:
    if not profile.photo_updated_at:
        return None
    return absolute(reverse("publishing:profile_photo", args=[profile.slug])) + f"?v={int(profile.photo_updated_at.timestamp())}"


def physician_ld(profile: PublicProfile) -> dict[str, Any]:
    """Return the schema.org Physician description of a public profile."""
    clinician = profile.clinician
    practice = clinician.practice
    url = absolute(reverse("publishing:profile", args=[profile.slug]))
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Physician",
        "@id": url + "#physician",
        "name": clinician.display_name,
        "url": url,
        "honorificSuffix": clinician.credentials,
        "medicalSpecialty": items(profile.specialties) or [clinician.specialty],
        "description": plain_text(profile.bio_md, 300) or f"{clinician.display_name}, {clinician.specialty}",
        "knowsLanguage": items(profile.languages),
        "memberOf": {"@type": "MedicalOrganization", "name": practice.name},
        "hasCredential": [
            {"@type": "EducationalOccupationalCredential", "credentialCategory": "Board certification", "name": cert}
            for cert in lines(profile.board_certifications)
        ],
        "address": [{"@type": "PostalAddress", "streetAddress": place} for place in lines(profile.locations)],
        "paymentAccepted": ", ".join(lines(profile.accepted_insurance)) or None,
        "telephone": practice.phone or None,
    }
    identifiers = []
    if clinician.npi:
        identifiers.append({"@type": "PropertyValue", "propertyID": "NPI", "value": clinician.npi})
    if clinician.license_number:
        identifiers.append({"@type": "PropertyValue", "propertyID": f"License {clinician.license_state}".strip(),
                            "value": clinician.license_number})
    if identifiers:
        data["identifier"] = identifiers
    photo = profile_photo_url(profile)
    if photo:
        data["image"] = photo
    return {key: value for key, value in data.items() if value not in (None, [], "")}


_QUESTION = re.compile(r"^#{2,4}\s+(.+?)\s*#*\s*$")


def faq_entities(body_md: str) -> list[dict[str, Any]]:
    """Return schema.org Questions for an FAQ page: each heading ending in "?" and the text under it."""
    entities: list[dict[str, Any]] = []
    question: str | None = None
    answer: list[str] = []

    def flush() -> None:
        text = plain_text("\n".join(answer), 1000)
        if question and text:
            entities.append({"@type": "Question", "name": question,
                             "acceptedAnswer": {"@type": "Answer", "text": text}})

    for line in (body_md or "").splitlines():
        match = _QUESTION.match(line)
        if match:
            flush()
            heading = plain_text(match.group(1), 300)
            question, answer = (heading if heading.endswith("?") else None), []
        else:
            answer.append(line)
    flush()
    return entities


def article_ld(article: Article, *, author_url: str | None) -> dict[str, Any]:
    """Return the schema.org MedicalWebPage description of a published article."""
    url = absolute(reverse("publishing:article", args=[article.slug]))
    author: dict[str, Any] = {"@type": "Person", "name": article.author.display_name}
    if author_url:
        author["url"] = author_url
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "url": url,
        "headline": article.title,
        "name": article.title,
        "description": article.summary or plain_text(article.body_md, 200),
        "datePublished": article.published_at,
        "dateModified": article.updated_at,
        "author": author,
        "publisher": {"@type": "MedicalOrganization", "name": article.practice.name},
        "keywords": ", ".join(t.name for t in article.tags.all()) or None,
        "inLanguage": "en",
    }
    if article.kind == ArticleKind.FAQ:
        questions = faq_entities(article.body_md)
        if questions:
            data["@type"] = ["MedicalWebPage", "FAQPage"]
            data["mainEntity"] = questions
    if article.reviewer is not None:
        data["reviewedBy"] = {"@type": "Person", "name": article.reviewer.display_name}
        data["lastReviewed"] = article.reviewed_at
    return {key: value for key, value in data.items() if value not in (None, "")}
