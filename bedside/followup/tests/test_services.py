"""Enrolment, sending, answering, reminders and team alerts, against the real messaging and triage."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bedside.accounts.models import Practice
from bedside.audit.models import AuditEvent
from bedside.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from bedside.followup import services
from bedside.followup.models import CheckInState, EnrolmentStatus
from bedside.followup.tests.helpers import (
    answers,
    enrol,
    knee,
    local_today,
    riverside,
    sent_check_in,
)
from bedside.messaging.models import Message, MessageKind, Notification, NotificationKind, Thread

pytestmark = pytest.mark.django_db


def test_enrolment_schedules_local_nine_and_opens_the_post_op_thread(dr_alice, pat_bob):
    enrolment = enrol(dr_alice, pat_bob)
    practice = riverside()
    rows = list(enrolment.check_ins.order_by("day"))
    assert [r.day for r in rows] == [1, 3, 7, 14, 30]
    zone = enrolment.zone
    assert zone == practice.timezone
    for row in rows:
        local = row.due_at.astimezone(ZoneInfo(zone))
        assert local.time() == time(9) and local.date() == enrolment.surgery_date + timedelta(days=row.day)
        assert row.state == CheckInState.SCHEDULED
    thread = Thread.objects.get(pk=enrolment.thread_id)
    assert thread.category == "post_op" and thread.patient_id == pat_bob.pk and thread.clinician_id == dr_alice.pk
    welcome = thread.messages.get()
    assert welcome.kind == MessageKind.CARE_TEAM and "days 1, 3, 7, 14, 30" in welcome.body
    event = AuditEvent.objects.get(action=services.ENROL, object_id=str(enrolment.pk))
    assert event.actor_id == dr_alice.pk and event.patient_id == pat_bob.pk


def test_enrolment_in_auckland_uses_the_practice_zone(dr_alice, pat_bob):
    Practice.objects.filter(pk=riverside().pk).update(timezone="Pacific/Auckland")
    plan = knee()
    enrolment = services.enrolment_create(actor=dr_alice, patient=pat_bob, plan=plan,
                                          surgery_date=date(2026, 12, 1), now=datetime(2026, 11, 30, tzinfo=UTC))
    assert enrolment.zone == "Pacific/Auckland"
    # 09:00 NZDT (UTC+13) on 2026-12-02 is 20:00 UTC on 2026-12-01.
    assert enrolment.check_ins.get(day=1).due_at == datetime(2026, 12, 1, 20, tzinfo=UTC)


def test_days_already_past_are_skipped(dr_alice, pat_bob):
    enrolment = enrol(dr_alice, pat_bob, days_ago=5)
    states = dict(enrolment.check_ins.values_list("day", "state"))
    assert states == {1: "skipped", 3: "skipped", 7: "scheduled", 14: "scheduled", 30: "scheduled"}


@pytest.mark.parametrize("who", ["gus", "dana"])
def test_patients_without_consent_or_relationship_are_refused(demo, dr_alice, who):
    with pytest.raises(Forbidden) as refused:
        enrol(dr_alice, demo[who])
    assert refused.value.code == ("consent_required" if who == "gus" else "no_relationship")
    assert refused.value.field == "patient"


@pytest.mark.parametrize("who", ["charlie", "erin", "bob"])
def test_only_a_clinician_of_the_practice_enrols(demo, pat_bob, who):
    with pytest.raises(Forbidden):
        enrol(demo[who], pat_bob)


def test_duplicate_and_out_of_range_dates_are_clear_errors(dr_alice, pat_bob):
    enrol(dr_alice, pat_bob)
    with pytest.raises(Conflict) as duplicate:
        enrol(dr_alice, pat_bob)
    assert duplicate.value.code == "already_enrolled"
    plan = knee()
    today = local_today(plan.practice)
    for surgery in (today - timedelta(days=61), today + timedelta(days=400)):
        with pytest.raises(InvalidInput) as bad:
            services.enrolment_create(actor=dr_alice, patient=pat_bob, plan=plan, surgery_date=surgery)
        assert bad.value.field == "surgery_date"


def test_a_check_in_is_sent_once_however_often_it_is_claimed(dr_alice, pat_bob):
    enrolment = enrol(dr_alice, pat_bob)
    check_in = enrolment.check_ins.get(day=1)
    assert not services.check_in_send(check_in_id=check_in.pk, now=check_in.due_at - timedelta(seconds=1))
    assert services.check_in_send(check_in_id=check_in.pk, now=check_in.due_at)
    assert not services.check_in_send(check_in_id=check_in.pk, now=check_in.due_at)
    sweep = services.followup_sweep(now=check_in.due_at + timedelta(minutes=5))
    assert sweep.sent == 0
    check_in.refresh_from_db()
    assert check_in.state == CheckInState.SENT and check_in.message is not None
    assert f"/followup/check-ins/{check_in.pk}/" in check_in.message.body
    assert Message.objects.filter(thread_id=enrolment.thread_id, kind=MessageKind.CARE_TEAM).count() == 2
    assert AuditEvent.objects.filter(action=services.SEND, object_id=str(check_in.pk)).count() == 1


def test_the_sweep_sends_what_is_due_and_only_that(dr_alice, pat_bob):
    enrolment = enrol(dr_alice, pat_bob)
    day3 = enrolment.check_ins.get(day=3)
    result = services.followup_sweep(now=day3.due_at)
    assert result.sent == 2
    assert dict(enrolment.check_ins.values_list("day", "state"))[7] == "scheduled"
    assert services.followup_sweep(now=day3.due_at).sent == 0


def test_a_check_in_is_skipped_when_the_consent_was_revoked(dr_alice, pat_bob):
    from bedside.consent.models import ConsentSignature, Scope

    enrolment = enrol(dr_alice, pat_bob)
    ConsentSignature.objects.filter(patient=pat_bob, scope=Scope.PORTAL_MESSAGING).update(revoked_at=datetime.now(UTC))
    check_in = enrolment.check_ins.get(day=1)
    assert not services.check_in_send(check_in_id=check_in.pk, now=check_in.due_at)
    check_in.refresh_from_db()
    assert check_in.state == CheckInState.SKIPPED


def test_severe_pain_is_urgent_by_the_plan_rules_with_an_on_call_alert(dr_alice, pat_bob):
    check_in = sent_check_in(dr_alice, pat_bob)
    result = services.check_in_answer(patient=pat_bob, check_in=check_in, answers=answers(pain=9))
    assert result.rule_urgency == "urgent" and result.urgency == "urgent"
    thread = Thread.objects.get(pk=result.thread.pk)
    assert thread.urgency == "urgent" and thread.due_at is not None
    answer = Message.objects.get(pk=result.message.pk)
    assert answer.kind == MessageKind.PATIENT and answer.author_id == pat_bob.pk
    assert "Pain score: 9 out of 10." in answer.body and answer.urgency == "urgent"
    reply = thread.messages.filter(kind=MessageKind.AUTO_REPLY).get()
    assert "needs attention today" in reply.body
    assert Notification.objects.filter(kind=NotificationKind.ALERT, message=answer, recipient=dr_alice).exists()
    check_in.refresh_from_db()
    assert check_in.state == CheckInState.ANSWERED and check_in.urgency == "urgent"
    assert '"pain": 9' in check_in.answers
    event = AuditEvent.objects.get(action=services.ANSWER, object_id=str(check_in.pk))
    assert event.detail["rules_fired"] == 1 and event.detail["urgency"] == "urgent"
    assert "pain" not in event.detail.values()  # what the patient reported stays out of the trail


def test_calf_pain_is_urgent_by_the_rules_and_the_screening_engine_raises_it(dr_alice, pat_bob):
    # The plan says urgent; the screening engine reads calf pain as a possible clot (emergency):
    # the thread keeps the higher of the two.
    check_in = sent_check_in(dr_alice, pat_bob)
    result = services.check_in_answer(patient=pat_bob, check_in=check_in, answers=answers(calf=True))
    assert result.rule_urgency == "urgent" and result.urgency == "emergency"
    assert "Calf pain or swelling: yes." in result.message.body
    assert Thread.objects.get(pk=result.thread.pk).urgency == "emergency"


def test_breathing_trouble_is_an_emergency_with_guidance_and_one_alert(dr_alice, pat_bob):
    check_in = sent_check_in(dr_alice, pat_bob)
    result = services.check_in_answer(patient=pat_bob, check_in=check_in, answers=answers(breathing=True))
    assert result.urgency == "emergency"
    thread = Thread.objects.get(pk=result.thread.pk)
    assert thread.urgency == "emergency"
    replies = list(thread.messages.filter(kind=MessageKind.AUTO_REPLY))
    assert len(replies) == 1 and "IMPORTANT" in replies[0].body and "911" in replies[0].body
    assert AuditEvent.objects.filter(action="triage.alert", object_id=str(thread.pk)).count() == 1


def test_screening_of_the_notes_raises_what_the_rules_call_routine(dr_alice, pat_bob):
    check_in = sent_check_in(dr_alice, pat_bob)
    result = services.check_in_answer(patient=pat_bob, check_in=check_in,
                                      answers=answers(notes="Since this morning I have crushing chest pain."))
    assert result.rule_urgency == "routine" and result.urgency == "emergency"
    assert Thread.objects.get(pk=result.thread.pk).urgency == "emergency"


def test_routine_answers_get_the_routine_reply_and_no_alert(dr_alice, pat_bob):
    check_in = sent_check_in(dr_alice, pat_bob)
    result = services.check_in_answer(patient=pat_bob, check_in=check_in, answers=answers(pain=4))
    assert result.urgency == "routine"
    assert not Notification.objects.filter(kind=NotificationKind.ALERT).exists()
    assert result.thread.messages.filter(kind=MessageKind.AUTO_REPLY).count() == 1
    with pytest.raises(Conflict) as again:
        services.check_in_answer(patient=pat_bob, check_in=check_in, answers=answers())
    assert again.value.code == "already_answered"


def test_only_the_patient_answers_and_only_sent_check_ins(dr_alice, pat_bob, pat_dana):
    enrolment = enrol(dr_alice, pat_bob)
    scheduled = enrolment.check_ins.get(day=3)
    with pytest.raises(Conflict):
        services.check_in_answer(patient=pat_bob, check_in=scheduled, answers=answers())
    with pytest.raises(NotFound):
        services.check_in_answer(patient=pat_dana, check_in=scheduled, answers=answers())


def test_missed_check_in_reminds_once_then_alerts_the_team_once(dr_alice, pat_bob, staff_nora):
    check_in = sent_check_in(dr_alice, pat_bob)
    sent_at = check_in.sent_at
    assert sent_at is not None
    thread_messages = Message.objects.filter(thread_id=check_in.enrolment.thread_id)
    before = thread_messages.count()

    assert services.followup_sweep(now=sent_at + timedelta(hours=23, minutes=59)).reminded == 0
    first = services.followup_sweep(now=sent_at + timedelta(hours=24))
    assert (first.reminded, first.alerted) == (1, 0)
    assert services.followup_sweep(now=sent_at + timedelta(hours=30)).reminded == 0
    assert thread_messages.count() == before + 1
    assert "Reminder" in thread_messages.order_by("-pk").first().body  # type: ignore[union-attr]
    check_in.refresh_from_db()
    assert check_in.reminded_at == sent_at + timedelta(hours=24)

    assert services.followup_sweep(now=sent_at + timedelta(hours=47)).alerted == 0
    second = services.followup_sweep(now=sent_at + timedelta(hours=48))
    assert (second.reminded, second.alerted) == (0, 1)
    assert services.followup_sweep(now=sent_at + timedelta(hours=72)).alerted == 0
    alerted = set(Notification.objects.filter(kind=NotificationKind.ESCALATION).values_list("recipient_id", flat=True))
    assert alerted == {dr_alice.pk, staff_nora.pk}  # the enrolling clinician and the post-op (nursing) pool
    assert AuditEvent.objects.filter(action=services.TEAM_ALERT, object_id=str(check_in.pk)).count() == 1
    assert AuditEvent.objects.filter(action=services.REMIND, object_id=str(check_in.pk)).count() == 1


def test_answered_check_ins_are_never_reminded(dr_alice, pat_bob):
    check_in = sent_check_in(dr_alice, pat_bob)
    services.check_in_answer(patient=pat_bob, check_in=check_in, answers=answers())
    assert check_in.sent_at is not None
    result = services.followup_sweep(now=check_in.sent_at + timedelta(days=3))
    assert (result.reminded, result.alerted) == (0, 0)


def test_stopping_cancels_what_is_left(dr_alice, pat_bob, dr_charlie):
    check_in = sent_check_in(dr_alice, pat_bob)
    enrolment = check_in.enrolment
    with pytest.raises(Forbidden):
        services.enrolment_stop(actor=dr_charlie, enrolment=enrolment)
    services.enrolment_stop(actor=dr_alice, enrolment=enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.STOPPED
    assert set(enrolment.check_ins.values_list("state", flat=True)) == {"cancelled"}
    assert services.followup_sweep(now=check_in.due_at + timedelta(days=60)).sent == 0
    check_in.refresh_from_db()
    with pytest.raises(Conflict):
        services.check_in_answer(patient=pat_bob, check_in=check_in, answers=answers())
    with pytest.raises(Conflict):
        services.enrolment_stop(actor=dr_alice, enrolment=enrolment)
    # A new enrolment in the same plan is allowed once the old one is stopped.
    enrol(dr_alice, pat_bob)


def test_a_closed_thread_gets_a_new_one_for_the_next_check_in(dr_alice, pat_bob):
    from bedside.messaging.services import thread_close

    enrolment = enrol(dr_alice, pat_bob)
    first_thread = Thread.objects.get(pk=enrolment.thread_id)
    thread_close(actor=dr_alice, thread=first_thread)
    day1 = enrolment.check_ins.get(day=1)
    assert services.check_in_send(check_in_id=day1.pk, now=day1.due_at)
    enrolment.refresh_from_db()
    assert enrolment.thread_id != first_thread.pk


def test_emails_about_check_ins_and_alerts_carry_no_phi(dr_alice, pat_bob, django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        check_in = sent_check_in(dr_alice, pat_bob)
    with django_capture_on_commit_callbacks(execute=True):
        services.check_in_answer(patient=pat_bob, check_in=check_in, answers=answers(pain=9, notes="Knee swollen"))
    assert check_in.sent_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        services.followup_sweep(now=check_in.sent_at + timedelta(days=1))
    later = check_in.enrolment.check_ins.get(day=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.followup_sweep(now=later.due_at + timedelta(days=2))
    assert len(mail.outbox) >= 4
    for email in mail.outbox:
        text = f"{email.subject}\n{email.body}"
        for fragment in ("knee", "Knee", "surgery", "Surgery", "Bob", "Lindqvist", "Riverside", "pain", "check-in"):
            assert fragment not in text, (fragment, text)
