"""Public pages: reachable without sign-in, with JSON-LD, Open Graph, canonical URL and disclaimer;
nothing non-public leaks (drafts, other practices' work, private profiles)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, override_settings

from bedside.accounts.models import User
from bedside.publishing import services
from bedside.publishing.models import Article, PublicProfile

pytestmark = pytest.mark.django_db

SITE = "https://www.riverside.example"
KNEE = "/articles/before-and-after-your-knee-replacement/"


def _jsonld(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD block"
    return dict(json.loads(match.group(1)))


def _assert_public_page(response: Any, path: str) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<link rel="canonical" href="{SITE}{path}">' in html
    assert f'<meta property="og:url" content="{SITE}{path}">' in html
    assert '<meta name="robots" content="index, follow">' in html
    assert "noindex" not in html
    assert "X-Robots-Tag" not in response.headers
    assert "general health information" in html and "call 911" in html  # the disclaimer
    return html


@override_settings(BEDSIDE_SITE_URL=SITE)
def test_profile_page_is_public_with_physician_jsonld(demo: dict[str, User], client: Client) -> None:
    html = _assert_public_page(client.get("/doctors/alice-moreno/"), "/doctors/alice-moreno/")
    data = _jsonld(html)
    assert data["@type"] == "Physician" and data["name"] == "Dr. Alice Moreno"
    assert data["url"] == f"{SITE}/doctors/alice-moreno/"
    assert {"@type": "PropertyValue", "propertyID": "NPI", "value": "1234567893"} in data["identifier"]
    assert "Family Medicine" in data["medicalSpecialty"]
    assert data["knowsLanguage"] == ["English", "Spanish"]
    assert '<meta property="og:type" content="profile">' in html
    for text in ("1234567893", "MD-204518", "American Board of Family Medicine", "Medicare",
                 "Disclosures of conflicts of interest", "secure patient portal"):
        assert text in html


@override_settings(BEDSIDE_SITE_URL=SITE)
def test_article_page_lists_trusted_resources_tags_and_comments(demo: dict[str, User], client: Client) -> None:
    html = _assert_public_page(client.get(KNEE), KNEE)
    data = _jsonld(html)
    assert data["@type"] == ["MedicalWebPage", "FAQPage"] and data["headline"] == "Before and after your knee replacement"
    questions = {q["name"]: q["acceptedAnswer"]["text"] for q in data["mainEntity"]}
    assert questions["When can I walk after surgery?"].startswith("Most people stand and walk")
    assert "Call 911 for chest pain" in questions["When should I call someone?"]
    assert data["author"]["url"] == f"{SITE}/doctors/alice-moreno/"
    assert data["reviewedBy"]["name"] == "Pat Admin"
    assert "Trusted resources" in html and "orthoinfo.aaos.org" in html and "medlineplus.gov" in html
    assert 'href="/topics/knee-replacement/"' in html


@override_settings(BEDSIDE_SITE_URL=SITE)
@pytest.mark.parametrize("path", ["/learn/", "/topics/", "/topics/diabetes/", "/series/living-with-diabetes/",
                                  "/comment-policy/", "/articles/living-with-diabetes-the-basics/"])
def test_every_public_page_carries_the_disclaimer(demo: dict[str, User], client: Client, path: str) -> None:
    _assert_public_page(client.get(path), path)


def test_comment_policy_says_no_personal_advice(demo: dict[str, User], client: Client) -> None:
    html = client.get("/comment-policy/").content.decode()
    assert "cannot give personal medical advice" in html and "secure patient portal" in html


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled", "archived"])
def test_non_public_articles_are_404_to_everyone(
    state: str, draft: Callable[..., Article], dr_alice: User, admin_pat: User, dr_charlie: User, pat_dana: User,
    pat_bob: User, web_login: Callable[[User], Client],
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    article = draft("Hidden work in progress")
    if state != "draft":
        services.article_submit(actor=dr_alice, article=article)
    if state == "scheduled":
        services.article_review(reviewer=admin_pat, article=article, approve=True,
                                publish_at=timezone.now() + timedelta(days=3))
    if state == "archived":
        services.article_review(reviewer=admin_pat, article=article, approve=True)
        services.article_archive(actor=dr_alice, article=article)
    path = f"/articles/{article.slug}/"
    assert Client().get(path).status_code == 404
    for user in (dr_charlie, pat_dana, pat_bob, dr_alice):  # even the author: drafts are previewed in the editor
        assert web_login(user).get(path).status_code == 404
    for feed in ("/feeds/articles.rss", "/feeds/articles.atom", "/sitemap.xml", "/learn/"):
        assert b"Hidden work in progress" not in Client().get(feed).content
        assert article.slug.encode() not in Client().get(feed).content


def test_private_profile_is_404(demo: dict[str, User], client: Client) -> None:
    PublicProfile.objects.filter(slug="alice-moreno").update(is_public=False)
    assert client.get("/doctors/alice-moreno/").status_code == 404
    assert b"alice-moreno" not in client.get("/sitemap.xml").content
    assert client.get("/doctors/nobody/").status_code == 404


def test_feeds_list_only_published_items(demo: dict[str, User], client: Client, draft: Callable[..., Article]) -> None:
    draft("Secret draft title")
    rss = client.get("/feeds/articles.rss")
    assert rss.status_code == 200 and rss["Content-Type"].startswith("application/rss+xml")
    body = rss.content.decode()
    assert body.count("<item>") == 3 and "Before and after your knee replacement" in body
    assert "Secret draft title" not in body
    atom = client.get("/feeds/articles.atom").content.decode()
    assert atom.count("<entry>") == 3 and "Secret draft title" not in atom


@override_settings(BEDSIDE_SITE_URL=SITE)
def test_sitemap_and_robots(demo: dict[str, User], client: Client, draft: Callable[..., Article]) -> None:
    secret = draft("Unpublished thoughts")
    xml = client.get("/sitemap.xml").content.decode()
    assert f"<loc>{SITE}{KNEE}</loc>" in xml
    assert f"<loc>{SITE}/doctors/alice-moreno/</loc>" in xml
    assert secret.slug not in xml and "/publishing/" not in xml and "/accounts/" not in xml
    robots = client.get("/robots.txt").content.decode()
    assert f"Sitemap: {SITE}/sitemap.xml" in robots and "Disallow: /publishing/" in robots


def test_photo_is_served_only_for_public_profiles(demo: dict[str, User], client: Client, dr_alice: User) -> None:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(out, format="PNG")
    profile = PublicProfile.objects.get(slug="alice-moreno")
    services.profile_update(actor=dr_alice, clinician=profile.clinician, photo=out.getvalue(), is_public=True,
                            conflicts_of_interest="None.", slug="alice-moreno")
    response = client.get("/doctors/alice-moreno/photo.jpg")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b'og:image' in client.get("/doctors/alice-moreno/").content
    PublicProfile.objects.filter(pk=profile.pk).update(is_public=False)
    assert client.get("/doctors/alice-moreno/photo.jpg").status_code == 404


# --- XSS --------------------------------------------------------------------------------------

XSS_BODY = """\
Hello <script>alert('x')</script> and <img src=x onerror="alert(1)">.

