"""Demo follow-up: the knee-replacement template for both demo practices and, for `make run`,
Bob enrolled by Dr. Alice a few days after surgery with one check-in answered and one waiting.

Idempotent. The sample activity (a post-op thread with messages) follows
BEDSIDE_DEMO_CONVERSATIONS (on by default, off in the test suite, where tests count threads).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from bedside.accounts.models import Practice, User
from bedside.followup import services
from bedside.followup.models import CheckInState, Enrolment, Plan
from bedside.followup.rules import Answers
from bedside.followup.schedule import zone_of
from bedside.publishing.models import Article, ArticleKind, ArticleStatus


def demo_load(users: dict[str, User]) -> None:
    """Seed the plan templates; enrol Bob with one answered and one waiting check-in (once)."""
    plans = {
        practice.name: services.knee_plan_seed(practice=practice)
        for practice in Practice.objects.filter(name__in=["Riverside Family Medicine", "Lakeside Orthopedics"])
    }
    plan = plans.get("Riverside Family Medicine")
    if plan is None:
        return
    if plan.faq_article_id is None:
        # Link the practice's published FAQ about knee replacement, when publishing has one.
        article = Article.objects.filter(practice=plan.practice, kind=ArticleKind.FAQ, status=ArticleStatus.PUBLISHED,
                                         title__icontains="knee").first()
        if article is not None:
            Plan.objects.filter(pk=plan.pk).update(faq_article=article)
    if not settings.BEDSIDE_DEMO_CONVERSATIONS:
        return
    bob, alice = users["bob"], users["alice"]
    if Enrolment.objects.filter(patient=bob, plan=plan).exists():
        return
    zone = zone_of(plan.practice.timezone)
    surgery = timezone.now().astimezone(zone).date() - timedelta(days=3)
    enrolled_at = datetime.combine(surgery, time(15), tzinfo=zone)
    enrolment = services.enrolment_create(actor=alice, patient=bob, plan=plan, surgery_date=surgery, now=enrolled_at)
    by_day = {c.day: c for c in enrolment.check_ins.all()}
    services.check_in_send(check_in_id=by_day[1].pk, now=by_day[1].due_at)
    first = enrolment.check_ins.get(day=1)
    services.check_in_answer(
        patient=bob, check_in=first, channel="worker",
        answers=Answers(pain=5, fever=False, temperature_c=Decimal("37.3"), wound=False, calf=False,
                        breathing=False, notes="Sore, but managing with the exercises."),
    )
    services.check_in_send(check_in_id=by_day[3].pk, now=by_day[3].due_at)
    assert enrolment.check_ins.filter(state=CheckInState.SENT).count() == 1
