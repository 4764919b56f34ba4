"""The care-team queue: most urgent first, then by due time, with time left or overdue shown."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from bedside.messaging import selectors
from bedside.messaging.models import Thread
from bedside.triage.tests.helpers import send

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed(pat_bob):
    routine_late = send(pat_bob, "Refill please", subject="Routine overdue").thread
    routine_soon = send(pat_bob, "Appointment change", subject="Routine soon").thread
    urgent = send(pat_bob, "I have had a fever of 102 since yesterday", subject="Urgent one").thread
    emergency = send(pat_bob, "crushing chest pain", subject="Emergency one").thread
    now = timezone.now()
    Thread.objects.filter(pk=routine_late.pk).update(due_at=now - timedelta(hours=2))
    Thread.objects.filter(pk=routine_soon.pk).update(due_at=now + timedelta(hours=5))
    return [emergency, urgent, routine_late, routine_soon]


def test_queue_sorts_by_urgency_then_due_time(mixed, dr_alice):
    assert [t.pk for t in selectors.thread_queue(user=dr_alice)] == [t.pk for t in mixed]


def test_answered_threads_sort_after_those_still_waiting(mixed, pat_bob, dr_alice):
    from bedside.messaging import services as messaging

    messaging.message_send(author=dr_alice, thread=mixed[2], body="Done.")
    order = [t.pk for t in selectors.thread_queue(user=dr_alice)]
    assert order == [mixed[0].pk, mixed[1].pk, mixed[3].pk, mixed[2].pk]


def test_queue_page_shows_time_left_and_overdue(mixed, web_login, dr_alice):
    html = web_login(dr_alice).get("/queue/").content.decode()
    assert "Overdue by 2" in html
    assert re.search(r"\d+\xa0hours?(,\s*\d+\xa0minutes?)?\s+left|\d+ hours?(, \d+ minutes?)? left", html)  # e.g. "4 hours, 59 minutes left"
    assert html.index("Emergency one") < html.index("Urgent one") < html.index("Routine overdue") < html.index("Routine soon")
    assert "most urgent first" in html
