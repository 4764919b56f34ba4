"""The billing API: log time, read periods, the report; JSON errors; Charlie and Dana are refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from bedside.accounts.models import Practice, User
from bedside.audit.models import AuditEvent
from bedside.billing import selectors
from bedside.billing.models import TimeEntry
from bedside.billing.tests.conftest import sign
from bedside.consent.models import Scope
from bedside.messaging.models import Thread

Api = Callable[[User], Client]


def test_log_time_and_read_periods(bob_thread: Thread, dr_alice: User, pat_bob: User, riverside: Practice,
                                   api: Api) -> None:
    sign(pat_bob, riverside, Scope.EVISIT_BILLING)
    client = api(dr_alice)
    response = client.post(f"/api/v1/billing/threads/{bob_thread.pk}/time", {"minutes": 21, "note": "chart review"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["minutes"] == 21 and response.json()["source"] == "manual"
    event = AuditEvent.objects.get(action="billing.time_add")
    assert event.channel == "api" and "chart" not in str(event.detail)
    data = client.get(f"/api/v1/billing/threads/{bob_thread.pk}/time").json()
    assert [e["minutes"] for e in data["entries"]] == [21]
    assert data["lines"][0]["code"] == "99423" and data["lines"][0]["billable"] is True


def test_report(bob_thread: Thread, dr_alice: User, pat_bob: User, riverside: Practice, demo: dict[str, User],
                api: Api) -> None:
    sign(pat_bob, riverside, Scope.EVISIT_BILLING)
    api(dr_alice).post(f"/api/v1/billing/threads/{bob_thread.pk}/time", {"minutes": 6},
                       content_type="application/json")
    today = timezone.localdate()
    query = f"start={(today - timedelta(days=1)).isoformat()}&end={today.isoformat()}"
    items = api(dr_alice).get(f"/api/v1/billing/report?{query}").json()["items"]
    assert len(items) == 1 and items[0]["code"] == "99421"
    assert items[0]["patient_ref"] == selectors.pseudonym(pat_bob.pk)
    assert AuditEvent.objects.filter(action="billing.report_export", channel="api").count() == 1
    response = api(dr_alice).get(f"/api/v1/billing/report?{query}&clinician={demo['admin'].pk}")
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"
    assert len(api(demo["admin"]).get(f"/api/v1/billing/report?{query}").json()["items"]) == 1


def test_bad_input_is_a_json_4xx(bob_thread: Thread, dr_alice: User, api: Api) -> None:
    client = api(dr_alice)
    url = f"/api/v1/billing/threads/{bob_thread.pk}/time"
    for body in ({"minutes": 0}, {"minutes": 601}, {"minutes": "x"}, {"minutes": 5, "performed_at": "2026-01-01T10:00"},
                 {"minutes": 5, "performed_at": (timezone.now() + timedelta(days=2)).isoformat()}, {}):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400, (body, response.content)
        assert response.json()["code"] == "invalid_input"
    assert client.get("/api/v1/billing/report?start=2026-05-02&end=2026-05-01").status_code == 400
    assert client.get("/api/v1/billing/report?start=nope&end=2026-05-01").status_code == 400
    assert client.get("/api/v1/billing/threads/abc/time").status_code == 404
    assert not TimeEntry.objects.exists()


def test_charlie_and_dana_are_refused(bob_thread: Thread, dr_charlie: User, pat_dana: User, pat_bob: User,
                                      aud_frank: User, api: Api) -> None:
    for user in (dr_charlie, pat_dana, pat_bob, aud_frank):
        client = api(user)
        response = client.post(f"/api/v1/billing/threads/{bob_thread.pk}/time", {"minutes": 5},
                               content_type="application/json")
        assert response.status_code == 404 and response.json()["code"] == "not_found"
        assert client.get(f"/api/v1/billing/threads/{bob_thread.pk}/time").status_code == 404
    assert api(pat_dana).get("/api/v1/billing/report?start=2026-01-01&end=2026-01-31").status_code == 404
    charlie = api(dr_charlie).get("/api/v1/billing/report?start=2026-01-01&end=2026-12-31")
    assert charlie.status_code == 200 and charlie.json()["items"] == []
    assert not TimeEntry.objects.exists()


def test_report_dates_out_of_range_are_refused(dr_alice: User, api: Api, web_login: Callable[[User], Client]) -> None:
    # Found by the API fuzzer: year 1 overflowed the date arithmetic (a 500).
    for query in ("start=0001-01-01&end=0001-01-02", "start=9999-12-30&end=9999-12-31"):
        response = api(dr_alice).get(f"/api/v1/billing/report?{query}")
        assert response.status_code == 400 and response.json()["field"] == "start"
        assert web_login(dr_alice).get(f"/billing/report/?{query}").status_code == 400
