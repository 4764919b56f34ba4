"""Consent ← one e-signature of one consent-document version: scope, signature, revocation.

A revoked or superseded signature is `inactive`; `provision.period.end` is when it stopped
counting. The signed text is identified by its version (`policy.uri`) and its digests
(`sourceAttachment.hash`, SHA-1 per FHIR, plus the SHA-256 that was signed, as an extension).
"""

from __future__ import annotations

from fhir.resources.R4B.consent import Consent

from bedside.consent.models import ConsentSignature
from bedside.records.fhir.common import SCOPE_SYSTEM, Refs, identifier, sha1_b64, sha256_extension

LOINC = "http://loinc.org"


def build(signature: ConsentSignature, refs: Refs) -> Consent:
    document = signature.document
    ended = signature.revoked_at or signature.superseded_at
    period: dict[str, str] = {"start": signature.signed_at.isoformat()}
    if ended:
        period["end"] = ended.isoformat()
    extensions = [{"url": "urn:bedside:fhir:extension:signature-typed-name", "valueString": signature.typed_name}]
    if signature.revoked_at:
        extensions.append({"url": "urn:bedside:fhir:extension:revoked-at",
                           "valueDateTime": signature.revoked_at.isoformat()})
    if signature.superseded_at:
        extensions.append({"url": "urn:bedside:fhir:extension:superseded-at",
                           "valueDateTime": signature.superseded_at.isoformat()})
    practice = refs.practice
    return Consent.model_validate({
        "resourceType": "Consent",
        "id": str(signature.pk),
        "identifier": [identifier(practice, "Consent", str(signature.pk))],
        "extension": extensions,
        "status": "active" if ended is None else "inactive",
        "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope",
                              "code": "patient-privacy", "display": "Privacy Consent"}]},
        "category": [
            {"coding": [{"system": LOINC, "code": "59284-0", "display": "Patient Consent"}]},
            {"coding": [{"system": SCOPE_SYSTEM, "code": signature.scope, "display": signature.get_scope_display()}]},
        ],
        "patient": refs("Patient", signature.patient_id),
        "dateTime": signature.signed_at.isoformat(),
        "performer": [refs("Patient", signature.patient_id)],
        "organization": [refs("Organization", signature.practice_id, practice.name)],
        "sourceAttachment": {
            "contentType": "text/plain; charset=utf-8",
            "title": f"{document.title} (version {document.version})",
            "hash": sha1_b64(document.body.encode("utf-8")),
            "size": len(document.body.encode("utf-8")),
            "creation": document.published_at.isoformat(),
            "extension": [sha256_extension(signature.document_sha256)],
        },
        "policy": [{"authority": refs.full_url("Organization", str(signature.practice_id)),
                    "uri": f"urn:bedside:{practice.slug}:consentdocument:{document.pk}:v{document.version}"}],
        "provision": {
            "type": "permit",
            "period": period,
            "purpose": [{"system": SCOPE_SYSTEM, "code": signature.scope, "display": signature.get_scope_display()}],
        },
    })
