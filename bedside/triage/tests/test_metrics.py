"""Metrics on a small known data set, the SVG charts, and who may see the page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bedside.accounts.models import Pool
from bedside.messaging.models import Message, MessageKind, Thread, ThreadStatus
from bedside.triage.metrics import format_duration, median, percentile, practice_metrics
from bedside.triage.tests.helpers import riverside

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


def test_percentile_is_nearest_rank_and_median_averages():
    values = [i * H for i in range(1, 11)]
    assert percentile(values, 90) == 9 * H and percentile(values, 50) == 5 * H
    assert median(values) == 5.5 * H and median([]) is None and percentile([], 90) is None
    assert format_duration(None) == "—" and format_duration(35 * timedelta(minutes=1)) == "35 min"
    assert format_duration(125 * timedelta(minutes=1)) == "2 h 05 min" and format_duration(76 * H) == "3 d 4 h"


def make(patient, clinician, pool, *, created, first_due, reply_after=None, due=None, status="open"):
    thread = Thread.objects.create(
        practice=riverside(), patient=patient, clinician=clinician, pool=pool, subject="s", category="other",
        created_at=created, last_message_at=created, first_due_at=first_due, due_at=due, status=status,
        closed_at=created + H if status == "closed" else None,
    )
    Message.objects.create(thread=thread, author=patient, kind=MessageKind.PATIENT, body="b", sent_at=created)
    if reply_after is not None:
        Message.objects.create(thread=thread, author=clinician, kind=MessageKind.CARE_TEAM, body="r",
                               sent_at=created + reply_after)
        # A second reply must not count as the first response.
        Message.objects.create(thread=thread, author=clinician, kind=MessageKind.CARE_TEAM, body="r2",
                               sent_at=created + reply_after + 10 * H)
    return thread


@pytest.fixture
def known(pat_bob, dr_alice):
    now = timezone.now()
    desk = Pool.objects.get(practice=riverside(), name="Front desk")
    nursing = Pool.objects.get(practice=riverside(), name="Nursing")
    # Five threads: replies after 1 h (in time), 3 h (late), 5 h (in time); one unanswered and
    # overdue; one unanswered still inside its window.
    t = now - timedelta(days=3)
    make(pat_bob, dr_alice, desk, created=t, first_due=t + 4 * H, reply_after=1 * H)
    t = now - timedelta(days=2)
    make(pat_bob, dr_alice, desk, created=t, first_due=t + 2 * H, reply_after=3 * H, status="closed")
    t = now - timedelta(days=1)
    make(pat_bob, dr_alice, nursing, created=t, first_due=t + 10 * H, reply_after=5 * H)
    make(pat_bob, dr_alice, nursing, created=t, first_due=now - H, due=now - H)
    make(pat_bob, None, desk, created=now - timedelta(minutes=10), first_due=now + 3 * H, due=now + 3 * H)
    # Outside the 30-day period: not counted.
    old = now - timedelta(days=45)
    make(pat_bob, dr_alice, desk, created=old, first_due=old + H, reply_after=100 * H, status="closed")
    return now


def test_metrics_on_a_known_data_set(known):
    m = practice_metrics(practice=riverside(), now=known)
    o = m.overall
    assert o.volume == 5 and o.answered == 3
    assert o.median_first_response == 3 * H and o.p90_first_response == 5 * H
    assert o.within_target == pytest.approx(0.5)  # 2 in time out of 4 judged (the fresh one is not judged)
    assert o.overdue_now == 1
    pools = {s.label: s for s in m.pools}
    assert pools["Front desk"].volume == 3 and pools["Front desk"].within_target == pytest.approx(0.5)
    assert pools["Nursing"].volume == 2 and pools["Nursing"].overdue_now == 1
    assert pools["Nursing"].median_first_response == 5 * H
    clinicians = {s.label: s for s in m.clinicians}
    assert clinicians["Dr. Alice Moreno"].volume == 4 and clinicians["No clinician"].volume == 1
    assert sum(n for _, n in m.per_day) == 5 and len(m.per_day) == 30
    assert m.chart is not None and max(bar.value for bar in m.chart.bars) == 2


def test_metrics_page_renders_svg_without_inline_styles_or_scripts(web_login, known, dr_alice, staff_erin, demo):
    for user in (dr_alice, staff_erin, demo["admin"]):
        response = web_login(user).get("/metrics/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "<svg" in html and "<rect" in html and 'data-metric="median">3 h 00 min<' in html
        assert 'data-metric="within">50%<' in html and 'data-metric="overdue">1<' in html
        svg = html[html.index("<svg"):html.rindex("</svg>")]
        assert "style=" not in svg and "<script" not in svg


def test_charlie_dana_frank_bob_and_anonymous_are_refused(client, web_login, dr_charlie, pat_dana, aud_frank,
                                                          pat_bob):
    practice = riverside()
    assert web_login(dr_charlie).get(f"/metrics/?practice={practice.pk}").status_code == 404
    assert web_login(dr_charlie).get("/metrics/?practice=not-a-number").status_code == 404
    # Charlie sees his own practice only.
    own = web_login(dr_charlie).get("/metrics/")
    assert own.status_code == 200 and "Lakeside Orthopedics" in own.content.decode()
    assert "Riverside" not in own.content.decode()
    for user in (pat_dana, aud_frank, pat_bob):
        assert web_login(user).get("/metrics/").status_code == 404
        assert web_login(user).get(f"/metrics/?practice={practice.pk}").status_code == 404
    assert client.get("/metrics/").status_code == 302


def test_closed_and_open_both_count_in_volume(known):
    assert Thread.objects.filter(status=ThreadStatus.CLOSED).count() == 2
    assert practice_metrics(practice=riverside(), now=known, days=1).overall.volume == 1
