"""Demo content of the public presence; running it twice changes nothing."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from bedside.accounts.models import Practice, User
from bedside.publishing import services
from bedside.publishing.models import (
    Article,
    ArticleKind,
    ArticleStatus,
    Channel,
    ChannelKind,
    PlannedPost,
    PublicProfile,
    TrustedResource,
)

RESOURCES = [
    ("MedlinePlus", "Knee joint replacement", "https://medlineplus.gov/ency/article/002974.htm",
     "What happens before, during and after knee replacement surgery.", "knee replacement, surgery"),
    ("American Academy of Orthopaedic Surgeons (AAOS)", "Total knee replacement",
     "https://orthoinfo.aaos.org/en/treatment/total-knee-replacement/",
     "Recovery, exercise and preventing complications after knee replacement.", "knee replacement, exercise"),
    ("American Diabetes Association (ADA)", "Living with diabetes", "https://diabetes.org/living-with-diabetes",
     "Everyday management of type 1 and type 2 diabetes.", "diabetes, nutrition"),
    ("CDC", "Diabetes basics", "https://www.cdc.gov/diabetes/about/index.html",
     "What diabetes is, its types, and how to lower your risk.", "diabetes"),
    ("NIH — NIDDK", "Diabetes overview", "https://www.niddk.nih.gov/health-information/diabetes/overview",
     "Symptoms, tests, management and complications of diabetes.", "diabetes"),
    ("MedlinePlus", "Diabetic diet", "https://medlineplus.gov/diabeticdiet.html",
     "Healthy eating when you have diabetes.", "diabetes, nutrition"),
    ("CDC", "Flu: what you need to know", "https://www.cdc.gov/flu/about/index.html",
     "Symptoms of the flu, who should get vaccinated and when.", "flu, vaccination"),
    ("American Academy of Family Physicians (AAFP)", "familydoctor.org: health information",
     "https://familydoctor.org/", "Patient education written by family physicians.", "prevention"),
]

KNEE_FAQ = """\
This page answers questions we often hear **before and after a knee replacement**. It is general
information: your surgeon and care team will tailor the plan to you.

### How should I prepare my home?
Clear walkways, remove loose rugs, and set up a place to sit with a firm chair with arms.

### When can I walk after surgery?
Most people stand and walk with help on the day of surgery or the day after.

### How long does recovery take?
Most daily activities return in 6 to 12 weeks; full recovery can take up to a year.

### When should I call someone?
Call the office for increasing redness, swelling or fever. **Call 911 for chest pain or shortness of breath.**
"""

DIABETES_PART1 = """\
Diabetes is common, and living well with it is possible. This first part of our series covers the
basics: what blood sugar is, why it matters, and the everyday habits that help.

- Eat regular meals with vegetables, whole grains and lean protein.
- Move your body: walking counts.
- Keep your appointments and ask your own doctor about your targets.

Everyone's plan is different: talk with your own clinician before changing any medicine.
"""

FLU_ARTICLE = """\
Flu season is here. A yearly flu vaccine is recommended for almost everyone aged 6 months and older.

