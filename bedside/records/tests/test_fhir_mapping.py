"""Every resource bedside emits validates against FHIR (parsed back with fhir.resources R4B)."""

from __future__ import annotations

import base64
import hashlib

from fhir.resources.R4B import get_fhir_model_class

from bedside.accounts.models import Practice, User
from bedside.consent.models import ConsentSignature, Scope
from bedside.consent.services import consent_revoke
from bedside.messaging.models import Message, MessageKind, Thread
from bedside.messaging.services import thread_close
from bedside.records.fhir import registry
from bedside.records.fhir.common import Refs
from bedside.records.models import PushKind
from bedside.records.push import bundle_for
from bedside.records.services import transcript_create
from bedside.records.tests.conftest import PNG


def _roundtrip(resource: object) -> dict:
    data = resource.model_dump(mode="json", exclude_none=True, by_alias=True)  # type: ignore[attr-defined]
    parsed = get_fhir_model_class(data["resourceType"]).model_validate(data)
    assert parsed.model_dump(mode="json", exclude_none=True, by_alias=True) == data
    return data


def test_every_type_validates(bob_thread: Thread, riverside: Practice, dr_alice: User, demo: dict[str, User]) -> None:
    from bedside.billing.services import econsult_answer, econsult_create
    from bedside.consent.selectors import document_current
    from bedside.consent.services import consent_sign

    transcript_create(thread=bob_thread, actor=dr_alice, reason="download")
    sharing = document_current(practice=riverside, scope=Scope.SPECIALIST_SHARING)
    assert sharing is not None
    consent_sign(patient=bob_thread.patient, document=sharing, typed_name=bob_thread.patient.full_name)
    econsult = econsult_create(actor=dr_alice, thread=bob_thread, specialist=demo["sam"], question="Benign?",
                               thread_ids=[bob_thread.pk])
    econsult_answer(actor=demo["sam"], econsult=econsult, answer="Yes.")  # ServiceRequest + its Communications
    seen = set()
    for rtype in registry.TYPES:
        resources = registry.materialise(registry.candidates([riverside], rtype, patient_id=None, updated={}))
        assert resources, rtype
        for resource in resources:
            data = _roundtrip(resource)
            assert data["resourceType"] == rtype
            seen.add(rtype)
    assert seen == set(registry.TYPES)


def test_communication_links_priority_attachment(bob_thread: Thread, riverside: Practice, pat_bob: User) -> None:
    first = Message.objects.filter(thread=bob_thread, kind=MessageKind.PATIENT).get()
    data = _roundtrip(registry.read(riverside, "Communication", f"m{first.pk}"))
    assert data["partOf"] == [{"reference": f"Communication/t{bob_thread.pk}"}]
    assert data["sender"]["reference"] == f"Patient/{pat_bob.pk}"
    assert data["priority"] == "routine"
    assert data["identifier"][0] == {"use": "official", "system": "urn:bedside:riverside-family-medicine:communication",
                                     "value": f"m{first.pk}"}
    attachment = data["payload"][1]["contentAttachment"]
    stored = first.attachments.get()
    assert attachment["size"] == stored.size and attachment["contentType"] == "image/png"
    assert attachment["extension"][0]["valueString"] == stored.sha256
    from bedside.messaging.attachments import blob_read

    assert attachment["hash"] == base64.b64encode(hashlib.sha1(blob_read(stored.storage_name)).digest()).decode()
    header = _roundtrip(registry.read(riverside, "Communication", f"t{bob_thread.pk}"))
    assert header["status"] == "in-progress" and header["topic"]["text"] == "Rash on my arm"


