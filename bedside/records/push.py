"""Build the transaction Bundle that carries one change to a practice's EHR.

Immutable resources (a message, a person, the practice) are conditional creates
(`POST` + `ifNoneExist: identifier=<system>|<value>`): re-sending never duplicates them.
Resources whose state changes (the thread header's status, the reply Task, a Consent that
is revoked, a transcript) are conditional updates (`PUT Type?identifier=…`), equally
idempotent. References inside the bundle are `urn:uuid:`s derived from identifiers.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.resource import Resource

from bedside.accounts.models import Practice
from bedside.consent.models import ConsentSignature
from bedside.messaging.models import Message, Thread
from bedside.records.fhir import communication, consent, documentreference, task
from bedside.records.fhir.common import Refs, system
from bedside.records.fhir.registry import read
from bedside.records.models import PushKind, Transcript

MUTABLE = frozenset({"Task", "Consent", "DocumentReference"})
_CLOSURE = ("Patient", "Practitioner", "Organization")


def _identifier_value(resource: Resource) -> str:
    return str(resource.id)


def _entry(resource: Resource, refs: Refs, *, update: bool) -> dict[str, Any]:
    rtype = resource.get_resource_type()
    rid = _identifier_value(resource)
    query = f"identifier={system(refs.practice, rtype)}|{rid}"
    body = resource.model_dump(mode="json", exclude_none=True, by_alias=True)
    body.pop("id", None)  # the EHR assigns its own ids; our identifier is what matches
    body.pop("meta", None)
    entry: dict[str, Any] = {"fullUrl": refs.full_url(rtype, rid), "resource": body}
    if update:
        entry["request"] = {"method": "PUT", "url": f"{rtype}?{query}"}
    else:
        entry["request"] = {"method": "POST", "url": rtype, "ifNoneExist": query}
    return entry


def _main_resources(kind: str, object_id: int, refs: Refs) -> list[tuple[Resource, bool]]:
    """Return (resource, is_update) pairs for the change itself."""
    if kind == PushKind.MESSAGE:
        message = (Message.objects.select_related("thread__practice", "thread__assignee")
                   .prefetch_related("attachments").get(pk=object_id))
        thread = message.thread
        return [(communication.build_header(thread, refs), True), (task.build(thread, refs), True),
                (communication.build_message(message, refs), False)]
    if kind == PushKind.THREAD:
        thread = Thread.objects.select_related("practice", "assignee").get(pk=object_id)
        return [(communication.build_header(thread, refs), True), (task.build(thread, refs), True)]
    if kind == PushKind.CONSENT:
        signature = ConsentSignature.objects.select_related("document", "practice").get(pk=object_id)
        return [(consent.build(signature, refs), True)]
    transcript = Transcript.objects.select_related("thread__practice").get(pk=object_id)
    return [(communication.build_header(transcript.thread, refs), True),
            (documentreference.build(transcript, refs), True)]


def bundle_for(*, practice: Practice, kind: str, object_id: int) -> dict[str, Any]:
    """Return the transaction Bundle (validated) as JSON-ready data."""
    refs = Refs(practice, bundle=True)
    main = _main_resources(kind, object_id, refs)
    # Communication headers are mutable (status), messages not.
    entries = [_entry(r, refs, update=update or r.get_resource_type() in MUTABLE) for r, update in main]
    have = {(r.get_resource_type(), str(r.id)) for r, _ in main}
    closure: list[dict[str, Any]] = []
    for rtype, rid in list(refs.seen):
        if rtype in _CLOSURE and (rtype, rid) not in have:
            extra = read(practice, rtype, rid, Refs(practice, bundle=True))
            if extra is not None:
                closure.append(_entry(extra, refs, update=False))
                have.add((rtype, rid))
    data = {"resourceType": "Bundle", "type": "transaction", "entry": closure + entries}
    return Bundle.model_validate(data).model_dump(mode="json", exclude_none=True, by_alias=True)
