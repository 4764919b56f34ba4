"""The admin lists publishing data for the practice administrator, and articles stay read-only there
(an edit in the admin would bypass the second-person review)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from bedside.accounts.models import User
from bedside.publishing.models import Article

pytestmark = pytest.mark.django_db


def test_admin_lists_and_articles_are_read_only(demo: dict[str, User], web_login: Callable[[User], Client]) -> None:
    admin = web_login(demo["admin"])
    for model in ("article", "publicprofile", "topic", "series", "trustedresource", "practicepublishing",
                  "channel", "plannedpost"):
        assert admin.get(f"/admin/publishing/{model}/").status_code == 200, model
    article = Article.objects.first()
    assert article is not None
    page = admin.get(f"/admin/publishing/article/{article.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert admin.get("/admin/publishing/article/add/").status_code == 403
