"""One real server and one Chromium for the whole e2e session, plus the helpers every flow uses:
sign in (with MFA), screenshots at desktop and phone sizes, and an axe-core accessibility check.

The server is `bedside serve` (gunicorn, the Huey worker, the mail server) on a scratch var dir
with a fresh SQLite database and the demo practice; mail goes to the console backend, i.e. the
server log, where the tests read invitation links and check notifications.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
PASSWORD = "e2e-demo-password-1"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
MFA_USERS = {"alice", "erin", "charlie", "frank", "nora", "maya", "admin", "sam"}

try:
    from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, sync_playwright
except ImportError:  # pragma: no cover - the dev extra installs it
    sync_playwright = None  # type: ignore[assignment]
    ViewportSize = dict  # type: ignore[misc,assignment]

DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip every e2e test, with the reason, where the browser or its driver is missing."""
    here = Path(__file__).parent
    reason = None
    if not os.path.exists(CHROMIUM):
        reason = "Chromium is not installed (apt-get install chromium)"
    elif sync_playwright is None:
        reason = "playwright is not installed (pip install -e '.[dev]')"
    elif os.environ.get("BEDSIDE_TEST_DB") == "postgres":
        reason = "the browser suite runs its own server on SQLite; it ran in the SQLite pass already"
    if reason is None:
        return
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.skip(reason=reason))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    base: str
    log: Path
    var: Path
    used_codes: set[tuple[str, int]] = field(default_factory=set)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for_log(self, pattern: str, *, timeout: float = 20.0) -> re.Match[str]:
        """Wait until the server log matches PATTERN (a regex); return the last match."""
        deadline = time.time() + timeout
        while True:
            matches = list(re.finditer(pattern, self.log_text()))
            if matches:
                return matches[-1]
            if time.time() > deadline:
                pytest.fail(f"the server log never showed {pattern!r}")
            time.sleep(0.3)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    var = tmp_path_factory.mktemp("e2e-var")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "BEDSIDE_VAR_DIR": str(var),
        "BEDSIDE_DEMO_PASSWORD": PASSWORD,
        "BEDSIDE_DEMO_TOTP_SECRET": SECRET,
        "BEDSIDE_SITE_URL": base,
        "BEDSIDE_SMTP_PORT": str(_free_port()),
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    }
    for key in ("DATABASE_URL", "REDIS_URL", "TEST_DATABASE_URL", "BEDSIDE_TEST_DB"):
        env.pop(key, None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True, timeout=300)
    # The stylesheet is served by WhiteNoise from STATIC_ROOT (in the scratch var dir), as in `make run`;
    # collected while the demo loads, once migrate has created var/secrets.json (no race on it).
    # --no-post-process: the gzip copies only matter to real clients.
    static = subprocess.Popen(
        [*manage, "collectstatic", "--noinput", "--no-post-process", "-v", "0"], env=env, cwd=ROOT
    )
    subprocess.run([*manage, "demo", "--quiet"], env=env, cwd=ROOT, check=True, timeout=300)
    assert static.wait(timeout=300) == 0, "collectstatic failed"
    log_path = var / "serve.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bedside.cli", "serve"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    # Ready when a worker answers a page, not merely when gunicorn binds the port.
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base + "/accounts/login/", timeout=10) as response:  # noqa: S310 - our http URL
                if response.status == 200:
                    break
        except (OSError, urllib.error.URLError):
            time.sleep(0.5)
    else:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("bedside serve did not start: " + log_path.read_text()[-2000:])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield Server(base=base, log=log_path, var=var)
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    assert sync_playwright is not None
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Return a factory of pages, each in its own context (its own cookies); closed after the test."""
    contexts: list[BrowserContext] = []

    def _page(*, phone: bool = False, storage_state: Any = None) -> Page:
        context = browser.new_context(viewport=PHONE if phone else DESKTOP, storage_state=storage_state)
        context.set_default_timeout(30_000)  # the shared CI machine can be slow
        contexts.append(context)
        return context.new_page()

    yield _page
    for context in contexts:
        context.close()


def totp_code(server: Server, email: str) -> str:
    """Return a TOTP code this account has not used yet (a used code is refused as a replay)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    while True:
        now = int(time.time()) // 30
        for counter in (now, now + 1, now - 1):
            if (email, counter) not in server.used_codes:
                server.used_codes.add((email, counter))
                return format_hotp_value(hotp_value(SECRET, counter))
        time.sleep(30 - time.time() % 30 + 0.2)


def sign_in(page: Page, server: Server, email: str) -> None:
    """Sign in through the real forms, answering the MFA step for care-team and auditor accounts."""
    page.goto(server.base + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    if email.split("@")[0] in MFA_USERS:
        page.wait_for_url(re.compile(r".*/accounts/2fa/authenticate/.*"))
        page.fill("input[name=code]", totp_code(server, email))
        page.click("main button[type=submit]")
        page.wait_for_load_state()
    assert "/accounts/login/" not in page.url and "/2fa/authenticate/" not in page.url, f"sign-in failed for {email}"


@pytest.fixture(scope="session")
def signed_in_state(server: Server, browser: Browser) -> Callable[[str], Any]:
    """Return the cookies of a signed-in session per persona, signing in once per session."""
    states: dict[str, Any] = {}

    def _state(email: str) -> Any:
        if email not in states:
            context = browser.new_context(viewport=DESKTOP)
            page = context.new_page()
            sign_in(page, server, email)
            states[email] = context.storage_state()
            context.close()
        return states[email]

    return _state


@pytest.fixture
def as_user(new_page: Callable[..., Page], signed_in_state: Callable[[str], Any]) -> Callable[..., Page]:
    """Return a page signed in as the persona (e.g. "bob@demo.bedside")."""

    def _as(email: str, *, phone: bool = False) -> Page:
        return new_page(phone=phone, storage_state=signed_in_state(email))

    return _as


# --- accessibility and screenshots -------------------------------------------------------------

_AXE_SOURCE: str | None = None


def _axe_source() -> str:
    global _AXE_SOURCE
    if _AXE_SOURCE is None:
        import axe_playwright_python

        _AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
    return _AXE_SOURCE


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.x A/AA and best practices) on the page; return serious/critical violations.

    The script is evaluated through the DevTools protocol, so the page's CSP (no inline scripts)
    neither blocks it nor needs loosening.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations'],
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || ''))}));
        }"""
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def assert_accessible(page: Page, name: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe-core on {name} ({page.url}):\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations
    )


def capture(page: Page, name: str, *, check: bool = True) -> None:
    """Save var/screenshots/<name>-desktop.png and -phone.png and check both layouts with axe-core."""
    original = page.viewport_size or DESKTOP
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.wait_for_timeout(50)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
        if check:
            assert_accessible(page, f"{name} ({label})")
        # Nothing may force a horizontal scroll on a phone.
        if label == "phone":
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{name} scrolls sideways on a phone by {overflow}px"
    page.set_viewport_size(original)
