"""Emergency (break-glass) access: a Riverside clinician outside Bob's care team opens his record
only with a stated reason, for a limited time, audited, with the privacy officer alerted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail
from django.utils import timezone

from bedside.accounts import services
from bedside.accounts.models import BreakGlassGrant, Pool, Practice, Role
from bedside.audit.models import AuditEvent
from bedside.core.demo import demo_totp_secret
from bedside.core.errors import InvalidInput
from bedside.messaging.models import Thread
from bedside.messaging.services import thread_create

REASON = "Patient arrived at urgent care with chest pain; need the recent messages about his medication."


@pytest.fixture
def riverside(demo):
    return Practice.objects.get(name="Riverside Family Medicine")


@pytest.fixture
def dr_rita(riverside):
    """A Riverside clinician who is not on Bob's care team."""
    rita = services.user_create(email="rita@demo.bedside", full_name="Rita Shah", role=Role.CLINICIAN,
                                password="a-long-rita-password-1")
    services.membership_add(practice=riverside, user=rita)
    TOTP.activate(rita, demo_totp_secret())
    return rita


@pytest.fixture
def bobs_thread(pat_bob, riverside):
    # Routed to Erin's pool, so neither Rita nor any clinician outside it sees it by default.
    pool = Pool.objects.filter(practice=riverside).first()
    result = thread_create(patient=pat_bob, practice=riverside, subject="Refill", category="prescription",
                           body="Could I get a refill of my lisinopril?")
    thread = result.thread
    if pool is not None:
        Thread.objects.filter(pk=thread.pk).update(pool=pool, clinician=None)
    return thread


def _open(client, **overrides):
    data = {"patient_email": "bob@demo.bedside", "reason_code": "emergency", "reason": REASON,
            "minutes": "30", "confirm": "on", **overrides}
    return client.post("/access/emergency/", data)


def test_without_a_grant_rita_gets_the_uniform_404(dr_rita, bobs_thread, web_login):
    assert web_login(dr_rita).get(f"/threads/{bobs_thread.pk}/").status_code == 404


def test_grant_opens_the_record_for_a_limited_time_audited_and_alerting(
    dr_rita, bobs_thread, riverside, pat_bob, dr_alice, web_login, django_capture_on_commit_callbacks
):
    riverside.privacy_officer = dr_alice
    riverside.save()
    client = web_login(dr_rita)
    with django_capture_on_commit_callbacks(execute=True):
        response = _open(client)
    grant = BreakGlassGrant.objects.get(user=dr_rita)
    assert response.status_code == 302 and response["Location"] == f"/access/emergency/{grant.pk}/"
    assert grant.patient == pat_bob and grant.reason == REASON
    assert timedelta(minutes=29) < grant.expires_at - grant.created_at <= timedelta(minutes=30)
    detail = client.get(response["Location"])
    assert f"/threads/{bobs_thread.pk}/" in detail.content.decode()
    assert client.get(f"/threads/{bobs_thread.pk}/").status_code == 200

    row = AuditEvent.objects.get(action="breakglass.open")
    assert row.actor_id == dr_rita.pk and row.patient_id == pat_bob.pk
    assert row.detail == {"reason_code": "emergency", "minutes": 30}
    assert "chest pain" not in str(row.__dict__)  # the stated reason is never in the trail
    assert AuditEvent.objects.filter(action="thread.view", actor_id=dr_rita.pk, patient_id=pat_bob.pk).exists()

    [alert] = mail.outbox
    assert alert.to == [dr_alice.email]
    assert "Riverside" in alert.subject
    for phi in ("Bob", "bob@", "chest", "lisinopril", "Refill"):
        assert phi not in alert.subject + alert.body

    # Expired: the record closes again by itself.
    now = timezone.now()
    BreakGlassGrant.objects.filter(pk=grant.pk).update(created_at=now - timedelta(minutes=31),
                                                       expires_at=now - timedelta(seconds=1))
    assert client.get(f"/threads/{bobs_thread.pk}/").status_code == 404


