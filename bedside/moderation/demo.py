"""Demo moderation data: Maya the moderator, reply templates, and a few comments (idempotent).

Comments are added through the services only to articles publishing's demo has published;
without them the loader adds Maya and the templates and stops. A comment meant to show the
queue is submitted only if screening holds it, so the demo never publishes personal details.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction

from bedside.accounts import services as accounts
from bedside.accounts.models import Practice, Role, User
from bedside.core.demo import demo_password, demo_totp_secret
from bedside.moderation import services
from bedside.moderation.models import Comment, CommentStatus, PublicReplyTemplate
from bedside.publishing.models import Article, ArticleStatus
from bedside.screening import PUBLISH, screen

TEMPLATES = [
    ("General information and your own doctor", (
        "Thank you for your question. I can't give personal medical advice in a public comment, but in general "
        "this is something to discuss with your own doctor, who knows your history and can examine you. "
        "MedlinePlus has a clear, trustworthy overview: https://medlineplus.gov/ — and in an emergency, call 911."
    )),
    ("Point to a trusted resource", (
        "Thanks for reading. For reliable general information on this topic, see the CDC's page: "
        "https://www.cdc.gov/ . Everyone's situation is different, so please talk with your own physician "
        "before making any change to your care."
    )),
    ("Emphasise evaluation", (
        "Symptoms like these can have many causes, and the right next step depends on an evaluation. "
        "Please see your own doctor (or, if you are a patient of our practice, send us a secure message "
        "through the portal). General information: https://medlineplus.gov/ . If symptoms are severe or "
        "sudden, call 911."
    )),
]

PUBLISHED = [
    ("Sam", "sam@example.org", "Thank you for writing this — the section on questions to ask before surgery was really helpful."),
    ("Priya", "priya@example.org", "Great overview. Are there any good general resources on staying active in winter?"),
]
HELD = [
    ("J.", "j.concerned@example.org", "My A1C was 9.1 last month and I'm on metformin 1000 mg. Should I stop taking it before my knee surgery?"),
    ("Worried daughter", "wd@example.org", "My mom Rosa Delgado (born 03/14/1951) has cervical cancer. Call me at 555-201-7788, what should we do?"),
    ("Deals", "promo@example.com", "Buy cheap meds online without prescription!!! Best prices at www.cheap-pills-now.example, click here"),
]


def _moderator(email: str, full_name: str, practice: Practice) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=demo_password(), full_name=full_name, role=Role.MODERATOR)
    else:
        user.full_name, user.role, user.is_active = full_name, Role.MODERATOR, True
        user.set_password(demo_password())
        user.save()
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    TOTP.activate(user, demo_totp_secret())
    RecoveryCodes.activate(user)
    accounts.membership_add(practice=practice, user=user)
    return user


@transaction.atomic
def demo_load(users: dict[str, User] | None = None) -> dict[str, User]:
    """Add Maya, the reply templates and demo comments; return {"maya": …}."""
    riverside = Practice.objects.get(name="Riverside Family Medicine")
    maya = _moderator("maya@demo.bedside", "Maya Brooks", riverside)
    for practice in Practice.objects.filter(name__in=["Riverside Family Medicine", "Lakeside Orthopedics"]):
        for title, body in TEMPLATES:
            PublicReplyTemplate.objects.update_or_create(practice=practice, title=title, defaults={"body": body})
    article = (
        Article.objects.filter(practice=riverside, status=ArticleStatus.PUBLISHED, comments_open=True)
        .order_by("published_at", "pk").first()
    )
    if article is None or Comment.objects.filter(article=article).exists():
        return {"maya": maya}
    published: list[Comment] = []
    for name, email, text in PUBLISHED:
        result = services.comment_submit(article=article, body=text, display_name=name, email=email, channel="demo")
        if result.comment.status == CommentStatus.PUBLISHED:
            published.append(result.comment)
    for name, email, text in HELD:
        if screen(text, "comment").decision != PUBLISH:  # never publish the personal examples
            services.comment_submit(article=article, body=text, display_name=name, email=email, channel="demo")
    alice = (users or {}).get("alice") or User.objects.filter(email="alice@demo.bedside").first()
    if published and alice is not None:
        services.comment_reply_post(
            clinician=alice, comment=published[-1], body=TEMPLATES[1][1], confirmed=True, channel="demo",
        )
    return {"maya": maya}
