"""What the FHIR API serves: for each resource type, how to load one, list candidates for a
search (with the column that is its `meta.lastUpdated`) and build the resource.

Every query is restricted to one practice: readers only ever see the practices they belong to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Model, Q, QuerySet
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.resource import Resource

from bedside.accounts.models import CARE_TEAM_ROLES, Practice, PracticeMembership, Role, User
from bedside.audit.models import AuditEvent
from bedside.billing.models import EConsult
from bedside.consent.models import CareRelationship, ConsentSignature
from bedside.messaging.models import Message, Thread
from bedside.records.fhir import (
    auditevent,
    careteam,
    communication,
    consent,
    documentreference,
    organization,
    patient,
    practitioner,
    practitionerrole,
    provenance,
    servicerequest,
    task,
)
from bedside.records.fhir.common import Refs
from bedside.records.models import Transcript


@dataclass(frozen=True)
class Source:
    """One table behind a resource type; `prefix` is prepended to the pk to make the FHIR id."""

    prefix: str
    queryset: Callable[[Practice], QuerySet[Any]]
    updated: str  # the column that is meta.lastUpdated
    patient: str | None  # the column holding the patient id, None when the type has no patient
    build: Callable[[Any, Refs], Resource]


def _patients(p: Practice) -> QuerySet[User]:
    return User.objects.filter(role=Role.PATIENT, care_relationships__practice=p).distinct()


def _practitioners(p: Practice) -> QuerySet[User]:
    return User.objects.filter(role__in=CARE_TEAM_ROLES, memberships__practice=p).distinct()


def _threads(p: Practice) -> QuerySet[Thread]:
    return Thread.objects.filter(practice=p).select_related("practice")


def _messages(p: Practice) -> QuerySet[Message]:
    return Message.objects.filter(thread__practice=p).select_related("thread__practice").prefetch_related("attachments")


def _transcripts(p: Practice) -> QuerySet[Transcript]:
    return Transcript.objects.filter(thread__practice=p).select_related("thread__practice")


def _econsults(p: Practice) -> QuerySet[EConsult]:
    return EConsult.objects.filter(practice=p).select_related("practice", "specialist__clinician_profile")


def _org_build(obj: Practice, refs: Refs) -> Resource:
    return organization.build(obj, refs)


TYPES: dict[str, list[Source]] = {
    "Patient": [Source("", _patients, "date_joined", "pk", patient.build)],
    "Practitioner": [Source("", _practitioners, "date_joined", None, practitioner.build)],
    "PractitionerRole": [Source(
        "", lambda p: PracticeMembership.objects.filter(practice=p, user__role__in=CARE_TEAM_ROLES)
        .select_related("user", "practice"), "joined_at", None, practitionerrole.build)],
    "Organization": [Source("", lambda p: Practice.objects.filter(pk=p.pk), "", None, _org_build)],
    "CareTeam": [Source(
        "", lambda p: CareRelationship.objects.filter(practice=p).select_related("practice", "clinician"),
        "verified_at", "patient_id", careteam.build)],
    "Consent": [Source(
        "", lambda p: ConsentSignature.objects.filter(practice=p).select_related("document"),
        "signed_at", "patient_id", consent.build)],
    "Communication": [
        Source("t", _threads, "last_message_at", "patient_id", communication.build_header),
        Source("m", _messages, "sent_at", "thread__patient_id", communication.build_message),
        Source("q", _econsults, "created_at", "patient_id", servicerequest.build_question),
        # Answers (or reasons for declining) exist once answered, and stay after the requester closes.
        Source("a", lambda p: _econsults(p).filter(Q(answered_at__isnull=False) | Q(status="declined")),
               "updated_at", "patient_id", servicerequest.build_answer),
    ],
    "ServiceRequest": [Source("", _econsults, "updated_at", "patient_id", servicerequest.build)],
    "Task": [Source("", lambda p: _threads(p).select_related("assignee"), "last_message_at", "patient_id", task.build)],
    "AuditEvent": [Source("", lambda p: AuditEvent.objects.filter(practice_id=p.pk), "at", "patient_id", auditevent.build)],
    "DocumentReference": [Source("", _transcripts, "created_at", "thread__patient_id", documentreference.build)],
    "Provenance": [
        Source("m", _messages, "sent_at", "thread__patient_id", provenance.for_message),
        Source("d", _transcripts, "created_at", "thread__patient_id", provenance.for_transcript),
    ],
}

# Types in a patient compartment ($everything); the audit trail is not part of the record.
EVERYTHING = ("CareTeam", "Consent", "Communication", "Task", "DocumentReference", "Provenance", "ServiceRequest")


def _with_meta(resource: Resource, obj: Model, source: Source) -> Resource:
    if source.updated:
        value = getattr(obj, source.updated)
        if isinstance(value, datetime):
            resource.meta = Meta.model_validate({"lastUpdated": value.isoformat()})
    return resource


def read(practice: Practice, rtype: str, rid: str, refs: Refs | None = None) -> Resource | None:
    """Return the resource RTYPE/RID of PRACTICE, or None when it is not the practice's."""
    for source in TYPES[rtype]:
        if source.prefix and not rid.startswith(source.prefix):
            continue
        raw = rid[len(source.prefix):]
        if not raw.isdigit() or len(raw) > 18 or (raw != "0" and raw.startswith("0")):
            continue
        obj = source.queryset(practice).filter(pk=int(raw)).first()
        if obj is not None:
            return _with_meta(source.build(obj, refs or Refs(practice)), obj, source)
    return None


