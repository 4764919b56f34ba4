"""The billing report: lines with reasons, per clinician, CSV without PHI, audited; who may see it."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from bedside.accounts.models import Practice, User
from bedside.audit.models import AuditEvent
from bedside.billing import selectors, services
from bedside.billing.models import BillingClass
from bedside.billing.tests.conftest import sign
from bedside.billing.views import CSV_COLUMNS
from bedside.consent.models import Scope
from bedside.messaging.models import Thread

Login = Callable[[User], Client]


def _period() -> str:
    today = timezone.localdate()
    return f"start={(today - timedelta(days=2)).isoformat()}&end={(today + timedelta(days=1)).isoformat()}"


def _billable(bob_thread: Thread, dr_alice: User, pat_bob: User, riverside: Practice) -> None:
    sign(pat_bob, riverside, Scope.EVISIT_BILLING)
    services.billing_provider_set(user=dr_alice, billing_class=BillingClass.PHYSICIAN)
    services.time_entry_add(actor=dr_alice, thread=bob_thread, minutes=7, performed_at=timezone.now())
    services.time_entry_add(actor=dr_alice, thread=bob_thread, minutes=5, performed_at=timezone.now())


def test_report_page_shows_code_and_reasons(bob_thread: Thread, dr_alice: User, pat_bob: User, riverside: Practice,
                                            web_login: Login) -> None:
    _billable(bob_thread, dr_alice, pat_bob, riverside)
    response = web_login(dr_alice).get(f"/billing/report/?{_period()}")
    page = response.content.decode()
    assert response.status_code == 200
    assert "99422" in page and "12 min of physician/QHP time" in page and "provisional" in page
    assert selectors.pseudonym(pat_bob.pk) in page and "Chest flutter" not in page
    assert AuditEvent.objects.get(action="billing.report_view").detail == {"rows": 1}


def test_csv_has_codes_and_pseudonyms_only(bob_thread: Thread, dr_alice: User, pat_bob: User, riverside: Practice,
                                           web_login: Login) -> None:
    _billable(bob_thread, dr_alice, pat_bob, riverside)
    response = web_login(dr_alice).get(f"/billing/report/?{_period()}&format=csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == CSV_COLUMNS
    assert len(rows) == 2
    line = dict(zip(CSV_COLUMNS, rows[1], strict=True))
    assert line["code"] == "99422" and line["minutes"] == "12" and line["billable"] == "yes"
    assert line["patient_ref"] == selectors.pseudonym(pat_bob.pk) and line["patient_ref"].startswith("P-")
    assert line["provider_npi"] == "1234567893" and line["thread_ref"] == f"T{bob_thread.pk}"
    for secret in ("Chest flutter", "coffee", "pulse", "Lindqvist", "bob@", str(pat_bob.email)):
        assert secret not in body
    event = AuditEvent.objects.get(action="billing.report_export")
    assert event.actor_id == dr_alice.pk and event.detail == {"rows": 1} and event.practice_id == riverside.pk


def test_not_billable_lines_say_why(bob_thread: Thread, dr_alice: User, web_login: Login) -> None:
    services.time_entry_add(actor=dr_alice, thread=bob_thread, minutes=3, performed_at=timezone.now())
    response = web_login(dr_alice).get(f"/billing/report/?{_period()}&format=csv")
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    line = dict(zip(CSV_COLUMNS, list(csv.reader(io.StringIO(body)))[1], strict=True))
    assert line["billable"] == "no" and line["code"] == ""
    assert "no signed e-visit consent" in line["reasons"] and "under the 5-minute minimum" in line["reasons"]


def test_clinicians_see_their_own_lines_admins_choose(bob_thread: Thread, dr_alice: User, pat_bob: User,
                                                      riverside: Practice, demo: dict[str, User],
                                                      web_login: Login) -> None:
    _billable(bob_thread, dr_alice, pat_bob, riverside)
    admin = demo["admin"]
    page = web_login(admin).get(f"/billing/report/?{_period()}").content.decode()
    assert "99422" in page and "All clinicians" in page
    # Alice cannot ask for another clinician's lines: a clear 400, not someone else's data.
    response = web_login(dr_alice).get(f"/billing/report/?{_period()}&clinician={admin.pk}")
    assert response.status_code == 400


def test_bad_dates_are_a_clear_400(dr_alice: User, web_login: Login) -> None:
    client = web_login(dr_alice)
    assert client.get("/billing/report/?start=2026-13-01&end=x").status_code == 400
    response = client.get("/billing/report/?start=2026-05-02&end=2026-05-01&format=csv")
    assert response.status_code == 400 and "on or after the start date" in response.content.decode()
    assert client.get("/billing/report/?start=2020-01-01&end=2026-01-01").status_code == 400


def test_charlie_sees_nothing_of_bob_dana_and_erin_are_refused(
    bob_thread: Thread, dr_alice: User, pat_bob: User, riverside: Practice, dr_charlie: User, pat_dana: User,
    staff_erin: User, aud_frank: User, web_login: Login,
) -> None:
    _billable(bob_thread, dr_alice, pat_bob, riverside)
    charlie = web_login(dr_charlie).get(f"/billing/report/?{_period()}&format=csv")
    body = b"".join(charlie.streaming_content).decode()  # type: ignore[attr-defined]
    assert len(list(csv.reader(io.StringIO(body)))) == 1  # header only: Lakeside's report
    assert selectors.pseudonym(pat_bob.pk) not in body
    for user in (pat_dana, pat_bob, staff_erin, aud_frank):
        assert web_login(user).get(f"/billing/report/?{_period()}").status_code == 404


def test_report_reads_facts_per_kind_not_per_thread(bob_thread: Thread, dr_alice: User, pat_bob: User,
                                                    riverside: Practice) -> None:
    """Three billable threads cost the same statements as one, and each thread's facts match
    what thread_facts reads for it alone."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bedside.messaging.services import message_send, thread_create

    _billable(bob_thread, dr_alice, pat_bob, riverside)
    today = timezone.localdate()

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            rows = selectors.billing_report(practice=riverside, start=today - timedelta(days=2), end=today, clinician_id=None)
        return len(rows), len(queries)

    one_rows, one_queries = count()
    threads = [bob_thread]
    for subject in ("Knee", "Rash"):
        sent = thread_create(patient=pat_bob, practice=riverside, subject=subject, category="medical_question", body="A question.")
        message_send(author=dr_alice, thread=sent.thread, body="An answer.")
        services.time_entry_add(actor=dr_alice, thread=sent.thread, minutes=6, performed_at=timezone.now())
        threads.append(Thread.objects.get(pk=sent.thread.pk))
    three_rows, three_queries = count()
    assert (one_rows, three_rows) == (1, 3)
    assert three_queries == one_queries
    together = selectors.threads_facts(threads)
    assert all(together[t.pk] == selectors.thread_facts(t) for t in threads)