[click](javascript:alert(document.cookie)) <a href="https://evil.example" onclick="steal()">link</a>

<style>body{display:none}</style><iframe src="https://evil.example"></iframe>
"""


def test_markdown_xss_is_neutralised(published: Callable[..., Article], client: Client) -> None:
    article = published("Safe rendering", XSS_BODY)
    html = client.get(f"/articles/{article.slug}/").content.decode()
    body = html.split('<div class="prose">', 1)[1].split("</div>", 1)[0]
    for bad in ("<script", "onerror", "javascript:", "onclick", "<style", "<iframe", "<img"):
        assert bad not in body.lower()
    assert 'href="https://evil.example" rel="noopener nofollow ugc"' in body


def test_profile_fields_xss_is_neutralised(demo: dict[str, User], dr_alice: User, client: Client) -> None:
    evil = '</script><script>alert(1)</script>"><img src=x onerror=alert(2)>'
    services.profile_update(
        actor=dr_alice, clinician=dr_alice.clinician_profile, slug="alice-moreno", is_public=True,
        bio_md=f"About me {evil}", specialties=f"Family Medicine, {evil}", languages=evil, locations=evil,
        accepted_insurance=evil, board_certifications=evil, conflicts_of_interest=evil, how_to_reach=evil,
    )
    html = client.get("/doctors/alice-moreno/").content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert html.count("<script") == html.count("</script>")  # nothing closed the JSON-LD block early
    data = _jsonld(html)  # still valid JSON, with the text kept as text
    assert any("</script>" in s for s in data["medicalSpecialty"])
    assert not re.search(r"<[a-z]+[^>]*\son\w+=", html)  # no element carries an event handler


# --- noindex ----------------------------------------------------------------------------------


def test_non_public_pages_say_noindex(
    demo: dict[str, User], dr_alice: User, web_login: Callable[[User], Client], client: Client
) -> None:
    for path in ("/accounts/login/", "/articles/no-such-article/"):
        response = client.get(path)
        assert response["X-Robots-Tag"] == "noindex, nofollow"
    editor = web_login(dr_alice).get("/publishing/")
    assert editor.status_code == 200 and editor["X-Robots-Tag"] == "noindex, nofollow"
    assert b'<meta name="robots" content="noindex, nofollow">' in editor.content
    assert "X-Robots-Tag" not in client.get(KNEE).headers


# --- public API -------------------------------------------------------------------------------


def test_public_api_lists_and_reads_published_articles(demo: dict[str, User], client: Client,
                                                       draft: Callable[..., Article]) -> None:
    hidden = draft("Draft for the API")
    listing = client.get("/api/v1/public/articles")
    assert listing.status_code == 200
    slugs = [item["slug"] for item in listing.json()["items"]]
    assert "before-and-after-your-knee-replacement" in slugs and hidden.slug not in slugs
    detail = client.get("/api/v1/public/articles/before-and-after-your-knee-replacement").json()
    assert "<h3>" in detail["html"] and "call 911" in detail["disclaimer_html"]
    assert any(r["publisher"] == "MedlinePlus" for r in detail["resources"])
    refused = client.get(f"/api/v1/public/articles/{hidden.slug}")
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    doctor = client.get("/api/v1/public/doctors/alice-moreno").json()
    assert doctor["@type"] == "Physician" and doctor["name"] == "Dr. Alice Moreno"
    assert client.get("/api/v1/public/doctors/nobody").status_code == 404


def test_public_api_refuses_other_practices_drafts_to_charlie_and_dana(
    demo: dict[str, User], draft: Callable[..., Article], dr_charlie: User, pat_dana: User,
    api: Callable[[User], Client],
) -> None:
    hidden = draft("Riverside draft for the API")
    for user in (dr_charlie, pat_dana):
        assert api(user).get(f"/api/v1/public/articles/{hidden.slug}").status_code == 404
