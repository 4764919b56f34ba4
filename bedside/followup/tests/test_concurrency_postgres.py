"""Two workers at once (PostgreSQL, real commits): each check-in is sent, reminded and alerted once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from bedside.conftest import run_concurrently
from bedside.followup import services
from bedside.followup.models import CheckIn, CheckInState
from bedside.followup.tests.helpers import enrol
from bedside.messaging.models import Message, Notification, NotificationKind

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="PostgreSQL only: set BEDSIDE_TEST_DB=postgres and TEST_DATABASE_URL to run it"),
]


def test_concurrent_sweeps_send_remind_and_alert_once(committed_demo):
    alice, bob = committed_demo["alice"], committed_demo["bob"]
    enrolment = enrol(alice, bob)
    day1 = enrolment.check_ins.get(day=1)
    results: list[bool] = []

    def send() -> None:
        results.append(services.check_in_send(check_in_id=day1.pk, now=day1.due_at))

    assert run_concurrently(send, send, send) == []
    assert sorted(results) == [False, False, True]
    day1.refresh_from_db()
    assert day1.state == CheckInState.SENT and day1.sent_at is not None
    assert Message.objects.filter(thread_id=enrolment.thread_id).count() == 2  # welcome + one check-in

    sweeps: list[services.SweepResult] = []
    remind_at = day1.sent_at + timedelta(hours=24)

    def sweep_remind() -> None:
        sweeps.append(services.followup_sweep(now=remind_at))

    assert run_concurrently(sweep_remind, sweep_remind) == []
    assert sum(s.reminded for s in sweeps) == 1

    sweeps.clear()
    alert_at = remind_at + timedelta(hours=24)

    def sweep_alert() -> None:
        sweeps.append(services.followup_sweep(now=alert_at))

    assert run_concurrently(sweep_alert, sweep_alert) == []
    assert sum(s.alerted for s in sweeps) == 1
    assert Notification.objects.filter(kind=NotificationKind.ESCALATION, recipient=alice).count() == 1
    assert CheckIn.objects.get(pk=day1.pk).team_alerted_at == alert_at
