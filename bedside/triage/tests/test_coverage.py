"""Coverage: a clinician away routes new messages to a colleague, and the patient is told."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from bedside.audit.models import AuditEvent
from bedside.core.errors import Conflict, Forbidden, InvalidInput
from bedside.messaging import services as messaging
from bedside.messaging.notifications import SUBJECT as MESSAGE_SUBJECT
from bedside.triage.models import Coverage
from bedside.triage.services import COVERAGE_SET, coverage_cancel, coverage_set
from bedside.triage.tests.helpers import dr_xavier, send

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")


def away(alice, cover, days: int = 5) -> Coverage:
    now = timezone.now()
    return coverage_set(clinician=alice, covering=cover, starts_at=now - timedelta(hours=1),
                        ends_at=now + timedelta(days=days))


def test_new_thread_goes_to_the_cover_and_the_reply_says_so(pat_bob, dr_alice, django_capture_on_commit_callbacks):
    xavier = dr_xavier()
    coverage = away(dr_alice, xavier)
    with django_capture_on_commit_callbacks(execute=True):
        result = send(pat_bob, "Can you look at my lab results?")
    assert result.thread.assignee == xavier and result.thread.clinician == dr_alice
    back = coverage.ends_at.astimezone(NY)
    assert result.auto_reply is not None
    assert (f"Dr. Alice Moreno is away until {back:%A, %B} {back.day}; Dr. Xavier Reyes is covering"
            in result.auto_reply.body)
    # The assigned cover is told; Alice, away, is not.
    assert [m.to for m in mail.outbox if m.subject == MESSAGE_SUBJECT] == [[xavier.email]]
    assert AuditEvent.objects.filter(action=COVERAGE_SET, object_id=str(coverage.pk)).exists()


def test_follow_up_in_an_existing_thread_goes_to_the_cover(pat_bob, dr_alice):
    thread = send(pat_bob, "Question").thread
    assert thread.assignee is None
    xavier = dr_xavier()
    away(dr_alice, xavier)
    messaging.message_send(author=pat_bob, thread=thread, body="Any news?")
    thread.refresh_from_db()
    assert thread.assignee == xavier


def test_no_cover_before_or_after_the_time_away(pat_bob, dr_alice):
    xavier = dr_xavier()
    now = timezone.now()
    coverage_set(clinician=dr_alice, covering=xavier, starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2))
    result = send(pat_bob, "Question")
    assert result.thread.assignee is None and result.auto_reply is not None
    assert "is away" not in result.auto_reply.body


def test_cancelled_cover_no_longer_routes(pat_bob, dr_alice):
    coverage = away(dr_alice, dr_xavier())
    coverage_cancel(actor=dr_alice, coverage_id=coverage.pk)
    assert send(pat_bob, "Question").thread.assignee is None


def test_cover_must_be_a_clinician_of_the_same_practice(dr_alice, dr_charlie, staff_erin):
    now = timezone.now()
    with pytest.raises(InvalidInput) as exc:
        coverage_set(clinician=dr_alice, covering=dr_charlie, starts_at=now, ends_at=now + timedelta(days=1))
    assert exc.value.field == "covering"
    with pytest.raises(InvalidInput):
        coverage_set(clinician=dr_alice, covering=staff_erin, starts_at=now, ends_at=now + timedelta(days=1))
    with pytest.raises(InvalidInput):
        coverage_set(clinician=dr_alice, covering=dr_alice, starts_at=now, ends_at=now + timedelta(days=1))
    with pytest.raises(InvalidInput) as exc:
        coverage_set(clinician=dr_alice, covering=dr_xavier(), starts_at=now, ends_at=now - timedelta(days=1))
    assert exc.value.field == "ends_at"
    with pytest.raises(Forbidden):
        coverage_set(clinician=staff_erin, covering=dr_alice, starts_at=now, ends_at=now + timedelta(days=1))


def test_overlapping_time_away_is_refused(dr_alice):
    away(dr_alice, dr_xavier())
    with pytest.raises(Conflict):
        away(dr_alice, dr_xavier(), days=2)


# --- web -----------------------------------------------------------------------------------


def test_clinician_arranges_cover_on_the_web(web_login, dr_alice):
    xavier = dr_xavier()
    client = web_login(dr_alice)
    page = client.get("/coverage/")
    assert page.status_code == 200 and "Dr. Xavier Reyes" in page.content.decode()
    start = timezone.now().astimezone(NY) + timedelta(days=1)
    response = client.post("/coverage/", {
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"), "ends_at": (start + timedelta(days=4)).strftime("%Y-%m-%dT%H:%M"),
        "covering": xavier.pk,
    })
    assert response.status_code == 302
    coverage = Coverage.objects.get(clinician=dr_alice)
    assert coverage.covering == xavier
    # The form's wall-clock time is read in the practice's zone.
    assert coverage.starts_at.astimezone(NY).replace(tzinfo=None) == datetime.strptime(
        start.strftime("%Y-%m-%dT%H:%M"), "%Y-%m-%dT%H:%M")
    assert "Dr. Xavier Reyes covers" in client.get("/coverage/").content.decode()


def test_bad_coverage_form_is_a_clear_400(web_login, dr_alice, dr_charlie):
    client = web_login(dr_alice)
    response = client.post("/coverage/", {"starts_at": "garbage", "ends_at": "", "covering": dr_charlie.pk})
    assert response.status_code == 400
    assert "Enter a valid date/time" in response.content.decode()
    assert not Coverage.objects.exists()


def test_charlie_dana_erin_and_anonymous_are_refused(client, web_login, dr_alice, dr_charlie, pat_dana, staff_erin):
    coverage = away(dr_alice, dr_xavier())
    # Charlie is a clinician, but not Alice: he cannot see or cancel her time away.
    charlie = web_login(dr_charlie)
    assert "Xavier" not in charlie.get("/coverage/").content.decode()
    assert charlie.post(f"/coverage/{coverage.pk}/cancel/").status_code == 404
    assert web_login(pat_dana).get("/coverage/").status_code == 404
    assert web_login(pat_dana).post(f"/coverage/{coverage.pk}/cancel/").status_code == 404
    assert web_login(staff_erin).get("/coverage/").status_code == 404
    assert client.get("/coverage/").status_code == 302
    assert client.post(f"/coverage/{coverage.pk}/cancel/").status_code == 302
    coverage.refresh_from_db()
    assert coverage.cancelled_at is None
    assert web_login(dr_alice).post(f"/coverage/{coverage.pk}/cancel/").status_code == 302
    coverage.refresh_from_db()
    assert coverage.cancelled_at is not None
