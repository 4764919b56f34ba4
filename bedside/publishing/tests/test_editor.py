"""The editor in the browser: the whole write → review → publish flow, form errors that keep what
was typed, and every editor endpoint refusing Charlie (other practice) and Dana (a patient)."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.test import Client
from PIL import Image

from bedside.accounts.models import User
from bedside.publishing.models import (
    Article,
    ArticleStatus,
    Channel,
    PlannedPost,
    PublicProfile,
    TrustedResource,
)

pytestmark = pytest.mark.django_db


def _article_form(**extra: str) -> dict[str, str]:
    data = {"kind": "article", "title": "Washing your hands", "summary": "Why and how.",
            "body_md": "Use soap for **20 seconds**.", "tags": "prevention, flu", "comments_open": "on"}
    data.update(extra)
    return data


def test_write_review_publish_in_the_browser(
    demo: dict[str, User], dr_alice: User, web_login: Callable[[User], Client], client: Client
) -> None:
    alice = web_login(dr_alice)
    preview = alice.post("/publishing/articles/new/", {**_article_form(), "preview": "1"})
    assert preview.status_code == 200 and b"<strong>20 seconds</strong>" in preview.content
    assert not Article.objects.filter(title="Washing your hands").exists()
    saved = alice.post("/publishing/articles/new/", {**_article_form(), "save": "1"})
    article = Article.objects.get(title="Washing your hands")
    assert saved.status_code == 302 and saved["Location"] == f"/publishing/articles/{article.pk}/"
    assert sorted(t.name for t in article.tags.all()) == ["flu", "prevention"]
    page = alice.get(f"/publishing/articles/{article.pk}/").content.decode()
    assert "Suggested for this article" in page and "Flu: what you need to know" in page
    flu = TrustedResource.objects.get(title="Flu: what you need to know")
    alice.post(f"/publishing/articles/{article.pk}/add_resource/", {"resource": str(flu.pk)})
    assert list(article.resources.all()) == [flu]
    alice.post(f"/publishing/articles/{article.pk}/submit/")
    article.refresh_from_db()
    assert article.status == ArticleStatus.IN_REVIEW
    # Alice may not approve her own article: no review form, and a forged POST is refused.
    assert b"Record review" not in alice.get(f"/publishing/articles/{article.pk}/").content
    refused = alice.post(f"/publishing/articles/{article.pk}/review/", {"decision": "approve"})
    assert refused.status_code == 403 and b"second person" in refused.content
    assert client.get(f"/articles/{article.slug}/").status_code == 404
    admin = web_login(demo["admin"])
    assert b"Waiting for your review" in admin.get("/publishing/").content
    admin.post(f"/publishing/articles/{article.pk}/review/", {"decision": "approve"})
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED and article.reviewer == demo["admin"]
    public = client.get(f"/articles/{article.slug}/")
    assert public.status_code == 200 and b"Flu: what you need to know" in public.content


def test_invalid_article_keeps_what_was_typed(dr_alice: User, web_login: Callable[[User], Client]) -> None:
    response = web_login(dr_alice).post(
        "/publishing/articles/new/", {**_article_form(kind="series_part", title="Part without series"), "save": "1"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose the series this part belongs to." in html and 'value="Part without series"' in html


def test_series_part_with_new_series(dr_alice: User, web_login: Callable[[User], Client]) -> None:
    web_login(dr_alice).post("/publishing/articles/new/", {
        **_article_form(kind="series_part", title="Heart health part 1"), "new_series": "Heart health",
        "series_position": "1", "save": "1"})
    article = Article.objects.get(title="Heart health part 1")
    assert article.series is not None and article.series.title == "Heart health"


def test_profile_edit_with_photo(demo: dict[str, User], dr_alice: User, web_login: Callable[[User], Client]) -> None:
    alice = web_login(dr_alice)
    assert alice.get("/publishing/profiles/")["Location"] == f"/publishing/profiles/{dr_alice.clinician_profile.pk}/"
    out = io.BytesIO()
    Image.new("RGB", (50, 40), "green").save(out, format="JPEG")
    out.seek(0)
    out.name = "me.jpg"
    url = f"/publishing/profiles/{dr_alice.clinician_profile.pk}/"
    response = alice.post(url, {"slug": "dr-alice", "photo": out, "bio_md": "Hello", "specialties": "Family Medicine",
                                "conflicts_of_interest": "None.", "is_public": "on"})
    assert response.status_code == 302
    profile = PublicProfile.objects.get(slug="dr-alice")
    assert profile.photo and profile.is_public
    bad = io.BytesIO(b"MZ not an image")
    bad.name = "x.jpg"
    refused = alice.post(url, {"slug": "dr-alice", "photo": bad, "bio_md": "Kept text", "is_public": "on",
                               "conflicts_of_interest": "None."})
    assert refused.status_code == 400 and b"must be a JPEG or PNG" in refused.content and b"Kept text" in refused.content


def test_calendar_channels_and_planned_posts(
    demo: dict[str, User], staff_erin: User, web_login: Callable[[User], Client]
) -> None:
    erin = web_login(staff_erin)
    page = erin.get("/publishing/calendar/").content.decode()
    assert "Riverside on Facebook" in page and "Stale" in page
    social = Channel.objects.get(name="Riverside on Facebook")
    erin.post(f"/publishing/channels/{social.pk}/published/")
    social.refresh_from_db()
    assert social.last_published_at is not None
    erin.post("/publishing/calendar/", {"add_channel": "1", "name": "Instagram", "kind": "social",
                                        "owner": str(staff_erin.pk), "url": "https://instagram.com/riverside"})
    assert Channel.objects.filter(name="Instagram", owner=staff_erin).exists()
    erin.post("/publishing/calendar/", {"add_post": "1", "channel": str(social.pk), "title": "Winter walking",
                                        "planned_for": "2026-12-03", "status": "planned"})
    post = PlannedPost.objects.get(title="Winter walking")
    assert b"Winter walking" in erin.get("/publishing/calendar/?month=2026-12").content
    erin.post(f"/publishing/planned/{post.pk}/status/", {"status": "dropped"})
    post.refresh_from_db()
    assert post.status == "dropped"
    duplicate = erin.post("/publishing/calendar/", {"add_channel": "1", "name": "instagram", "kind": "social",
                                                    "owner": str(staff_erin.pk)})
    assert duplicate.status_code == 400 and b"already has a channel" in duplicate.content


def test_resource_library_management(dr_alice: User, web_login: Callable[[User], Client]) -> None:
    alice = web_login(dr_alice)
    alice.post("/publishing/resources/new/", {"title": "Sleep hygiene", "url": "https://www.cdc.gov/sleep/",
                                              "publisher": "CDC", "topics": "sleep"})
    resource = TrustedResource.objects.get(title="Sleep hygiene")
    assert [t.name for t in resource.topics.all()] == ["sleep"]
    bad = alice.post("/publishing/resources/new/", {"title": "Bad", "url": "javascript:alert(1)", "publisher": "X"})
    assert bad.status_code == 400
    alice.post(f"/publishing/resources/{resource.pk}/", {"delete": "1"})
    assert not TrustedResource.objects.filter(pk=resource.pk).exists()


# --- Charlie and Dana are refused -------------------------------------------------------------


def test_charlie_and_dana_are_refused(
    demo: dict[str, User], draft: Callable[..., Article], dr_charlie: User, pat_dana: User, pat_bob: User,
    aud_frank: User, web_login: Callable[[User], Client],
) -> None:
    article = draft("Riverside draft")
    resource = TrustedResource.objects.filter(practice=article.practice).first()
    channel = Channel.objects.filter(practice=article.practice).first()
    post = PlannedPost.objects.filter(channel__practice=article.practice).first()
    assert resource and channel and post
    clinician_id = demo["alice"].clinician_profile.pk
    riverside_only = [
        ("get", f"/publishing/articles/{article.pk}/"), ("get", f"/publishing/articles/{article.pk}/edit/"),
        ("post", f"/publishing/articles/{article.pk}/submit/"), ("post", f"/publishing/articles/{article.pk}/review/"),
        ("post", f"/publishing/articles/{article.pk}/withdraw/"),
        ("get", f"/publishing/resources/{resource.pk}/"), ("post", f"/publishing/resources/{resource.pk}/"),
        ("get", f"/publishing/profiles/{clinician_id}/"), ("post", f"/publishing/channels/{channel.pk}/published/"),
        ("post", f"/publishing/planned/{post.pk}/status/"),
        ("get", f"/publishing/settings/{article.practice_id}/"),
    ]
    every_editor_page = [("get", "/publishing/"), ("get", "/publishing/articles/new/"), ("get", "/publishing/resources/"),
                         ("get", "/publishing/calendar/"), ("get", "/publishing/settings/")]
    # Charlie edits Lakeside's presence but sees nothing of Riverside's.
    charlie = web_login(dr_charlie)
    for method, url in riverside_only:
        assert getattr(charlie, method)(url).status_code == 404, url
    # Patients and auditors have no editor at all.
    for user in (pat_dana, pat_bob, aud_frank):
        client = web_login(user)
        for method, url in riverside_only + every_editor_page:
            assert getattr(client, method)(url).status_code == 404, (user, url)
    # Anonymous visitors are sent to sign in.
    for method, url in riverside_only + every_editor_page:
        assert getattr(Client(), method)(url).status_code == 302
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    assert channel.last_published_at == Channel.objects.get(pk=channel.pk).last_published_at


def test_live_preview_is_sanitised_and_for_editors_only(
    dr_alice: User, dr_charlie: User, pat_dana: User, web_login: Callable[[User], Client]
) -> None:
    body = {"body_md": "**Bold** <script>alert(1)</script> [x](javascript:alert(1))"}
    response = web_login(dr_alice).post("/publishing/preview/", body)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>Bold</strong>" in html and "<script" not in html and "javascript:" not in html
    assert web_login(dr_charlie).post("/publishing/preview/", body).status_code == 200  # his own practice's editor
    assert web_login(pat_dana).post("/publishing/preview/", body).status_code == 404
    assert Client().post("/publishing/preview/", body).status_code == 302
    too_long = web_login(dr_alice).post("/publishing/preview/", {"body_md": "x" * 100_001})
    assert too_long.status_code == 400


def test_out_of_range_months_and_ids_are_not_500(web_login, dr_alice, demo):
    from bedside.publishing.models import Article

    client = web_login(dr_alice)
    for month in ("9999-12", "1-1", "0-0", "2026-13"):
        assert client.get(f"/publishing/calendar/?month={month}").status_code == 200
    article = Article.objects.filter(practice__memberships__user=dr_alice).first()
    if article is not None:
        base = f"/publishing/articles/{article.pk}/"
        response = client.post(base + "add_resource/", {"resource": "99999999999999999999"})
        assert response.status_code in (302, 400, 404)
        response = client.post(base + "resources/", {"resources": ["99999999999999999999"]})
        assert response.status_code in (200, 302, 400, 404)
