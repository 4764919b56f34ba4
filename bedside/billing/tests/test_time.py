"""Time logging on a thread: the panel, the timer, manual entries, edit/delete own, audit, refusals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from bedside.accounts.models import User
from bedside.audit.models import AuditEvent
from bedside.billing import services
from bedside.billing.models import GlobalPeriod, RunningTimer, TimeEntry, TimeSource, Visit
from bedside.core.errors import Forbidden, InvalidInput
from bedside.messaging.models import Thread
from bedside.triage.selectors import practice_zone

Login = Callable[[User], Client]


def _today(thread: Thread) -> str:
    return timezone.now().astimezone(practice_zone(thread.practice)).date().isoformat()


def test_panel_on_the_thread_page_for_the_care_team_only(bob_thread: Thread, dr_alice: User, pat_bob: User,
                                                         web_login: Login) -> None:
    page = web_login(dr_alice).get(f"/threads/{bob_thread.pk}/").content.decode()
    assert "E-visit time" in page and "Start timer" in page and "Ask a specialist" in page
    assert "billing/timer.js" not in page and "<script>" not in page  # loaded only while a timer runs; never inline
    patient_page = web_login(pat_bob).get(f"/threads/{bob_thread.pk}/").content.decode()
    assert "E-visit time" not in patient_page and "timer.js" not in patient_page


def test_timer_start_stop_logs_rounded_up_minutes(bob_thread: Thread, dr_alice: User, web_login: Login) -> None:
    client = web_login(dr_alice)
    assert client.post(f"/threads/{bob_thread.pk}/time/start/").status_code == 302
    timer = RunningTimer.objects.get(thread=bob_thread, user=dr_alice)
    page = client.get(f"/threads/{bob_thread.pk}/").content.decode()
    assert 'class="evisit-timer"' in page and "Stop and log" in page
    assert '<script src="/static/billing/timer.js" defer></script>' in page and "<script>" not in page
    # A second start is refused clearly, not a 500.
    client.post(f"/threads/{bob_thread.pk}/time/start/")
    assert RunningTimer.objects.filter(thread=bob_thread).count() == 1
    Thread.objects.filter(pk=bob_thread.pk).update(created_at=timezone.now() - timedelta(hours=1))
    RunningTimer.objects.filter(pk=timer.pk).update(started_at=timezone.now() - timedelta(minutes=6, seconds=5))
    assert client.post(f"/threads/{bob_thread.pk}/time/stop/").status_code == 302
    entry = TimeEntry.objects.get(thread=bob_thread)
    assert entry.minutes == 7 and entry.source == TimeSource.TIMER and entry.user == dr_alice
    assert not RunningTimer.objects.exists()
    actions = list(AuditEvent.objects.filter(object_type__in=["thread", "timeentry"], action__startswith="billing.")
                   .values_list("action", flat=True))
    assert actions == ["billing.timer_start", "billing.time_add"]
    row = AuditEvent.objects.get(action="billing.time_add")
    assert row.detail == {"thread": bob_thread.pk, "minutes": 7, "source": "timer"}
    assert row.patient_id == bob_thread.patient_id


def test_forgotten_timer_is_discarded(bob_thread: Thread, dr_alice: User) -> None:
    services.timer_start(actor=dr_alice, thread=bob_thread)
    RunningTimer.objects.update(started_at=timezone.now() - timedelta(hours=11))
    assert services.timer_stop(actor=dr_alice, thread=bob_thread) is None
    assert not RunningTimer.objects.exists() and not TimeEntry.objects.exists()


def test_manual_entry_and_errors_keep_what_was_typed(bob_thread: Thread, dr_alice: User, web_login: Login) -> None:
    client = web_login(dr_alice)
    url = f"/threads/{bob_thread.pk}/time/"
    response = client.post(url, {"minutes": "0", "day": _today(bob_thread), "note": "read the ECG"})
    assert response.status_code == 400
    assert "read the ECG" in response.content.decode() and "greater than or equal to 1" in response.content.decode()
    future = (timezone.now() + timedelta(days=3)).date().isoformat()
    response = client.post(url, {"minutes": "5", "day": future})
    assert response.status_code == 400 and "future date" in response.content.decode()
    response = client.post(url, {"minutes": "nine", "day": "not a date"})
    assert response.status_code == 400
    response = client.post(url, {"minutes": "9", "day": _today(bob_thread), "at": "", "note": "reviewed labs"})
    assert response.status_code in (302, 400)
    if response.status_code == 400:  # noon today may still be ahead, or before the thread started
        response = client.post(url, {"minutes": "9", "day": _today(bob_thread),
                                     "at": timezone.now().astimezone(practice_zone(bob_thread.practice)).strftime("%H:%M"),
                                     "note": "reviewed labs"})
    assert response.status_code == 302
    entry = TimeEntry.objects.get()
    assert entry.minutes == 9 and entry.note == "reviewed labs" and entry.source == TimeSource.MANUAL
    assert "reviewed labs" not in str(AuditEvent.objects.get(action="billing.time_add").detail)


def test_edit_and_delete_own_entry_with_audit(bob_thread: Thread, dr_alice: User, staff_erin: User,
                                              web_login: Login) -> None:
    entry = services.time_entry_add(actor=dr_alice, thread=bob_thread, minutes=5, performed_at=timezone.now())
    client = web_login(dr_alice)
    assert client.get(f"/time/{entry.pk}/edit/").status_code == 200
    local = timezone.now().astimezone(practice_zone(bob_thread.practice))
    response = client.post(f"/time/{entry.pk}/edit/", {"minutes": "12", "day": local.date().isoformat(),
                                                       "at": local.strftime("%H:%M"), "note": "called pharmacy"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.minutes == 12 and entry.note == "called pharmacy"
    assert AuditEvent.objects.get(action="billing.time_edit").detail == {
        "thread": bob_thread.pk, "minutes_before": 5, "minutes": 12}
    # Erin sees the thread but not as the author of the entry: the uniform 404.
    erin = web_login(staff_erin)
    assert erin.get(f"/time/{entry.pk}/edit/").status_code == 404
    assert erin.post(f"/time/{entry.pk}/delete/").status_code == 404
    assert client.post(f"/time/{entry.pk}/delete/").status_code == 302
    assert not TimeEntry.objects.exists()
    assert AuditEvent.objects.get(action="billing.time_delete").detail == {"thread": bob_thread.pk, "minutes": 12}


def test_staff_on_the_thread_may_log_time(bob_thread: Thread, staff_erin: User) -> None:
    entry = services.time_entry_add(actor=staff_erin, thread=bob_thread, minutes=4, performed_at=timezone.now())
    assert entry.user == staff_erin


def test_service_refusals(bob_thread: Thread, dr_alice: User, dr_charlie: User, pat_bob: User) -> None:
    with pytest.raises(Forbidden):
        services.time_entry_add(actor=dr_charlie, thread=bob_thread, minutes=5, performed_at=timezone.now())
    with pytest.raises(Forbidden):
        services.time_entry_add(actor=pat_bob, thread=bob_thread, minutes=5, performed_at=timezone.now())
    with pytest.raises(InvalidInput):
        services.time_entry_add(actor=dr_alice, thread=bob_thread, minutes=601, performed_at=timezone.now())
    with pytest.raises(InvalidInput):
        services.time_entry_add(actor=dr_alice, thread=bob_thread, minutes=5,
                                performed_at=bob_thread.created_at - timedelta(days=1))
    with pytest.raises(InvalidInput):
        services.time_entry_add(actor=dr_alice, thread=bob_thread, minutes=5, performed_at=timezone.now(), note="x" * 501)


def test_charlie_dana_and_bob_are_refused(bob_thread: Thread, dr_alice: User, dr_charlie: User, pat_dana: User,
                                          pat_bob: User, web_login: Login) -> None:
    entry = services.time_entry_add(actor=dr_alice, thread=bob_thread, minutes=5, performed_at=timezone.now())
    for user in (dr_charlie, pat_dana, pat_bob):
        client = web_login(user)
        today = _today(bob_thread)
        assert client.post(f"/threads/{bob_thread.pk}/time/", {"minutes": "5", "day": today}).status_code == 404
        for action in ("start", "stop", "cancel"):
            assert client.post(f"/threads/{bob_thread.pk}/time/{action}/").status_code == 404
        assert client.get(f"/threads/{bob_thread.pk}/billing/").status_code == 404
        assert client.get(f"/time/{entry.pk}/edit/").status_code == 404
        assert client.post(f"/time/{entry.pk}/delete/").status_code == 404
        assert client.get(f"/threads/{bob_thread.pk}/econsult/").status_code == 404
    assert TimeEntry.objects.count() == 1 and not RunningTimer.objects.exists()


def test_thread_billing_page_records_visits_and_global_periods(bob_thread: Thread, dr_alice: User,
                                                               web_login: Login) -> None:
    services.time_entry_add(actor=dr_alice, thread=bob_thread, minutes=6, performed_at=timezone.now())
    client = web_login(dr_alice)
    page = client.get(f"/threads/{bob_thread.pk}/billing/").content.decode()
    assert "no signed e-visit consent" in page and "Not billable" in page
    day = (timezone.localdate() - timedelta(days=3)).isoformat()
    assert client.post(f"/threads/{bob_thread.pk}/billing/", {"form": "visit", "visit-visit_date": day}).status_code == 302
    assert Visit.objects.get().visit_date.isoformat() == day
    response = client.post(f"/threads/{bob_thread.pk}/billing/", {"form": "global", "global-procedure_date": day,
                                                                 "global-days": "45", "global-procedure": "knee"})
    assert response.status_code == 400 and "knee" in response.content.decode()
    response = client.post(f"/threads/{bob_thread.pk}/billing/", {"form": "global", "global-procedure_date": day,
                                                                 "global-days": "90", "global-procedure": "knee"})
    assert response.status_code == 302
    assert GlobalPeriod.objects.get().procedure == "knee"
    page = client.get(f"/threads/{bob_thread.pk}/billing/").content.decode()
    assert "related E/M visit" in page and "90-day post-operative global period" in page
    assert AuditEvent.objects.filter(action__in=["billing.visit_record", "billing.global_record"]).count() == 2


def test_pages_are_labelled_without_inline_style(bob_thread: Thread, dr_alice: User, dr_sam: User, pat_bob: User,
                                                 web_login: Login) -> None:
    from bedside.billing.tests.conftest import sign
    from bedside.consent.models import Scope
    from bedside.messaging.tests.test_views import assert_labelled

    services.time_entry_add(actor=dr_alice, thread=bob_thread, minutes=5, performed_at=timezone.now())
    services.timer_start(actor=dr_alice, thread=bob_thread)
    sign(pat_bob, bob_thread.practice, Scope.SPECIALIST_SHARING)
    econsult = services.econsult_create(actor=dr_alice, thread=bob_thread, specialist=dr_sam, question="Q?",
                                        thread_ids=[bob_thread.pk])
    alice = web_login(dr_alice)
    for client, url in ((alice, f"/threads/{bob_thread.pk}/"), (alice, f"/threads/{bob_thread.pk}/billing/"),
                        (alice, f"/threads/{bob_thread.pk}/econsult/"), (alice, "/billing/report/"),
                        (alice, "/econsults/"), (web_login(dr_sam), f"/econsults/{econsult.pk}/")):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "style=" not in html and "<style" not in html and "<script>" not in html, url
        assert_labelled(html)


def test_far_off_procedure_dates_are_refused_and_never_break_the_thread(bob_thread: Thread, dr_alice: User,
                                                                        web_login: Login) -> None:
    client = web_login(dr_alice)
    for day in ("9999-12-31", "1066-10-14"):
        response = client.post(f"/threads/{bob_thread.pk}/billing/", {"form": "global", "global-procedure_date": day,
                                                                     "global-days": "90", "global-procedure": "knee"})
        assert response.status_code == 400 and "knee" in response.content.decode()
    assert not GlobalPeriod.objects.exists()
    assert client.get(f"/threads/{bob_thread.pk}/").status_code == 200
    assert client.get(f"/threads/{bob_thread.pk}/billing/").status_code == 200