def test_ending_access_closes_the_record_at_once(dr_rita, bobs_thread, web_login):
    client = web_login(dr_rita)
    _open(client)
    grant = BreakGlassGrant.objects.get(user=dr_rita)
    assert client.post(f"/access/emergency/{grant.pk}/end/").status_code == 302
    assert client.get(f"/threads/{bobs_thread.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="breakglass.end", actor_id=dr_rita.pk).count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reason": "need it"}, "at least 20 characters"),
        ({"reason_code": ""}, "This field is required"),
        ({"minutes": "600"}, "Select a valid choice"),
        ({"confirm": ""}, "Confirm that you understand"),
        ({"patient_email": "dana@demo.bedside"}, "No patient of this practice uses that email address"),
        ({"patient_email": "nobody@example.org"}, "No patient of this practice uses that email address"),
    ],
)
def test_bad_requests_are_refused_clearly_and_keep_what_was_typed(dr_rita, web_login, overrides, message):
    response = _open(web_login(dr_rita), **overrides)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    if overrides.get("reason") != "need it":
        assert "urgent care with chest pain" in body  # nothing the clinician wrote is lost
    assert not BreakGlassGrant.objects.exists()


def test_only_clinicians_of_the_practice(dr_charlie, staff_erin, pat_bob, pat_dana, aud_frank, web_login, demo):
    riverside = Practice.objects.get(name="Riverside Family Medicine")
    for user in (staff_erin, pat_bob, pat_dana, aud_frank):
        assert web_login(user).get("/access/emergency/").status_code == 404
    # Charlie (Lakeside) cannot open a Riverside record, not even through the service.
    with pytest.raises(InvalidInput):
        services.break_glass_open(user=dr_charlie, practice=riverside, patient_email="bob@demo.bedside",
                                  reason_code="emergency", reason=REASON, minutes=30)
    response = _open(web_login(dr_charlie))
    assert response.status_code == 400 and not BreakGlassGrant.objects.exists()


def test_review_by_privacy_officer_admin_or_auditor_only(dr_rita, bobs_thread, aud_frank, dr_charlie, pat_dana,
                                                         staff_erin, web_login):
    _open(web_login(dr_rita))
    grant = BreakGlassGrant.objects.get()
    page = web_login(aud_frank).get("/access/emergency/review/")
    assert page.status_code == 200 and REASON in page.content.decode()
    for outsider in (dr_charlie, pat_dana, staff_erin, dr_rita):
        assert web_login(outsider).get("/access/emergency/review/").status_code == 404
        assert web_login(outsider).post(f"/access/emergency/{grant.pk}/reviewed/").status_code == 404
    assert web_login(aud_frank).post(f"/access/emergency/{grant.pk}/reviewed/").status_code == 302
    grant.refresh_from_db()
    assert grant.reviewed_by == aud_frank
    assert AuditEvent.objects.filter(action="breakglass.review", actor_id=aud_frank.pk).count() == 1


def test_another_clinicians_grant_is_not_yours(dr_rita, dr_alice, bobs_thread, web_login):
    _open(web_login(dr_rita))
    grant = BreakGlassGrant.objects.get()
    alice = web_login(dr_alice)
    assert alice.get(f"/access/emergency/{grant.pk}/").status_code == 404
    assert alice.post(f"/access/emergency/{grant.pk}/end/").status_code == 404
    assert BreakGlassGrant.objects.get().ended_at is None


def test_privacy_officer_never_reviews_their_own_access(dr_rita, riverside, bobs_thread, web_login,
                                                        django_capture_on_commit_callbacks):
    riverside.privacy_officer = dr_rita
    riverside.save()
    client = web_login(dr_rita)
    with django_capture_on_commit_callbacks(execute=True):
        _open(client)
    grant = BreakGlassGrant.objects.get()
    # The alert went to someone else (the practice admins), not to the person who opened it.
    assert all(dr_rita.email not in m.to for m in mail.outbox)
    page = client.get("/access/emergency/review/")
    assert page.status_code == 200 and REASON not in page.content.decode()
    assert client.post(f"/access/emergency/{grant.pk}/reviewed/").status_code == 404
    with pytest.raises(InvalidInput):
        services.break_glass_review(reviewer=dr_rita, grant=grant)
    grant.refresh_from_db()
    assert grant.reviewed_at is None


def test_reads_under_emergency_access_are_marked_in_the_trail(dr_rita, bobs_thread, web_login):
    client = web_login(dr_rita)
    _open(client)
    grant = BreakGlassGrant.objects.get()
    client.get(f"/access/emergency/{grant.pk}/")
    client.get(f"/threads/{bobs_thread.pk}/")
    listed = AuditEvent.objects.get(action="thread.list", actor_id=dr_rita.pk)
    assert listed.detail["break_glass"] == grant.pk and listed.patient_id == bobs_thread.patient_id
    viewed = AuditEvent.objects.get(action="thread.view", actor_id=dr_rita.pk)
    assert viewed.detail == {"break_glass": True}
