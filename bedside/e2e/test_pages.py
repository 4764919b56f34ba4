"""Every main page at desktop and phone sizes: a screenshot under var/screenshots/, no serious or
critical axe-core violation, no sideways scrolling on a phone; and the keyboard path through the
sign-in and compose forms (skip link, visible focus)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from bedside.e2e.conftest import PASSWORD, Server, assert_accessible, capture, totp_code

if TYPE_CHECKING:
    from playwright.sync_api import Page

BOB = "bob@demo.bedside"


def _write(page: Page, server: Server, subject: str, body: str, category: str = "medical_question") -> str:
    page.goto(server.base + "/messages/new/")
    page.fill("input[name=subject]", subject)
    page.check(f"input[name=category][value={category}]")
    page.fill("textarea[name=body]", body)
    page.click("main form[enctype] button[type=submit]")
    page.wait_for_url(re.compile(r".*/threads/\d+/.*"))
    return page.url.split("?")[0]


def test_public_pages(server: Server, new_page: Callable[..., Page]) -> None:
    page = new_page()
    page.goto(server.base + "/")
    assert "/accounts/login/" in page.url  # the home page of a visitor is the sign-in
    capture(page, "sign-in")
    page.fill("input[name=login]", BOB)
    page.fill("input[name=password]", "not-the-password")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#form-errors").count() == 1
    capture(page, "sign-in-errors")
    page.goto(server.base + "/accounts/signup/")
    capture(page, "sign-up")
    page.goto(server.base + "/accounts/password/reset/")
    capture(page, "password-reset")
    response = page.goto(server.base + "/no-such-page/")
    assert response is not None and response.status == 404
    assert "Traceback" not in page.content()
    capture(page, "error-404")


def test_csrf_refusal_is_friendly(server: Server, new_page: Callable[..., Page]) -> None:
    page = new_page()
    page.goto(server.base + "/accounts/login/")
    page.context.clear_cookies()
    page.fill("input[name=login]", BOB)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_response(lambda r: r.request.method == "POST") as info:
        page.click("main button[type=submit]")
    assert info.value.status == 403
    page.wait_for_load_state()
    assert "CSRF" not in page.inner_text("main")
    capture(page, "error-403")


def test_mfa_page(server: Server, new_page: Callable[..., Page]) -> None:
    page = new_page()
    page.goto(server.base + "/accounts/login/")
    page.fill("input[name=login]", "nora@demo.bedside")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/accounts/2fa/authenticate/.*"))
    capture(page, "mfa")
    page.fill("input[name=code]", "000000")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    capture(page, "mfa-wrong-code")
    page.fill("input[name=code]", totp_code(server, "nora@demo.bedside"))
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/queue/.*"))


def test_patient_pages(server: Server, as_user: Callable[..., Page]) -> None:
    gus = as_user("gus@demo.bedside")
    gus.goto(server.base + "/inbox/")
    capture(gus, "inbox-empty")
    response = gus.goto(server.base + "/messages/new/")
    assert response is not None and response.status == 403
    assert "consent" in gus.inner_text("main").lower()  # Gus is asked to sign the consent first
    capture(gus, "cannot-message")

    bob = as_user(BOB)
    bob.goto(server.base + "/messages/new/")
    capture(bob, "new-message")
    bob.click("main form[enctype] button[type=submit]")  # nothing typed: the errors, linked
    bob.wait_for_load_state()
    assert bob.locator("#form-errors a").count() >= 1
    # Each field names its own error for screen readers, and the summary links to the field.
    described = (bob.get_attribute("input[name=subject]", "aria-describedby") or "").split()
    assert any(bob.locator(f"#{ref}.errorlist").count() == 1 for ref in described), described
    assert bob.locator("#form-errors a[href='#id_subject']").count() == 1
    capture(bob, "new-message-errors")
    _write(bob, server, "Knee after my run", "My knee has been sore for a week after running. Should I rest it?")
    capture(bob, "thread")
    bob.goto(server.base + "/inbox/")
    capture(bob, "inbox")
    bob.goto(server.base + "/consents/")
    capture(bob, "consents")
    bob.click("main a.button >> nth=0")
    bob.wait_for_load_state()
    capture(bob, "consent-document")


def test_care_team_pages(server: Server, as_user: Callable[..., Page]) -> None:
    alice = as_user("alice@demo.bedside")
    for path, name in (
        ("/queue/", "queue"),
        ("/metrics/", "metrics"),
        ("/coverage/", "coverage"),
        ("/consents/relationships/", "relationships"),
        ("/consents/relationships/new/", "relationship-new"),
        ("/consents/invitations/", "invitations"),
        ("/accounts/2fa/", "mfa-settings"),
    ):
        response = alice.goto(server.base + path)
        assert response is not None and response.status == 200, path
        capture(alice, name)
    alice.goto(server.base + "/queue/")
    link = alice.locator("main a[href*='/threads/']").first
    if link.count():
        link.click()
        alice.wait_for_load_state()
        capture(alice, "thread-care-team")
    erin = as_user("erin@demo.bedside")
    erin.goto(server.base + "/queue/")
    capture(erin, "queue-staff")
    charlie = as_user("charlie@demo.bedside")  # Lakeside has no open conversations: the empty state
    charlie.goto(server.base + "/queue/")
    assert "All caught up" in charlie.inner_text("main")
    capture(charlie, "queue-empty")


def test_auditor_pages(server: Server, as_user: Callable[..., Page]) -> None:
    frank = as_user("frank@demo.bedside")
    frank.goto(server.base + "/audit/")
    capture(frank, "audit-events")
    frank.locator("main a[href*='/audit/patients/']").first.click()
    frank.wait_for_load_state()
    capture(frank, "audit-patient")


def test_signed_in_404(server: Server, as_user: Callable[..., Page]) -> None:
    dana = as_user("dana@demo.bedside")
    response = dana.goto(server.base + "/threads/999999/")
    assert response is not None and response.status == 404
    capture(dana, "error-404-signed-in")


# --- keyboard ------------------------------------------------------------------------------------


def _focus_is_visible(page: Page) -> bool:
    return bool(
        page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el || el === document.body) return false;
                const s = getComputedStyle(el);
                const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
                const ring = s.boxShadow && s.boxShadow !== 'none';
                const r = el.getBoundingClientRect();
                return (outline || ring) && r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight;
            }"""
        )
    )


