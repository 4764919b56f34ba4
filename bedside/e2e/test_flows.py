"""The journeys of issue 9 in a real browser against the real server: a patient invited by the
practice signs up, consents and writes; an emergency is recognised on the spot; a clinician signs
in with MFA and works the queue while staff see only their pool; an auditor verifies the trail
and finds who read a patient's record."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bedside.e2e.conftest import PASSWORD, Server, assert_accessible, capture, sign_in, totp_code

if TYPE_CHECKING:
    from playwright.sync_api import Page

NEW = "new@example.org"
NEW_NAME = "Nadia Newcomb"
NEW_PASSWORD = "first-visit-password-42"


def write_message(page: Page, server: Server, subject: str, body: str, category: str = "medical_question") -> str:
    """Send a new message through the compose form; return the thread's URL."""
    page.goto(server.base + "/messages/new/")
    page.fill("input[name=subject]", subject)
    page.check(f"input[name=category][value={category}]")
    page.fill("textarea[name=body]", body)
    page.click("main form[enctype] button[type=submit]")
    page.wait_for_url(re.compile(r".*/threads/\d+/.*"))
    return page.url.split("?")[0].split("#")[0]


def test_invited_patient_signs_up_consents_and_writes(server: Server, as_user: Callable[..., Page],
                                                      new_page: Callable[..., Page]) -> None:
    erin = as_user("erin@demo.bedside")
    erin.goto(server.base + "/consents/relationships/")
    erin.get_by_role("link", name="Invite a new patient").click()
    erin.fill("input[name=email]", NEW)
    erin.select_option("select[name=method]", "in_person")
    erin.fill("input[name=established_on]", (date.today() - timedelta(days=1)).isoformat())
    erin.select_option("select[name=clinician]", label="Dr. Alice Moreno")
    erin.click("main form button[type=submit]")
    erin.wait_for_load_state()
    assert f"Invitation sent to {NEW}" in erin.inner_text("main")
    capture(erin, "invitations-sent")

    # The email (console backend: the server log) carries the link and nothing about the patient.
    mail = server.wait_for_log(rf"To: {re.escape(NEW)}[\s\S]*?{re.escape(server.base)}/consents/invitations/[\w-]+/")
    link = re.search(rf"{re.escape(server.base)}/consents/invitations/[\w-]+/", mail.group(0))
    assert link is not None
    assert "Riverside" not in mail.group(0) and "Alice" not in mail.group(0)

    nadia = new_page(phone=True)  # a new patient, most likely on a phone
    nadia.goto(link.group(0))
    nadia.wait_for_url(re.compile(r".*/consents/invitations/welcome/$"))  # the token left the address bar
    assert "Riverside Family Medicine" in nadia.inner_text("main")
    capture(nadia, "invitation-welcome")
    nadia.get_by_role("link", name="Create your account").click()
    assert nadia.input_value("input[name=email]") == NEW
    nadia.fill("input[name=full_name]", NEW_NAME)
    nadia.fill("input[name=password1]", NEW_PASSWORD)
    nadia.fill("input[name=password2]", NEW_PASSWORD)
    nadia.click("main button[type=submit]")
    nadia.wait_for_url(re.compile(r".*/consents/invitations/accept/$"))  # connecting takes her own click
    nadia.get_by_role("button", name="Connect with Riverside Family Medicine").click()
    nadia.wait_for_url(re.compile(r".*/consents/$"))
    assert "You are now connected with Riverside Family Medicine" in nadia.inner_text("main")
    capture(nadia, "consents-new-patient")

    # Sign the messaging consent with the typed name.
    nadia.locator(".consent-item", has_text="Secure portal messaging").locator("a.button").click()
    nadia.fill("input[name=typed_name]", NEW_NAME)
    nadia.check("input[name=agree]")
    capture(nadia, "consent-sign")
    nadia.click("main form button[type=submit]")
    nadia.wait_for_url(re.compile(r".*/consents/$"))
    assert "Thank you. You signed" in nadia.inner_text("main")

    # The first message: the auto-reply and the response-time promise appear at once.
    write_message(nadia, server, "Blood test results", "Are my blood test results from last week back yet?")
    text = nadia.inner_text("main")
    assert "Your message was sent — what happens next" in text
    assert "Automatic reply from Riverside Family Medicine" in text
    assert "We aim to reply by" in text and "within 2 business days" in text
    assert_accessible(nadia, "first message (phone)")

    # The link worked once.
    again = new_page()
    response = again.goto(link.group(0))
    assert response is not None and response.status == 409
    assert "already been used" in again.inner_text("main")


def test_chest_pain_shows_emergency_guidance_at_once(server: Server, as_user: Callable[..., Page]) -> None:
    bob = as_user("bob@demo.bedside", phone=True)
    bob.goto(server.base + "/messages/new/")
    assert "call 911" in bob.inner_text(".emergency-banner")
    write_message(bob, server, "Chest", "I have crushing chest pain and can't breathe")
    panel = bob.locator(".emergency-panel[role=alert]")
    assert panel.is_visible()
    assert "Call 911 now" in panel.inner_text()
    assert panel.bounding_box()["y"] < 844  # type: ignore[index]  # above the fold on a phone
    capture(bob, "emergency")


