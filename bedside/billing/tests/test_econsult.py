"""E-consults: consent-gated sharing, the specialist sees only what was shared, revocation, the
status flow with turnaround, audit of reads and writes, FHIR ServiceRequest + Communication."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from fhir.resources.R4B import get_fhir_model_class

from bedside.accounts.models import Practice, User
from bedside.audit.models import AuditEvent
from bedside.billing import services
from bedside.billing.models import EConsult, EConsultStatus
from bedside.billing.tests.conftest import sign
from bedside.consent.models import Scope
from bedside.consent.services import consent_revoke
from bedside.core.errors import Forbidden, InvalidInput
from bedside.messaging.models import Attachment, Message, MessageKind, Thread
from bedside.records.fhir import registry

Login = Callable[[User], Client]


def _parts(thread: Thread) -> tuple[Message, Message, Attachment, Attachment]:
    patient_msg = Message.objects.get(thread=thread, kind=MessageKind.PATIENT)
    reply = Message.objects.get(thread=thread, kind=MessageKind.CARE_TEAM)
    return patient_msg, reply, patient_msg.attachments.get(), reply.attachments.get()


def _roundtrip(resource: object) -> dict:
    data = resource.model_dump(mode="json", exclude_none=True, by_alias=True)  # type: ignore[attr-defined]
    parsed = get_fhir_model_class(data["resourceType"]).model_validate(data)
    assert parsed.model_dump(mode="json", exclude_none=True, by_alias=True) == data
    return data


def test_no_consent_no_econsult(bob_thread: Thread, dr_alice: User, dr_sam: User, web_login: Login) -> None:
    with pytest.raises(Forbidden) as refused:
        services.econsult_create(actor=dr_alice, thread=bob_thread, specialist=dr_sam, question="Q?",
                                 thread_ids=[bob_thread.pk])
    assert refused.value.code == "consent_required"
    client = web_login(dr_alice)
    page = client.get(f"/threads/{bob_thread.pk}/econsult/").content.decode()
    assert "has not signed the consent" in page and "Dr. Sam Patel — Cardiology, Hillside Cardiology" in page
    response = client.post(f"/threads/{bob_thread.pk}/econsult/", {
        "specialist": dr_sam.pk, "question": "Beta blocker or not?", "threads": [bob_thread.pk]})
    assert response.status_code == 403
    assert "Beta blocker or not?" in response.content.decode()  # what Alice typed is kept
    assert not EConsult.objects.exists()


def test_specialist_sees_only_the_shared_parts(bob_thread: Thread, dr_alice: User, dr_sam: User, pat_bob: User,
                                               riverside: Practice, web_login: Login) -> None:
    sign(pat_bob, riverside, Scope.SPECIALIST_SHARING)
    patient_msg, _reply, patient_file, reply_file = _parts(bob_thread)
    alice = web_login(dr_alice)
    response = alice.post(f"/threads/{bob_thread.pk}/econsult/", {
        "specialist": dr_sam.pk, "question": "Is this benign?", "messages": [patient_msg.pk],
    })
    assert response.status_code == 302
    econsult = EConsult.objects.get()
    assert econsult.status == EConsultStatus.REQUESTED and econsult.due_at > econsult.created_at
    sam = web_login(dr_sam)
    page = sam.get(f"/econsults/{econsult.pk}/").content.decode()
    assert "Is this benign?" in page and "My heart flutters after coffee." in page
    assert "log your pulse" not in page  # Alice's reply was not shared
    assert "pulse.png" in page and "pulse-log.png" not in page
    assert sam.get(f"/econsults/{econsult.pk}/attachments/{patient_file.pk}/").status_code == 200
    assert sam.get(f"/econsults/{econsult.pk}/attachments/{reply_file.pk}/").status_code == 404
    # The messaging URLs stay closed to him.
    assert sam.get(f"/threads/{bob_thread.pk}/").status_code == 404
    assert sam.get(f"/attachments/{patient_file.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="econsult.view", actor_id=dr_sam.pk, patient_id=pat_bob.pk).count() == 1
    assert AuditEvent.objects.get(action="econsult.download").detail == {"attachment": patient_file.pk}
    created = AuditEvent.objects.get(action="econsult.create")
    assert created.detail == {"specialist": dr_sam.pk, "threads": 0, "messages": 1, "attachments": 0}
    assert sam.get("/econsults/").content.decode().count(f"/econsults/{econsult.pk}/") == 1


def test_attachment_only_share_hides_the_message_text(bob_thread: Thread, dr_alice: User, dr_sam: User,
                                                      pat_bob: User, riverside: Practice, web_login: Login) -> None:
    sign(pat_bob, riverside, Scope.SPECIALIST_SHARING)
    _, _, patient_file, _ = _parts(bob_thread)
    econsult = services.econsult_create(actor=dr_alice, thread=bob_thread, specialist=dr_sam, question="Photo?",
                                        attachment_ids=[patient_file.pk])
    page = web_login(dr_sam).get(f"/econsults/{econsult.pk}/").content.decode()
    assert "pulse.png" in page and "flutters" not in page


def test_whole_thread_is_shared_as_it_stood(bob_thread: Thread, dr_alice: User, dr_sam: User, pat_bob: User,
                                            riverside: Practice, web_login: Login) -> None:
    from bedside.messaging.services import message_send

    sign(pat_bob, riverside, Scope.SPECIALIST_SHARING)
    econsult = services.econsult_create(actor=dr_alice, thread=bob_thread, specialist=dr_sam, question="Thoughts?",
                                        thread_ids=[bob_thread.pk])
    message_send(author=pat_bob, thread=bob_thread, body="Later private detail")
    page = web_login(dr_sam).get(f"/econsults/{econsult.pk}/").content.decode()
    assert "flutters" in page and "log your pulse" in page and "Later private detail" not in page


def test_revoked_consent_takes_the_specialists_access_away(bob_thread: Thread, dr_alice: User, dr_sam: User,
                                                            pat_bob: User, riverside: Practice,
                                                            web_login: Login) -> None:
    signature = sign(pat_bob, riverside, Scope.SPECIALIST_SHARING)
    _, _, patient_file, _ = _parts(bob_thread)
    econsult = services.econsult_create(actor=dr_alice, thread=bob_thread, specialist=dr_sam, question="Q?",
                                        thread_ids=[bob_thread.pk])
    sam = web_login(dr_sam)
    assert sam.get(f"/econsults/{econsult.pk}/").status_code == 200
    consent_revoke(patient=pat_bob, signature=signature)
    assert sam.get(f"/econsults/{econsult.pk}/").status_code == 404
    assert sam.get(f"/econsults/{econsult.pk}/attachments/{patient_file.pk}/").status_code == 404
    assert sam.post(f"/econsults/{econsult.pk}/answer/", {"answer": "fine"}).status_code == 404
    assert f"/econsults/{econsult.pk}/" not in sam.get("/econsults/").content.decode()
    assert web_login(dr_alice).get(f"/econsults/{econsult.pk}/").status_code == 200  # still in Alice's record


def test_answer_close_and_turnaround(bob_thread: Thread, dr_alice: User, dr_sam: User, pat_bob: User,
                                     riverside: Practice, web_login: Login) -> None:
    sign(pat_bob, riverside, Scope.SPECIALIST_SHARING)
    econsult = services.econsult_create(actor=dr_alice, thread=bob_thread, specialist=dr_sam, question="Q?",
                                        thread_ids=[bob_thread.pk])
    sam = web_login(dr_sam)
    response = sam.post(f"/econsults/{econsult.pk}/answer/", {"answer": ""})
    assert response.status_code == 400
    assert sam.post(f"/econsults/{econsult.pk}/answer/", {"answer": "Benign extrasystoles; cut coffee."}).status_code == 302
    econsult.refresh_from_db()
    assert econsult.status == EConsultStatus.ANSWERED and econsult.answered_at is not None
    page = sam.post(f"/econsults/{econsult.pk}/answer/", {"answer": "again"}, follow=True)
    assert "already answered" in page.content.decode()  # the first answer stands
    econsult.refresh_from_db()
    assert econsult.answer == "Benign extrasystoles; cut coffee."
    alice = web_login(dr_alice)
    page_text = alice.get(f"/econsults/{econsult.pk}/").content.decode()
    assert "Benign extrasystoles" in page_text and "within target" in page_text
    assert alice.post(f"/econsults/{econsult.pk}/answer/", {"answer": "me"}).status_code == 404
    assert sam.post(f"/econsults/{econsult.pk}/close/").status_code == 404
    assert alice.post(f"/econsults/{econsult.pk}/close/").status_code == 302
    econsult.refresh_from_db()
    assert econsult.status == EConsultStatus.CLOSED
    answered = AuditEvent.objects.get(action="econsult.answer")
    assert answered.detail == {"on_time": True} and answered.actor_id == dr_sam.pk
    assert AuditEvent.objects.filter(action="econsult.close", actor_id=dr_alice.pk).exists()


def test_decline(bob_thread: Thread, dr_alice: User, dr_sam: User, pat_bob: User, riverside: Practice,
                 web_login: Login) -> None:
    sign(pat_bob, riverside, Scope.SPECIALIST_SHARING)
    econsult = services.econsult_create(actor=dr_alice, thread=bob_thread, specialist=dr_sam, question="Q?",
                                        thread_ids=[bob_thread.pk])
    sam = web_login(dr_sam)
    assert sam.post(f"/econsults/{econsult.pk}/decline/", {"reason": "Needs an in-person visit."}).status_code == 302
    econsult.refresh_from_db()
    assert econsult.status == EConsultStatus.DECLINED
    data = _roundtrip(registry.read(riverside, "ServiceRequest", str(econsult.pk)))
    assert data["status"] == "revoked"
    answer = _roundtrip(registry.read(riverside, "Communication", f"a{econsult.pk}"))
    assert answer["payload"][0]["contentString"] == "Needs an in-person visit."


def test_creation_checks(bob_thread: Thread, dr_alice: User, dr_sam: User, pat_bob: User, pat_dana: User,
                         riverside: Practice, staff_erin: User) -> None:
    from bedside.messaging.services import thread_create

    sign(pat_bob, riverside, Scope.SPECIALIST_SHARING)
    lakeside = Practice.objects.get(name="Lakeside Orthopedics")
    dana_thread = thread_create(patient=pat_dana, practice=lakeside, subject="Knee", category="post_op",
                                body="Swollen.").thread
    with pytest.raises(InvalidInput):  # someone else's record cannot be smuggled in
        services.econsult_create(actor=dr_alice, thread=bob_thread, specialist=dr_sam, question="Q?",
                                 thread_ids=[dana_thread.pk])
    with pytest.raises(InvalidInput):
        services.econsult_create(actor=dr_alice, thread=bob_thread, specialist=dr_sam, question="Q?")
    with pytest.raises(InvalidInput):
        services.econsult_create(actor=dr_alice, thread=bob_thread, specialist=dr_alice, question="Q?",
                                 thread_ids=[bob_thread.pk])
    with pytest.raises(InvalidInput):
        services.econsult_create(actor=dr_alice, thread=bob_thread, specialist=staff_erin, question="Q?",
                                 thread_ids=[bob_thread.pk])
    with pytest.raises(Forbidden):
        services.econsult_create(actor=staff_erin, thread=bob_thread, specialist=dr_sam, question="Q?",
                                 thread_ids=[bob_thread.pk])
    assert not EConsult.objects.exists()


def test_form_refuses_foreign_ids(bob_thread: Thread, dr_alice: User, dr_sam: User, pat_bob: User,
                                  riverside: Practice, web_login: Login) -> None:
    sign(pat_bob, riverside, Scope.SPECIALIST_SHARING)
    client = web_login(dr_alice)
    for data in ({"specialist": dr_sam.pk, "question": "Q", "threads": ["999999"]},
                 {"specialist": "999999", "question": "Q", "threads": [bob_thread.pk]},
                 {"specialist": "x", "question": "", "messages": ["y"]},
                 {"specialist": dr_sam.pk, "question": "Q"}):
        assert client.post(f"/threads/{bob_thread.pk}/econsult/", data).status_code == 400
    assert not EConsult.objects.exists()


def test_charlie_dana_erin_bob_are_refused(bob_thread: Thread, dr_alice: User, dr_sam: User, pat_bob: User,
                                           riverside: Practice, dr_charlie: User, pat_dana: User, staff_erin: User,
                                           aud_frank: User, web_login: Login) -> None:
    sign(pat_bob, riverside, Scope.SPECIALIST_SHARING)
    _, _, patient_file, _ = _parts(bob_thread)
    econsult = services.econsult_create(actor=dr_alice, thread=bob_thread, specialist=dr_sam, question="Q?",
                                        thread_ids=[bob_thread.pk])
    for user in (dr_charlie, pat_dana, staff_erin, pat_bob, aud_frank):
        client = web_login(user)
        assert client.get(f"/econsults/{econsult.pk}/").status_code == 404
        assert client.get(f"/econsults/{econsult.pk}/attachments/{patient_file.pk}/").status_code == 404
        for action in ("answer", "decline", "close"):
            assert client.post(f"/econsults/{econsult.pk}/{action}/", {"answer": "x", "reason": "x"}).status_code == 404
        assert client.get(f"/threads/{bob_thread.pk}/econsult/").status_code == 404
    assert f"/econsults/{econsult.pk}/" not in web_login(dr_charlie).get("/econsults/").content.decode()
    assert web_login(pat_dana).get("/econsults/").status_code == 404
    econsult.refresh_from_db()
    assert econsult.status == EConsultStatus.REQUESTED


def test_fhir_servicerequest_and_communications_validate(bob_thread: Thread, dr_alice: User, dr_sam: User,
                                                         pat_bob: User, riverside: Practice) -> None:
    sign(pat_bob, riverside, Scope.SPECIALIST_SHARING)
    patient_msg, _, _, reply_file = _parts(bob_thread)
    econsult = services.econsult_create(actor=dr_alice, thread=bob_thread, specialist=dr_sam, question="Q?",
                                        thread_ids=[bob_thread.pk], message_ids=[patient_msg.pk],
                                        attachment_ids=[reply_file.pk])
    data = _roundtrip(registry.read(riverside, "ServiceRequest", str(econsult.pk)))
    assert data["status"] == "active" and data["intent"] == "order"
    assert data["subject"] == {"reference": f"Patient/{pat_bob.pk}"}
    assert data["requester"] == {"reference": f"Practitioner/{dr_alice.pk}"}
    assert data["performer"][0]["identifier"]["value"] == "1234567000"
    assert [s["reference"] for s in data["supportingInfo"]] == [
        f"Communication/t{bob_thread.pk}", f"Communication/m{patient_msg.pk}", f"Communication/m{reply_file.message_id}"]
    assert data["occurrencePeriod"]["end"] == econsult.due_at.isoformat().replace("+00:00", "Z")
    question = _roundtrip(registry.read(riverside, "Communication", f"q{econsult.pk}"))
    assert question["basedOn"] == [{"reference": f"ServiceRequest/{econsult.pk}"}]
    assert registry.read(riverside, "Communication", f"a{econsult.pk}") is None  # not answered yet
    services.econsult_answer(actor=dr_sam, econsult=econsult, answer="Fine.")
    answer = _roundtrip(registry.read(riverside, "Communication", f"a{econsult.pk}"))
    assert answer["inResponseTo"] == [{"reference": f"Communication/q{econsult.pk}"}]
    assert _roundtrip(registry.read(riverside, "ServiceRequest", str(econsult.pk)))["status"] == "completed"
    # Another practice's FHIR view does not contain it.
    lakeside = Practice.objects.get(name="Lakeside Orthopedics")
    assert registry.read(lakeside, "ServiceRequest", str(econsult.pk)) is None
    for rtype in ("ServiceRequest", "Communication"):
        for resource in registry.materialise(registry.candidates([riverside], rtype, patient_id=pat_bob.pk, updated={})):
            _roundtrip(resource)
