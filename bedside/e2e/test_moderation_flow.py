"""In a real browser: a visitor comments, Maya moderates (approve with redaction), Alice replies.

Moved here from bedside/moderation/tests/e2e/ to share the session server."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from bedside.e2e.conftest import Server, capture

if TYPE_CHECKING:
    from playwright.sync_api import Page

ARTICLE = "/articles/getting-ready-for-flu-season/"
PHONE = "555-201-7788"


def _comment(page: Page, server: Server, body: str, name: str, email: str) -> None:
    page.goto(server.base + ARTICLE)
    page.fill("#comments textarea[name=body]", body)
    page.fill("#comments input[name=display_name]", name)
    page.fill("#comments input[name=email]", email)
    page.click("#comments button[type=submit]")
    page.wait_for_load_state()


def test_comment_moderate_and_reply(server: Server, new_page: Callable[..., Page], as_user: Callable[..., Page]) -> None:
    visitor = new_page()
    _comment(visitor, server, "Thanks, the tip about getting the flu shot early in the fall was helpful.", "Lee", "lee@example.org")
    assert "getting the flu shot early" in visitor.content()
    capture(visitor, "article-comments")

    _comment(visitor, server, f"Please call my husband at {PHONE} about this, thanks.", "Kim", "kim@example.org")
    assert "personal medical advice in public" in visitor.content()
    assert PHONE not in visitor.content()
    capture(visitor, "comment-held")
    visitor.goto(server.base + ARTICLE)
    assert PHONE not in visitor.content()

    maya = as_user("maya@demo.bedside")
    maya.goto(server.base + "/moderation/")
    assert maya.locator("mark.flag", has_text=PHONE).count() >= 1
    capture(maya, "moderation-queue")
    maya.locator("main a[href^='/moderation/']", has_text="#").last.click()  # the newest held comment
    maya.wait_for_load_state()
    if PHONE not in maya.content():  # the demo's held comments come first; open ours
        maya.goto(server.base + "/moderation/")
        row = maya.locator("tr", has=maya.locator("mark.flag", has_text=PHONE)).last
        row.locator("a[href^='/moderation/']").first.click()
        maya.wait_for_load_state()
    assert "[PHONE]" in maya.content()
    capture(maya, "moderation-comment")
    maya.select_option("select[name=action]", "approve_redacted")
    maya.click("main form button[type=submit]")
    maya.wait_for_url(re.compile(r".*/moderation/$"))
    visitor.goto(server.base + ARTICLE)
    assert PHONE not in visitor.content() and "[PHONE]" in visitor.content()

    alice = as_user("alice@demo.bedside")
    alice.goto(server.base + "/moderation/?status=published")
    alice.locator("tr", has_text="getting the flu shot early").locator("a[href^='/moderation/']").first.click()
    alice.wait_for_load_state()
    alice.click("text=Write a public reply")
    alice.wait_for_load_state()
    alice.fill("textarea[name=body]", "You should take 500 mg of vitamin C.")
    alice.click("button[name=check]")
    alice.wait_for_load_state()
    assert "A specific dose is personal advice" in alice.content()
    capture(alice, "reply-linter")
    alice.locator("main nav a").first.click()  # a compliant template
    alice.wait_for_load_state()
    alice.click("button[name=post]")
    alice.wait_for_url(re.compile(r".*/articles/.*#comment-\d+"))
    assert "Dr. Alice Moreno" in alice.content()