def test_priority_from_urgency(pat_bob: User, riverside: Practice) -> None:
    from bedside.messaging.services import thread_create

    sent = thread_create(patient=pat_bob, practice=riverside, subject="Chest", category="medical_question",
                         body="I have crushing chest pain and can't breathe")
    assert sent.thread.urgency == "emergency"
    data = _roundtrip(registry.read(riverside, "Communication", f"t{sent.thread.pk}"))
    assert data["priority"] == "stat"
    task = _roundtrip(registry.read(riverside, "Task", str(sent.thread.pk)))
    assert task["priority"] == "stat" and task["status"] == "requested"
    assert task["restriction"]["period"]["end"] == sent.thread.due_at.isoformat().replace("+00:00", "Z") or \
        task["restriction"]["period"]["end"].startswith(sent.thread.due_at.isoformat()[:19])


def test_task_tracks_response(bob_thread: Thread, riverside: Practice, dr_alice: User) -> None:
    task = _roundtrip(registry.read(riverside, "Task", str(bob_thread.pk)))
    assert task["status"] == "in-progress" and "restriction" not in task  # Alice answered
    thread_close(actor=dr_alice, thread=bob_thread)
    task = _roundtrip(registry.read(riverside, "Task", str(bob_thread.pk)))
    assert task["status"] == "completed" and task["businessStatus"]["text"] == "closed"


def test_consent_signature_and_revocation(pat_bob: User, riverside: Practice) -> None:
    signature = ConsentSignature.objects.get(patient=pat_bob, practice=riverside, scope=Scope.PHOTO_SHARING,
                                             revoked_at__isnull=True)
    data = _roundtrip(registry.read(riverside, "Consent", str(signature.pk)))
    assert data["status"] == "active" and data["provision"]["purpose"][0]["code"] == "photo_sharing"
    assert data["sourceAttachment"]["extension"][0]["valueString"] == signature.document_sha256
    consent_revoke(patient=pat_bob, signature=signature)
    data = _roundtrip(registry.read(riverside, "Consent", str(signature.pk)))
    assert data["status"] == "inactive" and "end" in data["provision"]["period"]


def test_other_practice_is_invisible(dana_thread: Thread, riverside: Practice, lakeside: Practice) -> None:
    assert registry.read(riverside, "Communication", f"t{dana_thread.pk}") is None
    assert registry.read(lakeside, "Communication", f"t{dana_thread.pk}") is not None
    assert registry.read(riverside, "Patient", str(dana_thread.patient_id)) is None


def test_push_bundle_is_a_valid_transaction(bob_thread: Thread, riverside: Practice) -> None:
    message = bob_thread.messages.filter(kind=MessageKind.CARE_TEAM).get()
    data = bundle_for(practice=riverside, kind=PushKind.MESSAGE, object_id=message.pk)
    bundle = get_fhir_model_class("Bundle").model_validate(data)
    assert bundle.type == "transaction"
    requests = {(e["resource"]["resourceType"], e["request"]["method"]) for e in data["entry"]}
    assert ("Communication", "POST") in requests and ("Task", "PUT") in requests
    assert ("Patient", "POST") in requests and ("Practitioner", "POST") in requests
    full_urls = {e["fullUrl"] for e in data["entry"]}
    for entry in data["entry"]:
        assert entry["fullUrl"].startswith("urn:uuid:")
        if entry["request"]["method"] == "POST":
            assert entry["request"]["ifNoneExist"].startswith("identifier=urn:bedside:riverside-family-medicine:")
        for ref in _references(entry["resource"]):
            assert ref in full_urls, ref  # every reference resolves inside the bundle
    again = bundle_for(practice=riverside, kind=PushKind.MESSAGE, object_id=message.pk)
    assert [e["fullUrl"] for e in again["entry"]] == [e["fullUrl"] for e in data["entry"]]


def _references(node: object) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                found.append(value)
            else:
                found.extend(_references(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_references(item))
    return found


def test_refs_api_mode(riverside: Practice) -> None:
    refs = Refs(riverside)
    assert refs("Patient", 5) == {"reference": "Patient/5"}
    assert PNG.startswith(b"\x89PNG")