Wash your hands, stay home when you are sick, and ask your pharmacist or physician where to get vaccinated.
"""


def _article(author: User, reviewer: User, practice: Practice, *, slug: str, title: str, body: str, kind: str,
             summary: str, tags: str, resource_urls: list[str], series_title: str | None = None) -> Article:
    existing = Article.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    series = services.series_create(actor=author, practice=practice, title=series_title) if series_title else None
    article = services.article_create(
        author=author, practice=practice, title=title, body_md=body, kind=kind, summary=summary,
        series=series, series_position=1 if series else None, tags=services.topics_from_text(tags), slug=slug,
    )
    services.article_resources_set(
        actor=author, article=article,
        resource_ids=TrustedResource.objects.filter(practice=practice, url__in=resource_urls).values_list("pk", flat=True),
    )
    services.article_submit(actor=author, article=article)
    return services.article_review(reviewer=reviewer, article=article, approve=True)


@transaction.atomic
def demo_load(users: dict[str, User], riverside: Practice, lakeside: Practice) -> None:
    """Load Alice's public profile, three articles, the library, channels and planned posts."""
    alice, admin, erin = users["alice"], users["admin"], users["erin"]
    for practice in (riverside, lakeside):
        services.practice_settings_ensure(practice=practice)
    if not PublicProfile.objects.filter(clinician__user=alice).exists():
        services.profile_update(
            actor=alice, clinician=alice.clinician_profile, slug="alice-moreno", is_public=True,
            bio_md="Dr. Moreno is a family physician who cares for adults and children, with a special interest "
                   "in diabetes and preventive care.",
            specialties="Family Medicine, Diabetes care, Preventive medicine",
            board_certifications="American Board of Family Medicine",
            languages="English, Spanish",
            locations="Riverside Family Medicine, 120 River Road, Suite 200, Springfield, NY",
            accepted_insurance="Aetna\nBlue Cross Blue Shield\nMedicare\nUnitedHealthcare",
            conflicts_of_interest="None. Dr. Moreno has no financial relationships with companies whose products she discusses.",
            how_to_reach="Patients of the practice: please use the secure patient portal or call the office. "
                         "I cannot answer personal medical questions in comments or on social media.",
        )
    for publisher, title, url, description, topics in RESOURCES:
        if not TrustedResource.objects.filter(practice=riverside, url=url).exists():
            services.resource_save(actor=alice, practice=riverside, title=title, url=url, publisher=publisher,
                                   description=description, topics=services.topics_from_text(topics))
    now = timezone.now()
    channels = {}
    for name, kind, url, owner, days in (
        ("Practice web site", ChannelKind.SITE, "", alice, None),
        ("Riverside health blog", ChannelKind.BLOG, "", erin, 21),
        ("Riverside on Facebook", ChannelKind.SOCIAL, "https://www.facebook.com/riversidefamilymedicine", erin, 14),
    ):
        channel = Channel.objects.filter(practice=riverside, name=name).first()
        if channel is None:
            channel = services.channel_save(actor=admin, practice=riverside, name=name, kind=kind, url=url,
                                            owner=owner, stale_after_days=days)
            if kind == ChannelKind.BLOG:
                Channel.objects.filter(pk=channel.pk).update(last_published_at=now - timedelta(days=10))
            if kind == ChannelKind.SOCIAL:
                Channel.objects.filter(pk=channel.pk).update(last_published_at=now - timedelta(days=40))
        channels[kind] = channel
    knee = _article(
        alice, admin, riverside, slug="before-and-after-your-knee-replacement",
        title="Before and after your knee replacement", body=KNEE_FAQ, kind=ArticleKind.FAQ,
        summary="Answers to common questions about preparing for and recovering from knee replacement.",
        tags="knee replacement, surgery",
        resource_urls=[RESOURCES[0][2], RESOURCES[1][2]],
    )
    _article(
        alice, admin, riverside, slug="living-with-diabetes-the-basics",
        title="Living with diabetes, part 1: the basics", body=DIABETES_PART1, kind=ArticleKind.SERIES_PART,
        summary="What blood sugar is, why it matters, and everyday habits that help.",
        tags="diabetes, nutrition", resource_urls=[RESOURCES[2][2], RESOURCES[3][2], RESOURCES[5][2]],
        series_title="Living with diabetes",
    )
    _article(
        alice, admin, riverside, slug="getting-ready-for-flu-season", title="Getting ready for flu season",
        body=FLU_ARTICLE, kind=ArticleKind.ARTICLE, summary="Who should get a flu vaccine, and simple ways to stay well.",
        tags="flu, vaccination", resource_urls=[RESOURCES[6][2]],
    )
    today = timezone.localdate()
    for channel, title, offset, article in (
        (channels[ChannelKind.SITE], "Living with diabetes, part 2: food and blood sugar", 7, None),
        (channels[ChannelKind.BLOG], "Staying active in winter", 10, None),
        (channels[ChannelKind.SOCIAL], "Share: knee replacement FAQ", 2, knee),
        (channels[ChannelKind.SOCIAL], "Flu shot clinic reminder", 5, None),
    ):
        if not PlannedPost.objects.filter(channel=channel, title=title).exists():
            services.planned_post_save(actor=erin, channel=channel, title=title,
                                       planned_for=today + timedelta(days=offset), article=article)
    assert Article.objects.filter(practice=riverside, status=ArticleStatus.PUBLISHED).count() >= 3
