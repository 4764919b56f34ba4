"""Reuse the browser suite's server, Chromium and sign-in fixtures (bedside/e2e/conftest.py).

Moving test_browser.py into bedside/e2e/ would share that suite's session server.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bedside.e2e import conftest as e2e
from bedside.e2e.conftest import as_user, browser, new_page, server, signed_in_state  # noqa: F401 - fixtures


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    mine = [item for item in items if Path(str(item.fspath)).is_relative_to(here)]
    if not mine:
        return
    e2e.pytest_collection_modifyitems(items)
    # bedside/e2e's hook marks only its own directory: apply its reasons here too.
    probe = [item for item in mine if not item.get_closest_marker("skip")]
    reason = None
    import os

    if not os.path.exists(e2e.CHROMIUM):
        reason = "Chromium is not installed (apt-get install chromium)"
    elif e2e.sync_playwright is None:
        reason = "playwright is not installed (pip install -e '.[dev]')"
    elif os.environ.get("BEDSIDE_TEST_DB") == "postgres":
        reason = "the browser suite runs its own server on SQLite; it ran in the SQLite pass already"
    if reason:
        for item in probe:
            item.add_marker(pytest.mark.skip(reason=reason))