def has_patient(rtype: str) -> bool:
    return all(source.patient for source in TYPES[rtype])


def has_updated(rtype: str) -> bool:
    return all(source.updated for source in TYPES[rtype])


@dataclass(frozen=True)
class Hit:
    updated: datetime | None
    practice: Practice
    source: Source
    pk: int


def candidates(
    practices: Iterable[Practice], rtype: str, *, patient_id: int | None, updated: dict[str, datetime]
) -> list[Hit]:
    """List what a search matches, oldest change first (stable across pages)."""
    hits: list[Hit] = []
    for practice in practices:
        for source in TYPES[rtype]:
            qs = source.queryset(practice)
            if patient_id is not None and source.patient:
                qs = qs.filter(**{source.patient: patient_id})
            if updated and source.updated:
                qs = qs.filter(**{f"{source.updated}__{op}": value for op, value in updated.items()})
            if source.updated:
                hits.extend(Hit(ts, practice, source, pk) for pk, ts in qs.values_list("pk", source.updated))
            else:
                hits.extend(Hit(None, practice, source, pk) for pk in qs.values_list("pk", flat=True))
    hits.sort(key=lambda h: (h.updated.timestamp() if h.updated else 0.0, h.practice.pk, h.source.prefix, h.pk))
    return hits


def materialise(hits: Iterable[Hit], refs: Refs | None = None) -> list[Resource]:
    """Build the resources for HITS, in order, loading each table's rows in one query."""
    hits = list(hits)
    groups: dict[tuple[int, int], list[int]] = {}
    sources: dict[tuple[int, int], Hit] = {}
    for hit in hits:
        key = (hit.practice.pk, id(hit.source))
        groups.setdefault(key, []).append(hit.pk)
        sources.setdefault(key, hit)
    loaded: dict[tuple[int, int, int], Model] = {}
    for key, pks in groups.items():
        first = sources[key]
        for obj in first.source.queryset(first.practice).filter(pk__in=pks):
            loaded[(key[0], key[1], obj.pk)] = obj
    out: list[Resource] = []
    for hit in hits:
        obj = loaded.get((hit.practice.pk, id(hit.source), hit.pk))
        if obj is not None:
            out.append(_with_meta(hit.source.build(obj, refs or Refs(hit.practice)), obj, hit.source))
    return out


def everything(practice: Practice, patient_id: int) -> list[Resource]:
    """Return the patient, their record at PRACTICE, and every practitioner/organization it names."""
    first = read(practice, "Patient", str(patient_id))
    if first is None:
        return []
    resources: list[Resource] = [first]
    refs = Refs(practice)
    for rtype in EVERYTHING:
        resources.extend(materialise(candidates([practice], rtype, patient_id=patient_id, updated={}), refs))
    have = {(r.get_resource_type(), r.id) for r in resources}
    for rtype, rid in list(refs.seen):
        if rtype in ("Practitioner", "Organization") and (rtype, rid) not in have:
            extra = read(practice, rtype, rid)
            if extra is not None:
                resources.append(extra)
                have.add((rtype, rid))
    return resources