def test_clinician_works_the_queue_and_staff_see_only_their_pool(
    server: Server, as_user: Callable[..., Page], new_page: Callable[..., Page]
) -> None:
    bob = as_user("bob@demo.bedside")
    front_desk = write_message(bob, server, "Rash on my arm", "A red rash appeared on my forearm two days ago.")
    # The CONTRACT demo flow: Bob sees the auto-reply and the response-time promise at once.
    assert "within 2 business days" in bob.inner_text("main")
    nursing = write_message(bob, server, "Refill please", "I need a refill of my lisinopril.", category="prescription")

    alice = new_page()
    sign_in(alice, server, "alice@demo.bedside")  # password, then the TOTP code
    assert alice.url.startswith(server.base + "/queue/")
    path = front_desk.removeprefix(server.base)
    alice.click(f"main a[href='{path}']")
    alice.wait_for_url(re.compile(r".*/threads/\d+/$"))
    alice.fill("textarea[name=body]", "Please send a photo of the rash so I can take a look.")
    alice.click("form[action$='/reply/'] button[type=submit]")
    alice.wait_for_load_state()
    assert "Please send a photo of the rash" in alice.inner_text("main")
    nora = alice.locator("select[name=assignee] option", has_text="Nora").get_attribute("value")
    alice.select_option("select[name=assignee]", nora)
    alice.click("form[action$='/assign/'] button[type=submit]")
    alice.wait_for_load_state()
    assert "Nora" in alice.inner_text("aside")
    alice.click("form[action$='/close/'] button[type=submit]")
    alice.wait_for_load_state()
    assert "This conversation is closed" in alice.inner_text("main")
    capture(alice, "thread-closed")

    bob.goto(front_desk)
    assert "Please send a photo of the rash" in bob.inner_text("main")

    erin = new_page()
    sign_in(erin, server, "erin@demo.bedside")
    response = erin.goto(front_desk)
    assert response is not None and response.status == 200  # the Front desk pool's thread
    response = erin.goto(nursing)
    assert response is not None and response.status == 404  # the Nursing pool's: not hers
    erin.goto(server.base + "/queue/?status=all")
    queue = erin.inner_text("main")
    assert "Refill please" not in queue

    for email in ("charlie@demo.bedside", "dana@demo.bedside"):
        stranger = as_user(email)
        for url in (front_desk, nursing):
            response = stranger.goto(url)
            assert response is not None and response.status == 404, (email, url)
            assert "Rash" not in stranger.content() and "lisinopril" not in stranger.content()
    response = new_page().goto(front_desk)  # a visitor is sent to sign in, learning nothing
    assert response is not None and response.url.startswith(server.base + "/accounts/login/")

    # The worker (Huey, inside `bedside serve`) emailed the care team; the email names nothing
    # from the messages, the patient or the practice.
    server.wait_for_log(r"Subject: You have a new secure message[\s\S]*?To: (alice|erin|nora)@demo\.bedside")
    mails = [m.split("-------")[0].lower() for m in server.log_text().split("Subject: You have a new secure message")[1:]]
    assert mails
    for word in ("rash", "forearm", "lisinopril", "refill", "lindqvist", "riverside"):
        assert all(word not in mail for mail in mails), word


def test_auditor_verifies_the_trail_and_finds_who_read_bobs_record(
    server: Server, as_user: Callable[..., Page], new_page: Callable[..., Page]
) -> None:
    alice = as_user("alice@demo.bedside")
    bob = as_user("bob@demo.bedside")
    thread = write_message(bob, server, "Sleep", "I have trouble sleeping since last month.")
    alice.goto(thread)  # a read of Bob's record the auditor should find

    frank = new_page()
    sign_in(frank, server, "frank@demo.bedside")
    assert frank.url.startswith(server.base + "/audit/")
    frank.fill("input[name=patient]", "bob@demo.bedside")
    frank.click("form.filters button[type=submit]")
    frank.wait_for_load_state()
    frank.locator("main a[href*='/audit/patients/']").first.click()
    frank.wait_for_url(re.compile(r".*/audit/patients/\d+/"))
    text = frank.inner_text("main")
    assert "Who looked at Bob Lindqvist’s record" in text
    assert "Dr. Alice Moreno" in text
    capture(frank, "audit-who-read")

    # Verify the hash chain and Merkle root through the API, with the auditor's own MFA token.
    token = frank.request.post(
        server.base + "/api/v1/auth/token",
        data={"email": "frank@demo.bedside", "password": PASSWORD, "otp": totp_code(server, "frank@demo.bedside")},
    )
    assert token.status == 200, token.text()
    verify = frank.request.get(
        server.base + "/api/v1/audit/verify", headers={"Authorization": f"Bearer {token.json()['token']}"}
    )
    assert verify.status == 200, verify.text()
    body = verify.json()
    # Events are sealed into the tree by the worker a few seconds after they happen: count both,
    # so the check does not depend on how fast the flows before it ran.
    assert body["ok"] is True and body["events"] + body["pending"] > 0 and body["root"]
