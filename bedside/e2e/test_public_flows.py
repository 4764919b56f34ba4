"""A visitor asks a personal health question under an article: it is held, not published, and the
visitor is kindly pointed to the right channel; the moderator sees why, highlighted in the text."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from bedside.e2e.conftest import Server, assert_accessible, capture

if TYPE_CHECKING:
    from playwright.sync_api import Page

ARTICLE = "/articles/getting-ready-for-flu-season/"
QUESTION = "I have had a bad headache for three days. Should I take ibuprofen or go see my doctor?"


def test_personal_question_is_held_and_redirected_kindly(
    server: Server, new_page: Callable[..., Page], as_user: Callable[..., Page]
) -> None:
    visitor = new_page(phone=True)
    visitor.goto(server.base + "/learn/")
    capture(visitor, "articles")
    visitor.goto(server.base + ARTICLE)
    capture(visitor, "article")
    visitor.fill("#comments textarea[name=body]", QUESTION)
    visitor.fill("#comments input[name=display_name]", "Robin")
    visitor.fill("#comments input[name=email]", "robin@example.org")
    visitor.click("#comments button[type=submit]")
    visitor.wait_for_load_state()
    main = visitor.inner_text("main")
    assert "personal medical advice" in main or "secure" in main.lower()
    assert visitor.locator(".callout").count() >= 1  # the kind redirection
    assert "ibuprofen" not in main  # nothing of what they wrote is echoed back
    capture(visitor, "comment-received")

    visitor.goto(server.base + ARTICLE)
    assert "ibuprofen" not in visitor.inner_text("#comments")  # not published

    maya = as_user("maya@demo.bedside")
    maya.goto(server.base + "/moderation/")
    row = maya.locator("tr", has_text="ibuprofen").last
    assert row.count() == 1
    assert row.locator("mark").count() >= 1, "the screening's reasons are highlighted in the comment"
    flags = row.inner_text().lower()
    assert "advice" in flags
    assert_accessible(maya, "moderation queue")
    row.locator("a[href^='/moderation/']").first.click()
    maya.wait_for_url(re.compile(r".*/moderation/\d+/$"))
    assert maya.locator("mark").count() >= 1
    capture(maya, "moderation-held-question")
