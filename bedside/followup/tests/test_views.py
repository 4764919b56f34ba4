"""Web pages: enrol, progress, stop, the patient's check-ins and questionnaire; strangers get 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bedside.audit.models import AuditEvent
from bedside.followup import services
from bedside.followup.models import CheckInState, Enrolment, EnrolmentStatus
from bedside.followup.tests.helpers import answers, enrol, knee, local_today, sent_check_in

pytestmark = pytest.mark.django_db

VALID = {"pain": "4", "fever": "no", "temperature": "", "unit": "F", "wound": "no", "calf": "no",
         "breathing": "no", "notes": "Walking to the mailbox now."}


def test_alice_enrols_bob_on_the_web(web_login, dr_alice, pat_bob):
    client = web_login(dr_alice)
    page = client.get("/followup/enrol/")
    assert page.status_code == 200 and "Total knee replacement" in page.content.decode()
    surgery = local_today(knee().practice).isoformat()
    response = client.post("/followup/enrol/", {"patient": pat_bob.pk, "plan": knee().pk, "surgery_date": surgery})
    enrolment = Enrolment.objects.get(patient=pat_bob)
    assert response.status_code == 302 and response["Location"] == f"/followup/{enrolment.pk}/"
    detail = client.get(f"/followup/{enrolment.pk}/").content.decode()
    assert "Day 30" in detail and "Upcoming" in detail
    listing = client.get("/followup/").content.decode()
    assert "Bob Lindqvist" in listing and "0 of 5" in listing
    assert AuditEvent.objects.filter(action=services.VIEW, object_id=str(enrolment.pk), actor_id=dr_alice.pk).exists()


def test_enrol_form_errors_keep_the_input(web_login, dr_alice, pat_gus):
    client = web_login(dr_alice)
    empty = client.post("/followup/enrol/", {"patient": "", "plan": knee().pk, "surgery_date": "yesterday"})
    html = empty.content.decode()
    assert empty.status_code == 400 and "Choose the patient to enrol." in html and "Enter the date as YYYY-MM-DD." in html
    assert 'value="yesterday"' in html
    surgery = local_today(knee().practice).isoformat()
    refused = client.post("/followup/enrol/", {"patient": pat_gus.pk, "plan": knee().pk, "surgery_date": surgery})
    assert refused.status_code == 403 and "portal-messaging consent" in refused.content.decode()
    assert not Enrolment.objects.exists()


def test_staff_see_progress_but_do_not_enrol(web_login, dr_alice, pat_bob, staff_nora):
    enrolment = enrol(dr_alice, pat_bob)
    client = web_login(staff_nora)
    assert client.get("/followup/").status_code == 200
    assert client.get(f"/followup/{enrolment.pk}/").status_code == 200
    assert client.get("/followup/enrol/").status_code == 404
    assert client.post(f"/followup/{enrolment.pk}/stop/").status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE


def test_charlie_and_dana_are_refused(web_login, dr_alice, pat_bob, dr_charlie, pat_dana):
    check_in = sent_check_in(dr_alice, pat_bob)
    enrolment = check_in.enrolment
    for stranger in (dr_charlie, pat_dana):
        client = web_login(stranger)
        assert client.get(f"/followup/{enrolment.pk}/").status_code == 404
        assert client.post(f"/followup/{enrolment.pk}/stop/").status_code == 404
        assert client.get(f"/followup/check-ins/{check_in.pk}/").status_code == 404
        assert client.post(f"/followup/check-ins/{check_in.pk}/", VALID).status_code == 404
    assert "Bob" not in web_login(dr_charlie).get("/followup/").content.decode()
    assert "Total knee" not in web_login(pat_dana).get("/followup/mine/").content.decode()
    assert web_login(pat_dana).get("/followup/enrol/").status_code == 404
    assert web_login(dr_charlie).get("/followup/check-ins/999999/").status_code == 404
    check_in.refresh_from_db()
    enrolment.refresh_from_db()
    assert check_in.state == CheckInState.SENT and enrolment.status == EnrolmentStatus.ACTIVE


def test_bob_answers_and_lands_on_the_thread(web_login, dr_alice, pat_bob):
    check_in = sent_check_in(dr_alice, pat_bob)
    client = web_login(pat_bob)
    mine = client.get("/followup/mine/").content.decode()
    assert f"/followup/check-ins/{check_in.pk}/" in mine and "Waiting for answers" in mine
    form = client.get(f"/followup/check-ins/{check_in.pk}/")
    assert form.status_code == 200 and "How bad is your pain" in form.content.decode()
    response = client.post(f"/followup/check-ins/{check_in.pk}/", VALID)
    assert response.status_code == 302
    assert response["Location"] == f"/threads/{check_in.enrolment.thread_id}/?sent=1"
    thread_page = client.get(response["Location"]).content.decode()
    assert "Walking to the mailbox now." in thread_page
    check_in.refresh_from_db()
    assert check_in.state == CheckInState.ANSWERED
    again = client.post(f"/followup/check-ins/{check_in.pk}/", VALID)
    assert again.status_code == 409 and "You answered this check-in" in again.content.decode()


def test_validation_errors_are_specific_and_keep_the_input(web_login, dr_alice, pat_bob):
    check_in = sent_check_in(dr_alice, pat_bob)
    client = web_login(pat_bob)
    bad = dict(VALID, pain="", temperature="120", unit="F", breathing="")
    response = client.post(f"/followup/check-ins/{check_in.pk}/", bad)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose a pain score from 0 to 10." in html
    assert "between 93.0 and 109.4" in html
    assert "Answer yes or no about breathing and chest pain." in html
    assert "Walking to the mailbox now." in html and 'value="120"' in html
    not_a_number = client.post(f"/followup/check-ins/{check_in.pk}/", dict(VALID, temperature="hot"))
    assert not_a_number.status_code == 400 and "Enter the temperature as a number" in not_a_number.content.decode()
    check_in.refresh_from_db()
    assert check_in.state == CheckInState.SENT


def test_fahrenheit_is_converted_and_an_emergency_shows_guidance(web_login, dr_alice, pat_bob):
    check_in = sent_check_in(dr_alice, pat_bob)
    client = web_login(pat_bob)
    response = client.post(f"/followup/check-ins/{check_in.pk}/",
                           dict(VALID, fever="yes", temperature="101.3", breathing="yes"), follow=True)
    html = response.content.decode()
    assert "What you wrote may be an emergency" in html and "Call 911 now" in html
    check_in.refresh_from_db()
    assert '"temperature_c": "38.5"' in check_in.answers and check_in.urgency == "emergency"


def test_alice_stops_the_plan(web_login, dr_alice, pat_bob):
    enrolment = enrol(dr_alice, pat_bob)
    client = web_login(dr_alice)
    response = client.post(f"/followup/{enrolment.pk}/stop/", follow=True)
    assert "was stopped" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.STOPPED
    again = client.post(f"/followup/{enrolment.pk}/stop/", follow=True)
    assert "already stopped" in again.content.decode()


def test_missed_check_in_shows_as_missed(web_login, dr_alice, pat_bob):
    check_in = sent_check_in(dr_alice, pat_bob)
    type(check_in).objects.filter(pk=check_in.pk).update(sent_at=timezone.now() - timedelta(hours=25))
    html = web_login(dr_alice).get(f"/followup/{check_in.enrolment_id}/").content.decode()
    assert "Missed" in html


def test_the_thread_page_shows_the_follow_up_panel(web_login, dr_alice, pat_bob, pat_dana):
    check_in = sent_check_in(dr_alice, pat_bob)
    thread_url = f"/threads/{check_in.enrolment.thread_id}/"
    bob_page = web_login(pat_bob).get(thread_url).content.decode()
    assert f"/followup/check-ins/{check_in.pk}/" in bob_page and "Answer the questions" in bob_page
    alice_page = web_login(dr_alice).get(thread_url).content.decode()
    assert f"/followup/{check_in.enrolment_id}/" in alice_page and "waiting for the patient" in alice_page
    assert web_login(pat_dana).get(thread_url).status_code == 404


def test_progress_page_shows_the_answers(web_login, dr_alice, pat_bob):
    check_in = sent_check_in(dr_alice, pat_bob)
    services.check_in_answer(patient=pat_bob, check_in=check_in, answers=answers(pain=6, notes="Knee is stiff."))
    html = web_login(dr_alice).get(f"/followup/{check_in.enrolment_id}/").content.decode()
    assert "Pain 6/10" in html and "Knee is stiff." in html and "Answered" in html


@pytest.mark.parametrize("viewer", ["dr_alice", "pat_bob"])
def test_list_pages_cost_the_same_for_one_enrolment_or_three(viewer, web_login, dr_alice, pat_bob, request):
    """Check-ins are fetched for all enrolments at once, not once per enrolment (N+1)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = request.getfixturevalue(viewer)
    client = web_login(user)
    path = "/followup/" if viewer == "dr_alice" else "/followup/mine/"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    enrolment = enrol(dr_alice, pat_bob)
    one = count()
    for _ in range(2):  # stopped enrolments stay listed with their check-ins
        services.enrolment_stop(actor=dr_alice, enrolment=enrolment)
        enrolment = enrol(dr_alice, pat_bob)
    assert Enrolment.objects.filter(patient=pat_bob).count() == 3
    assert count() == one
