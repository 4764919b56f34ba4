"""Site-wide pages: home redirects by role, the layout (also around allauth's pages), error pages."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client

from bedside.conftest import totp_now
from bedside.core.demo import demo_password

pytestmark = pytest.mark.django_db

FOOTER = "Secure messaging is not for emergencies — call 911."


def text(response) -> str:
    return response.content.decode()


def assert_in_layout(html: str) -> None:
    assert '<html lang="en">' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html and "<header" in html and "<footer" in html
    assert FOOTER in html
    assert "/static/bedside/app.css" in html
    assert "style=" not in html


def test_home_redirects_by_role(web_login, pat_bob, dr_alice, staff_erin, aud_frank, demo):
    assert web_login(pat_bob).get("/")["Location"] == "/inbox/"
    assert web_login(dr_alice).get("/")["Location"] == "/queue/"
    assert web_login(staff_erin).get("/")["Location"] == "/queue/"
    assert web_login(demo["admin"]).get("/")["Location"] == "/queue/"
    assert web_login(aud_frank).get("/")["Location"] == "/audit/"  # the auditor's trail (bedside.audit)
    assert Client().get("/")["Location"].startswith("/accounts/login/")


def test_navigation_depends_on_role(web_login, pat_bob, staff_erin):
    patient = text(web_login(pat_bob).get("/inbox/"))
    assert_in_layout(patient)
    for label in ("Inbox", "New message", "Consents", "Two-factor settings", "Sign out"):
        assert label in patient
    assert 'href="/queue/"' not in patient
    assert '<a href="/inbox/" aria-current="page">Inbox</a>' in patient
    assert 'action="/accounts/logout/"' in patient  # sign-out is a POST

    staff = text(web_login(staff_erin).get("/queue/"))
    assert 'href="/queue/"' in staff and "Two-factor settings" in staff
    assert 'href="/inbox/"' not in staff and 'href="/messages/new/"' not in staff


def test_messages_are_displayed(web_login, pat_bob):
    from bedside.consent.models import Scope
    from bedside.consent.selectors import signature_live
    from bedside.messaging.models import Thread

    client = web_login(pat_bob)
    signature = signature_live(patient=pat_bob, practice=pat_bob.care_relationships.get().practice,
                               scope=Scope.EMAIL_NOTIFICATIONS)
    assert signature is not None
    html = text(client.post(f"/consents/signatures/{signature.pk}/revoke/", follow=True))
    assert 'class="alert alert--success" role="status"' in html and "took effect immediately" in html
    assert Thread.objects.count() == 0


def test_sign_out_is_post(web_login, pat_bob):
    client = web_login(pat_bob)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/inbox/").status_code == 302


# --- allauth pages inside our layout ---------------------------------------------------------------


def test_sign_in_and_sign_up_pages_use_the_layout():
    client = Client()
    for url in ("/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = text(response)
        assert_in_layout(html)
        assert 'class="auth-page"' in html
    assert "Full legal name" in text(client.get("/accounts/signup/"))


def test_mfa_authenticate_page_uses_the_layout(dr_alice):
    client = Client()
    response = client.post("/accounts/login/", {"login": dr_alice.email, "password": demo_password()})
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    page = client.get("/accounts/2fa/authenticate/")
    assert page.status_code == 200
    assert_in_layout(text(page))
    assert 'name="code"' in text(page)
    done = client.post("/accounts/2fa/authenticate/", {"code": totp_now()})
    assert done.status_code == 302
    assert client.get("/")["Location"] == "/queue/"

    index = client.get("/accounts/2fa/")
    assert index.status_code == 200
    assert_in_layout(text(index))
    # Recovery codes ask to re-enter the password first (allauth's reauthentication).
    response = client.get("/accounts/2fa/recovery-codes/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    assert_in_layout(text(client.get(response["Location"])))
    assert client.post(response["Location"], {"password": demo_password()}).status_code == 302
    codes = client.get("/accounts/2fa/recovery-codes/")
    assert codes.status_code == 200
    html = text(codes)
    assert_in_layout(html)
    assert "Recovery Codes" in html


def test_totp_activation_page_uses_the_layout(pat_bob):
    client = Client()
    response = client.post("/accounts/login/", {"login": pat_bob.email, "password": demo_password()})
    assert response.status_code == 302
    redirect = client.get("/accounts/2fa/totp/activate/")
    assert redirect.status_code == 302 and redirect["Location"].startswith("/accounts/reauthenticate/")
    assert client.post(redirect["Location"], {"password": demo_password()}).status_code == 302
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    html = text(page)
    assert_in_layout(html)
    assert "Activate Authenticator App" in html and "data:image/svg+xml" in html


def test_wrong_password_shows_error_in_layout(pat_bob):
    response = Client().post("/accounts/login/", {"login": pat_bob.email, "password": "wrong-password"})
    assert response.status_code == 200
    html = text(response)
    assert_in_layout(html)
    assert "not correct" in html


# --- error pages ---------------------------------------------------------------------------------


def test_404_page_is_friendly(web_login, pat_bob):
    for client in (Client(), web_login(pat_bob)):
        response = client.get("/no/such/page/")
        assert response.status_code == 404
        html = text(response)
        assert "We can’t find that page" in html
        assert_in_layout(html)
        assert "Traceback" not in html and "urlpatterns" not in html


def test_500_page_is_standalone():
    html = render_to_string("errors/500.html")
    assert "Something went wrong on our side" in html and FOOTER in html
    assert '<html lang="en">' in html and "style=" not in html


def test_403_page_renders(rf, pat_bob):
    from bedside.core.views import error_403

    request = rf.get("/")
    request.user = pat_bob
    response = error_403(request)
    assert response.status_code == 403 and "isn’t available to your account" in text(response)


def test_stylesheet_is_served(pat_bob, settings):
    from django.contrib.staticfiles import finders

    path = finders.find("bedside/app.css")
    assert path is not None
    with open(path, encoding="utf-8") as handle:
        css = handle.read()
    assert ":focus-visible" in css and ".skip-link" in css and "@media" in css