def _active(page: Page) -> str:
    return str(page.evaluate("() => { const e = document.activeElement; return (e.name || e.id || e.className || e.tagName) + ''; }"))


def test_sign_in_with_the_keyboard_only(server: Server, new_page: Callable[..., Page]) -> None:
    page = new_page()
    page.goto(server.base + "/accounts/login/")
    page.keyboard.press("Tab")
    assert "skip-link" in _active(page) and _focus_is_visible(page), "the first Tab shows the skip link"
    page.keyboard.press("Enter")
    assert _active(page) == "main"
    seen: list[str] = []
    for _ in range(12):
        page.keyboard.press("Tab")
        assert _focus_is_visible(page), f"no visible focus on {_active(page)}"
        seen.append(_active(page))
        if _active(page) == "login":
            page.keyboard.type(BOB)
        elif _active(page) == "password":
            page.keyboard.type(PASSWORD)
            page.keyboard.press("Enter")
            break
    page.wait_for_url(re.compile(r".*/inbox/.*"))
    assert "login" in seen and "password" in seen


def test_compose_with_the_keyboard_only(server: Server, as_user: Callable[..., Page]) -> None:
    page = as_user(BOB)
    page.goto(server.base + "/messages/new/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip to main content
    seen: list[str] = []
    for _ in range(25):
        page.keyboard.press("Tab")
        name = _active(page)
        assert _focus_is_visible(page), f"no visible focus on {name}"
        seen.append(name)
        if name == "subject":
            page.keyboard.type("Question about my bandage")
        elif name == "category" and "category" not in seen[:-1]:
            page.keyboard.press("Space")
        elif name == "body":
            page.keyboard.type("Can I take a shower with the bandage on if I cover it?")
        elif name == "attachments":
            page.keyboard.press("Tab")
            assert "button" in _active(page).lower() or _focus_is_visible(page)
            page.keyboard.press("Enter")
            break
    page.wait_for_url(re.compile(r".*/threads/\d+/.*"))
    assert {"subject", "category", "body"} <= set(seen)
    assert_accessible(page, "thread after keyboard compose")


def test_phone_menu_folds_and_opens_from_the_keyboard(server: Server, as_user: Callable[..., Page]) -> None:
    page = as_user("alice@demo.bedside", phone=True)
    page.goto(server.base + "/queue/")
    toggle = page.locator(".nav-toggle")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator("#site-nav").is_visible()
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("link", name="Metrics").is_visible()
    capture(page, "menu-open")
    page.keyboard.press("Escape")
    assert not page.locator("#site-nav").is_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    assert not toggle.is_visible() and page.get_by_role("link", name="Metrics").is_visible()


def test_500_page_is_friendly(server: Server, new_page: Callable[..., Page]) -> None:
    """Render the 500 template (a server that works can't be made to fail on demand) on the site."""
    from django.template.loader import render_to_string

    html = render_to_string("errors/500.html")
    assert "Traceback" not in html and "Exception" not in html
    page = new_page()
    page.goto(server.base + "/accounts/login/")
    page.set_content(html)  # same origin: the stylesheet and the CSP apply as on a real error
    page.wait_for_load_state()
    assert "Something went wrong on our side" in page.inner_text("main")
    capture(page, "error-500")


# --- the newer areas: publishing, moderation, reputation, billing, follow-up, emergency access ----


def _visit(page: Page, server: Server, path: str, name: str) -> None:
    response = page.goto(server.base + path)
    assert response is not None and response.status == 200, (path, response and response.status)
    capture(page, name)


def _open_first(page: Page, selector: str, name: str) -> None:
    """Follow the first link matching SELECTOR (a detail page of the demo data) and capture it."""
    link = page.locator(selector).first
    assert link.count() == 1, f"no link {selector!r} on {page.url}"
    link.click()
    page.wait_for_load_state()
    capture(page, name)


def test_public_learning_pages(server: Server, new_page: Callable[..., Page]) -> None:
    page = new_page()
    _visit(page, server, "/learn/", "learn-index")
    _visit(page, server, "/articles/before-and-after-your-knee-replacement/", "article-public")
    _visit(page, server, "/doctors/alice-moreno/", "profile")
    _visit(page, server, "/comment-policy/", "comment-policy")


def test_publishing_and_moderation_pages(server: Server, as_user: Callable[..., Page]) -> None:
    alice = as_user("alice@demo.bedside")
    _visit(alice, server, "/publishing/", "publishing-dashboard")
    _open_first(alice, "main a[href*='/publishing/articles/'][href$='/']:not([href$='/new/'])", "publishing-article")
    _visit(alice, server, "/publishing/articles/new/", "publishing-editor")
    _visit(alice, server, "/publishing/calendar/", "publishing-calendar")
    maya = as_user("maya@demo.bedside")
    _visit(maya, server, "/moderation/", "moderation-queue-demo")
    _open_first(maya, "main a[href^='/moderation/'][href$='/']:not([href='/moderation/'])", "moderation-comment-demo")


def test_clinician_tool_pages(server: Server, as_user: Callable[..., Page]) -> None:
    alice = as_user("alice@demo.bedside")
    _visit(alice, server, "/reputation/", "reputation-dashboard")
    _visit(alice, server, "/reputation/watch/", "reputation-watch")
    _visit(alice, server, "/reputation/self-audit/", "reputation-self-audit")
    _visit(alice, server, "/billing/report/", "billing-report")
    _visit(alice, server, "/econsults/", "econsults-alice")
    _visit(alice, server, "/followup/", "followup-list")
    _open_first(alice, "main a[href^='/followup/'][href$='/']:not([href$='/enrol/'])", "followup-detail")
    _visit(alice, server, "/access/emergency/", "emergency-access")
    sam = as_user("sam@demo.bedside")
    _visit(sam, server, "/econsults/", "econsults-sam")
    _open_first(sam, "main a[href^='/econsults/']", "econsult-detail")
    frank = as_user("frank@demo.bedside")
    _visit(frank, server, "/access/emergency/review/", "emergency-access-review")
    bob = as_user(BOB)
    _visit(bob, server, "/followup/mine/", "check-ins")


def test_more_menu_folds_the_less_used_tools(server: Server, as_user: Callable[..., Page]) -> None:
    alice = as_user("alice@demo.bedside")
    alice.goto(server.base + "/queue/")
    more = alice.locator(".nav-more > summary")
    # Desktop: one row beside the brand; the tools wait behind "More" until asked for.
    assert more.is_visible() and not alice.get_by_role("link", name="E-visit billing").is_visible()
    more.focus()
    assert _focus_is_visible(alice)
    alice.keyboard.press("Enter")
    assert alice.get_by_role("link", name="E-visit billing").is_visible()
    capture(alice, "menu-more-open")
    alice.keyboard.press("Escape")  # app.js: closes like a menu, focus back on "More"
    assert not alice.get_by_role("link", name="E-visit billing").is_visible()
    assert "More" in str(alice.evaluate("document.activeElement.textContent"))
    more.click()
    alice.get_by_role("link", name="Reputation").click()
    alice.wait_for_url(re.compile(r".*/reputation/$"))
    # The page shown is one of the folded tools: the closed "More" says so.
    assert alice.locator(".nav-more[open]").count() == 0
    assert alice.locator(".nav-more a[aria-current=page]").count() == 1
    # Phone: inside the folded menu, "More" opens as an indented list.
    phone = as_user("alice@demo.bedside", phone=True)
    phone.goto(server.base + "/queue/")
    phone.click(".nav-toggle")
    phone.click(".nav-more > summary")
    assert phone.get_by_role("link", name="E-consults").is_visible()
    capture(phone, "menu-more-phone", check=True)
