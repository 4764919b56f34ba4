"""The threads API of CONTRACT.md: create, list (keyset pages), read, reply; who is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from bedside.accounts import services as accounts
from bedside.accounts.models import Practice, Role
from bedside.audit.models import Action, AuditEvent, Outcome
from bedside.consent import services as consent
from bedside.consent.documents import standard_document
from bedside.consent.models import CareRelationship, ConsentSignature, Scope, VerificationMethod
from bedside.consent.selectors import document_current, relationship_active
from bedside.core.demo import demo_password
from bedside.messaging import services
from bedside.messaging.models import Message, MessageKind, Thread, ThreadStatus

pytestmark = pytest.mark.django_db

THREADS = "/api/v1/threads"


def new_thread(client: Client, **overrides) -> tuple[int, dict]:
    body = {"subject": "Refill question", "category": "prescription", "body": "Could you renew my lisinopril?"}
    body.update(overrides)
    response = client.post(THREADS, body, content_type="application/json")
    return response.status_code, response.json()


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body.get("code"), str) and body["code"]
    assert isinstance(body.get("message"), str) and body["message"]
    if code is not None:
        assert body["code"] == code, body
    return body


def counts() -> tuple[int, int]:
    return Thread.objects.count(), Message.objects.count()


def riverside() -> Practice:
    return Practice.objects.get(name="Riverside Family Medicine")


# --- POST /threads -----------------------------------------------------------------------


def test_bob_starts_a_thread(api, pat_bob, dr_alice):
    status, body = new_thread(api(pat_bob), subject="Knee", category="medical_question",
                              body="My knee is stiff in the mornings.")
    assert status == 201, body
    assert set(body) >= {"id", "urgency", "auto_reply"}
    assert body["urgency"] == "routine"
    # The auto-reply states the practice's response promise and where emergencies go.
    assert "within 2 business days" in body["auto_reply"]
    assert "911" in body["auto_reply"]
    thread = Thread.objects.get(pk=body["id"])
    assert thread.patient == pat_bob and thread.practice == riverside()
    assert thread.clinician == dr_alice
    assert thread.subject == "Knee" and thread.category == "medical_question"
    assert thread.due_at is not None
    kinds = list(thread.messages.order_by("id").values_list("kind", flat=True))
    assert kinds == [MessageKind.PATIENT, MessageKind.AUTO_REPLY]


def test_every_contract_category_is_accepted(api, pat_bob):
    client = api(pat_bob)
    for category in ("medical_question", "appointment", "prescription", "billing", "post_op", "other"):
        status, body = new_thread(client, category=category)
        assert status == 201, body


def test_emergency_message_gets_emergency_auto_reply(api, pat_bob):
    status, body = new_thread(api(pat_bob), subject="Help", category="medical_question",
                              body="I have crushing chest pain and can't breathe")
    assert status == 201
    assert body["urgency"] == "emergency"
    reply = body["auto_reply"]
    assert "911" in reply and "emergency" in reply.lower() and "Do not wait" in reply
    thread = Thread.objects.get(pk=body["id"])
    assert thread.urgency == "emergency"
    assert thread.due_at is not None and thread.due_at - thread.created_at <= timedelta(hours=4)


def test_negated_chest_pain_is_routine(api, pat_bob):
    status, body = new_thread(api(pat_bob), subject="Refill", body="no chest pain, just a refill question")
    assert status == 201
    assert body["urgency"] == "routine"
    assert "within 2 business days" in body["auto_reply"]


def test_gus_without_consent_is_refused_and_audited(api, pat_gus):
    before = counts()
    response = api(pat_gus).post(THREADS, {"subject": "Hi", "category": "other", "body": "Hello"},
                                 content_type="application/json")
    assert_error(response, 403, "consent_required")
    assert counts() == before
    event = AuditEvent.objects.get(action=Action.MESSAGE_REFUSED)
    assert event.actor_id == pat_gus.pk and event.patient_id == pat_gus.pk
    assert event.outcome == Outcome.DENIED and event.detail == {"reason": "consent_required"}
    assert event.practice_id == riverside().pk and event.ip == "127.0.0.1" and event.channel == "api"


def test_patient_without_relationship_is_refused_and_audited(api, demo):
    stranger = accounts.user_create(email="stranger@example.org", full_name="Sam Stranger", role=Role.PATIENT,
                                    password=demo_password())
    before = counts()
    response = api(stranger).post(THREADS, {"subject": "Hi", "category": "other", "body": "Hello"},
                                  content_type="application/json")
    assert_error(response, 403, "no_relationship")
    assert counts() == before
    event = AuditEvent.objects.get(action=Action.MESSAGE_REFUSED)
    assert event.actor_id == stranger.pk and event.outcome == Outcome.DENIED
    assert event.detail == {"reason": "no_relationship"}


def test_bob_cannot_pick_a_practice_he_has_no_relationship_with(api, pat_bob):
    lakeside = Practice.objects.get(name="Lakeside Orthopedics")
    status, body = new_thread(api(pat_bob), practice_id=lakeside.pk)
    assert status == 403 and body["code"] == "no_relationship"
    assert not Thread.objects.exists()


@pytest.mark.parametrize("persona", ["dr_charlie", "staff_erin", "dr_alice", "aud_frank"])
def test_non_patients_cannot_start_threads(api, request, persona):
    user = request.getfixturevalue(persona)
    response = api(user).post(THREADS, {"subject": "Hi", "category": "other", "body": "Hello"},
                              content_type="application/json")
    assert_error(response, 403)
    assert not Thread.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"subject": "Hi", "category": "gossip", "body": "Hello"},
        {"subject": "Hi", "category": "", "body": "Hello"},
        {"subject": "Hi", "category": "other"},
        {"subject": "Hi", "body": "Hello"},
        {"category": "other", "body": "Hello"},
        {},
        {"subject": "Hi", "category": "other", "body": ""},
        {"subject": "Hi", "category": "other", "body": "   \n\t  "},
        {"subject": "Hi", "category": "other", "body": "\x00\x00"},
        {"subject": "", "category": "other", "body": "Hello"},
        {"subject": "   ", "category": "other", "body": "Hello"},
        {"subject": "S" * 201, "category": "other", "body": "Hello"},
        {"subject": "S" * 5000, "category": "other", "body": "Hello"},
        {"subject": "Hi", "category": "other", "body": "x" * 20_001},
        {"subject": "Hi", "category": "other", "body": "x" * 300_000},
        {"subject": 5, "category": "other", "body": "Hello"},
        {"subject": "Hi", "category": ["other"], "body": "Hello"},
        {"subject": "Hi", "category": "other", "body": {"text": "Hello"}},
        {"subject": None, "category": "other", "body": "Hello"},
        {"subject": "Hi", "category": "other", "body": "Hello", "practice_id": "riverside"},
    ],
)
def test_invalid_thread_requests_are_400_and_create_nothing(api, pat_bob, payload):
    client = api(pat_bob)
    before = counts()
    response = client.post(THREADS, payload, content_type="application/json")
    assert_error(response, 400, "invalid_input")
    assert counts() == before


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        ("not json at all", "application/json"),
        ('{"subject": "Hi", "category": "other", "body": "Hel', "application/json"),
        ("[]", "application/json"),
        ("null", "application/json"),
        ("subject=Hi&category=other&body=Hello", "application/x-www-form-urlencoded"),
        (b"\xff\xfe\x00garbage", "application/json"),
        ("[" * 100_000, "application/json"),  # nesting deeper than the JSON parser's recursion
        ('{"subject": "\\ud800", "category": "other", "body": "lone surrogate"}', "application/json"),
    ],
)
def test_non_json_bodies_are_400_json(api, pat_bob, raw, content_type):
    before = counts()
    response = api(pat_bob).post(THREADS, raw, content_type=content_type)
    assert_error(response, 400)
    assert counts() == before


def test_message_length_limit_follows_the_setting(api, pat_bob, settings):
    settings.BEDSIDE_MESSAGE_MAX_CHARS = 100
    client = api(pat_bob)
    status, body = new_thread(client, body="y" * 101)
    assert status == 400 and body["code"] == "invalid_input" and body.get("field") == "body"
    assert "100" in body["message"]
    status, _ = new_thread(client, body="y" * 100)
    assert status == 201


# --- GET /threads ------------------------------------------------------------------------


def test_thread_lists_per_persona(api, pat_bob, dr_alice, staff_erin, staff_nora, dr_charlie, pat_dana, aud_frank):
    bob = api(pat_bob)
    _, desk = new_thread(bob, subject="Appointment", category="appointment", body="Can I come Tuesday?")
    _, nursing = new_thread(bob, subject="Refill", category="prescription", body="Refill please")

    def ids(user) -> list[int]:
        response = api(user).get(THREADS)
        assert response.status_code == 200
        body = response.json()
        assert body["next"] is None
        for item in body["items"]:
            assert set(item) >= {"id", "subject", "category", "urgency", "due_at", "unread"}
        return [item["id"] for item in body["items"]]

    assert ids(pat_bob) == [nursing["id"], desk["id"]]  # newest activity first
    assert ids(dr_alice) == [nursing["id"], desk["id"]]  # Bob's clinician sees both
    assert ids(staff_erin) == [desk["id"]]  # front desk: appointments, not refills
    assert ids(staff_nora) == [nursing["id"]]  # nursing: refills
    assert ids(dr_charlie) == []
    assert ids(pat_dana) == []
    assert ids(aud_frank) == []


def test_list_items_carry_subject_and_unread(api, pat_bob, dr_alice):
    bob = api(pat_bob)
    _, created = new_thread(bob, subject="Rash", category="medical_question", body="A rash on my arm")
    alice = api(dr_alice)
    [item] = alice.get(THREADS).json()["items"]
    assert item["subject"] == "Rash" and item["category"] == "medical_question"
    assert item["urgency"] == "routine" and item["unread"] is True and item["due_at"]
    assert alice.get(f"{THREADS}/{created['id']}").status_code == 200
    assert alice.get(THREADS).json()["items"][0]["unread"] is False
    # Bob wrote the last message himself: nothing unread for him.
    assert bob.get(THREADS).json()["items"][0]["unread"] is False
    alice.post(f"{THREADS}/{created['id']}/messages", {"body": "Please send a photo."}, content_type="application/json")
    assert bob.get(THREADS).json()["items"][0]["unread"] is True


def _walk(client: Client, limit: int) -> list[list[int]]:
    pages: list[list[int]] = []
    url = f"{THREADS}?limit={limit}"
    while True:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append([item["id"] for item in body["items"]])
        if body["next"] is None:
            return pages
        assert len(pages) < 50, "pagination does not end"
        url = f"{THREADS}?limit={limit}&cursor={body['next']}"


@pytest.mark.parametrize("same_time", [False, True])
def test_keyset_pagination_sees_every_thread_once(api, pat_bob, same_time):
    bob = api(pat_bob)
    created = [new_thread(bob, subject=f"Question {i}")[1]["id"] for i in range(7)]
    if same_time:  # ties on last_message_at are broken by id
        Thread.objects.update(last_message_at=timezone.now() - timedelta(hours=1))
    pages = _walk(bob, limit=3)
    assert [len(page) for page in pages] == [3, 3, 1]
    seen = [pk for page in pages for pk in page]
    assert len(seen) == len(set(seen)) == 7
    assert sorted(seen) == sorted(created)
    assert seen == sorted(created, reverse=True)


def test_next_is_accepted_as_the_cursor_parameter(api, pat_bob):
    bob = api(pat_bob)
    for i in range(3):
        new_thread(bob, subject=f"Q{i}")
    first = bob.get(f"{THREADS}?limit=2").json()
    second = bob.get(f"{THREADS}?limit=2&next={first['next']}").json()
    assert len(second["items"]) == 1 and second["next"] is None
    assert second["items"][0]["id"] not in {i["id"] for i in first["items"]}


def test_patient_with_two_practices_must_choose(api, pat_bob, dr_charlie):
    lakeside = Practice.objects.get(name="Lakeside Orthopedics")
    consent.relationship_create(actor=dr_charlie, patient=pat_bob, practice=lakeside, clinician=dr_charlie,
                                method=VerificationMethod.IN_PERSON, established_on=timezone.localdate())
    bob = api(pat_bob)
    status, body = new_thread(bob)
    assert status == 400 and body["code"] == "invalid_input" and body["field"] == "practice_id"
    status, body = new_thread(bob, practice_id=lakeside.pk)
    assert status == 403 and body["code"] == "consent_required"  # not signed at Lakeside
    status, body = new_thread(bob, practice_id=riverside().pk)
    assert status == 201 and Thread.objects.get(pk=body["id"]).practice == riverside()


def test_pagination_exact_multiple_has_no_empty_last_page(api, pat_bob):
    bob = api(pat_bob)
    for i in range(4):
        new_thread(bob, subject=f"Q{i}")
    assert [len(page) for page in _walk(bob, limit=2)] == [2, 2]


def test_new_activity_does_not_duplicate_across_pages(api, pat_bob):
    bob = api(pat_bob)
    for i in range(4):
        new_thread(bob, subject=f"Q{i}")
    first = bob.get(f"{THREADS}?limit=2").json()
    second = bob.get(f"{THREADS}?limit=2&cursor={first['next']}").json()
    assert not set(i["id"] for i in first["items"]) & set(i["id"] for i in second["items"])


@pytest.mark.parametrize(
    "query",
    [
        "cursor=garbage",
        "cursor=!!!!",
        "cursor=" + "A" * 199,
        "cursor=" + "A" * 500,
        "cursor=MjAyNi0wMS0wMVQwMDowMDowMHwx",  # naive timestamp
        "cursor=bm90LWEtZGF0ZXwx",  # "not-a-date|1"
        "cursor=MjAyNi0wMS0wMVQwMDowMDowMCswMDowMHw5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5",  # pk too big
        "cursor=MjAyNi0wMS0wMVQwMDowMDowMCswMDowMHwtNQ",  # negative pk
        "limit=0",
        "limit=101",
        "limit=ten",
        "limit=-1",
    ],
)
def test_bad_cursor_or_limit_is_400(api, pat_bob, query):
    bob = api(pat_bob)
    new_thread(bob)
    response = bob.get(f"{THREADS}?{query}")
    assert_error(response, 400)


# --- GET /threads/{id} -------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["pat_bob", "dr_alice", "staff_erin"])
def test_entitled_users_read_the_thread(api, request, pat_bob, persona):
    _, created = new_thread(api(pat_bob), subject="Appointment", category="appointment", body="Tuesday?")
    user = request.getfixturevalue(persona)
    response = api(user).get(f"{THREADS}/{created['id']}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == created["id"] and body["subject"] == "Appointment"
    assert body["category"] == "appointment" and body["urgency"] == "routine" and body["due_at"]
    assert body["messages"][0]["body"] == "Tuesday?"
    assert body["messages"][0]["author"] == "Bob Lindqvist"
    assert body["messages"][1]["author"] == "Automatic reply"
    for message in body["messages"]:
        assert set(message) >= {"id", "author", "body", "sent_at"}
    view = AuditEvent.objects.filter(action=Action.THREAD_VIEW, actor_id=user.pk).get()
    assert view.object_id == str(created["id"]) and view.patient_id == pat_bob.pk
    assert view.ip == "127.0.0.1" and view.channel == "api"


@pytest.mark.parametrize("persona", ["dr_charlie", "pat_dana", "staff_nora", "aud_frank", "pat_gus"])
def test_others_get_the_same_404_as_for_a_missing_thread(api, request, pat_bob, persona):
    _, created = new_thread(api(pat_bob), category="appointment")
    client = api(request.getfixturevalue(persona))
    refused = client.get(f"{THREADS}/{created['id']}")
    missing = client.get(f"{THREADS}/{created['id'] + 1000}")
    assert_error(refused, 404, "not_found")
    assert refused.status_code == missing.status_code
    assert refused.content == missing.content
    assert not AuditEvent.objects.filter(action=Action.THREAD_VIEW).exists()


@pytest.mark.parametrize(
    "thread_id",
    ["abc", "0", "-1", "1.5", "99999999999999999999999999", str(2**63), str(2**63 - 1), "1e3", "%20", "null"],
)
def test_odd_thread_ids_are_404_not_500(api, pat_bob, thread_id):
    client = api(pat_bob)
    new_thread(client)
    assert_error(client.get(f"{THREADS}/{thread_id}"), 404, "not_found")
    assert_error(client.post(f"{THREADS}/{thread_id}/messages", {"body": "hi"}, content_type="application/json"),
                 404, "not_found")


# --- POST /threads/{id}/messages ---------------------------------------------------------


def test_alice_replies_and_bob_answers(api, pat_bob, dr_alice):
    bob, alice = api(pat_bob), api(dr_alice)
    _, created = new_thread(bob)
    url = f"{THREADS}/{created['id']}/messages"
    response = alice.post(url, {"body": "Sent to your pharmacy."}, content_type="application/json")
    assert response.status_code == 201, response.content
    reply_id = response.json()["id"]
    thread = Thread.objects.get(pk=created["id"])
    assert thread.due_at is None  # answered
    response = bob.post(url, {"body": "Thank you!"}, content_type="application/json")
    assert response.status_code == 201
    thread.refresh_from_db()
    assert thread.due_at is not None  # the clock runs again
    detail = bob.get(f"{THREADS}/{created['id']}").json()
    bodies = [(m["author"], m["body"]) for m in detail["messages"]]
    assert bodies[-2:] == [("Dr. Alice Moreno", "Sent to your pharmacy."), ("Bob Lindqvist", "Thank you!")]
    assert Message.objects.get(pk=reply_id).kind == MessageKind.CARE_TEAM


def test_emergency_follow_up_escalates_the_thread(api, pat_bob):
    bob = api(pat_bob)
    _, created = new_thread(bob)
    response = bob.post(f"{THREADS}/{created['id']}/messages",
                        {"body": "Now I have crushing chest pain and can't breathe"},
                        content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["urgency"] == "emergency" and "911" in body["auto_reply"]
    assert Thread.objects.get(pk=created["id"]).urgency == "emergency"


@pytest.mark.parametrize("persona", ["dr_charlie", "pat_dana", "staff_nora", "aud_frank"])
def test_strangers_cannot_post_into_a_thread(api, request, pat_bob, persona):
    _, created = new_thread(api(pat_bob), category="appointment")
    before = Message.objects.count()
    response = api(request.getfixturevalue(persona)).post(
        f"{THREADS}/{created['id']}/messages", {"body": "let me in"}, content_type="application/json")
    assert_error(response, 404, "not_found")
    assert Message.objects.count() == before


@pytest.mark.parametrize("payload", [{}, {"body": ""}, {"body": "  "}, {"body": 3}, {"body": "z" * 20_001}, {"text": "hi"}])
def test_invalid_replies_are_400(api, pat_bob, payload):
    bob = api(pat_bob)
    _, created = new_thread(bob)
    before = Message.objects.count()
    response = bob.post(f"{THREADS}/{created['id']}/messages", payload, content_type="application/json")
    assert_error(response, 400, "invalid_input")
    assert Message.objects.count() == before


def test_revoked_consent_blocks_the_next_message(api, pat_bob):
    bob = api(pat_bob)
    _, created = new_thread(bob)
    signature = ConsentSignature.objects.get(patient=pat_bob, scope=Scope.PORTAL_MESSAGING, revoked_at__isnull=True)
    consent.consent_revoke(patient=pat_bob, signature=signature, ip="127.0.0.1")
    before = counts()
    response = bob.post(f"{THREADS}/{created['id']}/messages", {"body": "one more thing"},
                        content_type="application/json")
    assert_error(response, 403, "consent_required")
    status, body = new_thread(bob)
    assert status == 403 and body["code"] == "consent_required"
    assert counts() == before
    # He can still read what was said before.
    assert bob.get(f"{THREADS}/{created['id']}").status_code == 200
    refused = AuditEvent.objects.filter(action=Action.MESSAGE_REFUSED, actor_id=pat_bob.pk)
    assert refused.count() == 2 and {e.outcome for e in refused} == {Outcome.DENIED}


def test_new_consent_version_requires_re_signing(api, pat_bob, dr_alice):
    bob = api(pat_bob)
    assert new_thread(bob)[0] == 201
    practice = riverside()
    title, text = standard_document(practice, Scope.PORTAL_MESSAGING)
    new_version = consent.consent_document_publish(
        practice=practice, scope=Scope.PORTAL_MESSAGING, title=title, body=text + "\n8. Updated terms.", actor=dr_alice)
    assert new_version.version == 2
    status, body = new_thread(bob)
    assert status == 403 and body["code"] == "consent_required"
    consent.consent_sign(patient=pat_bob, document=new_version, typed_name="bob lindqvist")
    assert new_thread(bob)[0] == 201


def test_ended_relationship_stops_messaging(api, pat_bob, staff_erin):
    bob = api(pat_bob)
    _, created = new_thread(bob)
    relationship = relationship_active(patient=pat_bob, practice=riverside())
    assert relationship is not None
    consent.relationship_end(actor=staff_erin, relationship=relationship, reason="moved away")
    status, body = new_thread(bob)
    assert status == 403 and body["code"] == "no_relationship"
    response = bob.post(f"{THREADS}/{created['id']}/messages", {"body": "hello?"}, content_type="application/json")
    assert_error(response, 403, "no_relationship")


def test_closed_thread_refuses_patient_reply(api, pat_bob, dr_alice):
    bob = api(pat_bob)
    _, created = new_thread(bob)
    thread = Thread.objects.get(pk=created["id"])
    services.thread_close(actor=dr_alice, thread=thread)
    assert Thread.objects.get(pk=thread.pk).status == ThreadStatus.CLOSED
    before = Message.objects.count()
    response = bob.post(f"{THREADS}/{created['id']}/messages", {"body": "one more thing"},
                        content_type="application/json")
    assert_error(response, 409, "thread_closed")
    response = api(dr_alice).post(f"{THREADS}/{created['id']}/messages", {"body": "late reply"},
                                  content_type="application/json")
    assert_error(response, 409, "thread_closed")
    assert Message.objects.count() == before
    services.thread_reopen(actor=dr_alice, thread=thread)
    response = bob.post(f"{THREADS}/{created['id']}/messages", {"body": "one more thing"},
                        content_type="application/json")
    assert response.status_code == 201


def test_a_new_relationship_after_an_ended_one_restores_messaging(api, pat_bob, staff_erin, dr_alice):
    bob = api(pat_bob)
    practice = riverside()
    relationship = relationship_active(patient=pat_bob, practice=practice)
    consent.relationship_end(actor=staff_erin, relationship=relationship, reason="paused")
    consent.relationship_create(actor=staff_erin, patient=pat_bob, practice=practice, clinician=dr_alice,
                                method=VerificationMethod.TELEHEALTH,
                                established_on=timezone.localdate())
    assert CareRelationship.objects.filter(patient=pat_bob, practice=practice).count() == 2
    assert new_thread(bob)[0] == 201


def test_api_responses_are_not_cached_and_carry_security_headers(api, pat_bob):
    response = api(pat_bob).get(THREADS)
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    token_response = Client().post("/api/v1/auth/token", {"email": "x@y.z", "password": "p"},
                                   content_type="application/json")
    assert token_response["Cache-Control"] == "no-store"


def test_document_current_is_used_for_signing(pat_bob):
    # Guard for the re-sign test above: the demo's live document is version 1.
    document = document_current(practice=riverside(), scope=Scope.PORTAL_MESSAGING)
    assert document is not None and document.version == 1
