"""The CONTRACT demo flow in a real browser against the real server (`bedside serve`: gunicorn
and the Huey worker) on a scratch SQLite database: Bob writes, Alice signs in with MFA and
replies, Erin sees it, Charlie and Dana get 404, Gus is asked for consent, and the worker sends
Alice a PHI-free notification."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "e2e-demo-password-1"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

try:
    from playwright.sync_api import Page, sync_playwright
except ImportError:  # pragma: no cover - the dev extra installs it
    sync_playwright = None  # type: ignore[assignment]

pytestmark = [
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium is not installed (apt-get install chromium)"),
    pytest.mark.skipif(sync_playwright is None, reason="playwright is not installed (pip install -e '.[dev]')"),
    pytest.mark.skipif(
        os.environ.get("BEDSIDE_TEST_DB") == "postgres",
        reason="the browser flow runs its own server on SQLite; it ran in the SQLite pass already",
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    var = tmp_path_factory.mktemp("var")
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "BEDSIDE_VAR_DIR": str(var),
        "BEDSIDE_DEMO_PASSWORD": PASSWORD,
        "BEDSIDE_DEMO_TOTP_SECRET": SECRET,
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
    }
    for key in ("DATABASE_URL", "REDIS_URL", "TEST_DATABASE_URL"):
        env.pop(key, None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True, timeout=180)
    subprocess.run([*manage, "demo", "--quiet"], env=env, cwd=ROOT, check=True, timeout=120)
    log = open(var / "serve.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bedside.cli", "serve"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("bedside serve did not start: " + (var / "serve.log").read_text()[-2000:])
    yield base, var / "serve.log"
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.close()


def _totp(offset: int = 0) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(SECRET, int(time.time()) // 30 + offset))


def _sign_in(page: Page, base: str, email: str, *, mfa: bool = False) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    if mfa:
        page.wait_for_url(re.compile(r".*/accounts/2fa/authenticate/.*"))
        page.fill("input[name=code]", _totp())
        page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"sign-in failed for {email}"


def test_demo_flow_in_chromium(server: tuple[str, Path]) -> None:
    base, log_path = server
    assert sync_playwright is not None
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )

        def page() -> Page:
            return browser.new_context(viewport={"width": 1280, "height": 800}).new_page()

        bob = page()
        _sign_in(bob, base, "bob@demo.bedside")
        bob.goto(base + "/messages/new/")
        assert "call 911" in bob.content()
        bob.fill("input[name=subject]", "Vaccination record")
        bob.check("input[name=category][value=medical_question]")
        bob.fill("textarea[name=body]", "Could you send me a copy of my vaccination record for my new job?")
        bob.click("main form[enctype] button[type=submit]")
        bob.wait_for_url(re.compile(r".*/threads/\d+/.*"))
        thread_url = bob.url.split("?")[0]
        assert "within 2 business days" in bob.content()

        alice = page()
        _sign_in(alice, base, "alice@demo.bedside", mfa=True)
        alice.goto(base + "/queue/")
        path = thread_url.removeprefix(base)
        assert path in alice.content()
        alice.goto(thread_url)
        alice.fill("textarea[name=body]", "Please book a visit this week so we can examine it.")
        alice.click("form[action$='/reply/'] button[type=submit]")
        alice.wait_for_load_state()
        assert "Please book a visit this week" in alice.content()

        bob.goto(thread_url)
        assert "Please book a visit this week" in bob.content()

        erin = page()
        _sign_in(erin, base, "erin@demo.bedside", mfa=True)
        assert erin.goto(thread_url).status == 200

        charlie = page()
        _sign_in(charlie, base, "charlie@demo.bedside", mfa=True)
        assert charlie.goto(thread_url).status == 404
        dana = page()
        _sign_in(dana, base, "dana@demo.bedside")
        assert dana.goto(thread_url).status == 404
        assert page().goto(thread_url).url.startswith(base + "/accounts/login/")

        gus = page()
        _sign_in(gus, base, "gus@demo.bedside")
        response = gus.goto(base + "/messages/new/")
        assert response.status == 403
        assert "consent" in gus.content().lower()
        browser.close()

    # The worker delivered the care team's notification; it names nothing from the message.
    deadline = time.time() + 20
    log = ""
    while time.time() < deadline:
        log = log_path.read_text()
        if "You have a new secure message" in log:
            break
        time.sleep(0.5)
    assert "Subject: You have a new secure message" in log
    assert "To: alice@demo.bedside" in log or "To: erin@demo.bedside" in log
    mails = log.split("Subject: You have a new secure message")[1:]
    assert all("vaccination" not in m.split("----")[0].lower() for m in mails)
