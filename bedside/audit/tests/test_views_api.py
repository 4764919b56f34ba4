"""Auditor pages and the audit API: Frank sees his practice's trail; everyone else is refused."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from bedside.accounts.models import Practice
from bedside.audit.models import Action, AuditEvent
from bedside.audit.services import audit_record, tree_head_checkpoint
from bedside.messaging import services as messaging
from bedside.messaging.models import Thread

pytestmark = pytest.mark.django_db

BODY = "Secret phrase tangerine-lighthouse-5521 about my rash"
SUBJECT = "Rash question Q9"


@pytest.fixture
def bob_thread(pat_bob, dr_alice, web_login) -> Thread:
    practice = Practice.objects.get(name="Riverside Family Medicine")
    thread = messaging.thread_create(patient=pat_bob, practice=practice, subject=SUBJECT, category="medical_question",
                                     body=BODY).thread
    web_login(dr_alice).get(f"/threads/{thread.pk}/")  # Alice reads it: a thread.view event
    return thread


# --- web: who may see the pages --------------------------------------------------------------


@pytest.mark.parametrize("path", ["/audit/", "/audit/export.csv", "/audit/patients/{bob}/"])
@pytest.mark.parametrize("persona", ["dr_alice", "pat_bob", "dr_charlie", "pat_dana", "staff_erin"])
def test_everyone_but_the_auditor_gets_404(path, persona, request, web_login, pat_bob):
    client = web_login(request.getfixturevalue(persona))
    assert client.get(path.format(bob=pat_bob.pk)).status_code == 404


@pytest.mark.parametrize("path", ["/audit/", "/audit/export.csv", "/audit/patients/1/"])
def test_anonymous_is_sent_to_sign_in(path, demo):
    response = Client().get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_frank_is_sent_to_the_trail_and_sees_the_nav_link(web_login, aud_frank):
    client = web_login(aud_frank)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/audit/"
    page = client.get("/audit/")
    assert page.status_code == 200
    assert b'href="/audit/"' in page.content and b"Audit trail" in page.content


def test_frank_searches_and_filters(web_login, aud_frank, bob_thread, dr_alice, pat_bob):
    client = web_login(aud_frank)
    page = client.get("/audit/", {"user": dr_alice.email, "action": "thread.view"})
    assert page.status_code == 200
    rows = page.context["rows"]
    assert rows and all(e.actor_id == dr_alice.pk and e.action == "thread.view" for e, _, _ in rows)
    by_patient = client.get("/audit/", {"patient": str(pat_bob.pk), "sort": "at"}).context["rows"]
    assert by_patient and all(e.patient_id == pat_bob.pk for e, _, _ in by_patient)
    assert [e.at for e, _, _ in by_patient] == sorted(e.at for e, _, _ in by_patient)
    by_object = client.get("/audit/", {"object_type": "thread", "object_id": str(bob_thread.pk)}).context["rows"]
    assert {e.action for e, _, _ in by_object} >= {"thread.create", "thread.view"}
    assert client.get("/audit/", {"date_from": "2999-01-01"}).context["rows"] == []


def test_bad_filters_are_explained_not_500(web_login, aud_frank):
    client = web_login(aud_frank)
    response = client.get("/audit/", {"user": "nobody@example.org", "date_from": "not-a-date", "page": "zz",
                                      "sort": "password"})
    assert response.status_code == 200
    assert b"were ignored" in response.content and b"nobody@example.org" in response.content


def test_frank_sees_only_his_practices_events(web_login, aud_frank, pat_dana, dr_charlie):
    lakeside = Practice.objects.get(name="Lakeside Orthopedics")
    audit_record(action=Action.THREAD_VIEW, actor=dr_charlie, patient_id=pat_dana.pk, practice_id=lakeside.pk)
    rows = web_login(aud_frank).get("/audit/", {"user": str(dr_charlie.pk)}).context["rows"]
    assert rows == []
    assert web_login(aud_frank).get(f"/audit/patients/{pat_dana.pk}/").status_code == 404


def test_csv_export_has_ids_and_no_phi(web_login, aud_frank, bob_thread, pat_bob):
    response = web_login(aud_frank).get("/audit/export.csv", {"patient": pat_bob.email})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and {row["patient_id"] for row in rows} == {str(pat_bob.pk)}
    assert any(row["action"] == "thread.view" and row["object_id"] == str(bob_thread.pk) for row in rows)
    for secret in ("tangerine", "lighthouse", "rash", "Rash", pat_bob.email, pat_bob.full_name, "127.0.0.1"):
        assert secret not in text
    assert AuditEvent.objects.filter(action=Action.AUDIT_EXPORT, actor_id=aud_frank.pk).count() == 1


def test_who_looked_at_bobs_record(web_login, aud_frank, bob_thread, pat_bob, dr_alice):
    response = web_login(aud_frank).get(f"/audit/patients/{pat_bob.pk}/")
    assert response.status_code == 200
    rows = {row["actor_id"]: row for row in response.context["rows"]}
    assert rows[dr_alice.pk]["count"] >= 1
    assert ("thread viewed", 1) in rows[dr_alice.pk]["actions"]
    assert pat_bob.pk in rows  # Bob wrote the message
    assert dr_alice.display_name.encode() in response.content
    # One click away from the list: every patient cell links here.
    listing = web_login(aud_frank).get("/audit/", {"patient": str(pat_bob.pk)})
    assert f'href="/audit/patients/{pat_bob.pk}/"'.encode() in listing.content


def test_auditor_reads_are_audited(web_login, aud_frank, pat_bob):
    client = web_login(aud_frank)
    client.get("/audit/", {"action": "thread.view"})
    client.get(f"/audit/patients/{pat_bob.pk}/")
    views = AuditEvent.objects.filter(action=Action.AUDIT_VIEW, actor_id=aud_frank.pk).order_by("id")
    assert views.count() == 2
    assert views[0].detail["filtered"] is True and views[0].actor_role == "auditor"
    assert (views[1].patient_id, views[1].object_type, views[1].object_id) == (pat_bob.pk, "user", str(pat_bob.pk))


# --- API ---------------------------------------------------------------------------------------


def test_api_verify_for_the_auditor(api, aud_frank, bob_thread):
    tree_head_checkpoint()
    response = api(aud_frank).get("/api/v1/audit/verify")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["events"] >= 5 and len(body["root"]) == 64 and body["problems"] == []
    event = AuditEvent.objects.filter(action=Action.AUDIT_VERIFY, actor_id=aud_frank.pk).get()
    assert event.detail["ok"] is True and event.channel == "api"


@pytest.mark.parametrize("persona", ["dr_alice", "pat_bob", "dr_charlie", "pat_dana", "staff_erin"])
@pytest.mark.parametrize("path", ["/api/v1/audit/verify", "/api/v1/audit/proof/inclusion?event_id=1",
                                  "/api/v1/audit/proof/consistency?first=1", "/api/v1/audit/tree-heads"])
def test_api_refuses_non_auditors(api, persona, path, request):
    response = api(request.getfixturevalue(persona)).get(path)
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_api_refuses_anonymous(demo):
    response = Client().get("/api/v1/audit/verify")
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"


def test_api_reports_tampering(api, aud_frank, bob_thread):
    from bedside.audit.tests.test_trail import raw, tampering

    tree_head_checkpoint()
    victim = AuditEvent.objects.filter(action="thread.view").first()
    with tampering():
        raw("UPDATE audit_auditevent SET actor_id = 424242 WHERE id = %s", [victim.pk])
    body = api(aud_frank).get("/api/v1/audit/verify").json()
    assert body["ok"] is False and body["first_bad_event"] == victim.pk and body["problems"][0]["kind"] == "modified"


def test_api_proofs(api, aud_frank, bob_thread):
    from bedside.audit import merkle

    first = tree_head_checkpoint()
    audit_record(action=Action.THREAD_VIEW)
    second = tree_head_checkpoint()
    client = api(aud_frank)
    event_id = AuditEvent.objects.order_by("id").first().pk
    proof = client.get(f"/api/v1/audit/proof/inclusion?event_id={event_id}").json()
    assert proof["tree_size"] == second.tree_size and proof["tree_head"]["root"] == second.root_hash
    assert merkle.verify_inclusion(bytes.fromhex(proof["leaf_hash"]), proof["leaf_index"], proof["tree_size"],
                                   [bytes.fromhex(p) for p in proof["proof"]], bytes.fromhex(second.root_hash))
    consistency = client.get(f"/api/v1/audit/proof/consistency?first={first.tree_size}&second={second.tree_size}").json()
    assert merkle.verify_consistency(first.tree_size, second.tree_size, bytes.fromhex(first.root_hash),
                                     bytes.fromhex(second.root_hash), [bytes.fromhex(p) for p in consistency["proof"]])
    heads = client.get("/api/v1/audit/tree-heads").json()
    assert heads["items"][0]["tree_size"] == second.tree_size and len(heads["public_keys"]) == 1
    assert client.get("/api/v1/audit/proof/inclusion?event_id=999999").status_code == 404
    bad = client.get("/api/v1/audit/proof/consistency?first=0")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_input"
    assert client.get(f"/api/v1/audit/proof/consistency?first={second.tree_size + 50}").status_code == 400
