"""A password change or reset ends the other ways in: API tokens stop working at once."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from bedside.audit.models import AuditEvent


@pytest.mark.django_db
def test_password_change_revokes_api_tokens(api, web_login, pat_bob, password):
    bob_api = api(pat_bob)
    assert bob_api.get("/api/v1/me").status_code == 200
    web = web_login(pat_bob)
    response = web.post(
        "/accounts/password/change/",
        {"oldpassword": password, "password1": "A-much-longer-new-passphrase-9", "password2": "A-much-longer-new-passphrase-9"},
    )
    assert response.status_code == 302, response.content[:500]
    assert bob_api.get("/api/v1/me").status_code == 401
    assert AuditEvent.objects.filter(action="auth.password_changed", actor_id=pat_bob.pk).exists()


@pytest.mark.django_db
def test_password_reset_by_email_revokes_api_tokens(api, pat_bob):
    bob_api = api(pat_bob)
    client = Client()
    client.post("/accounts/password/reset/", {"email": pat_bob.email})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    form = client.get(link.group(1), follow=True)
    new = "Another-long-passphrase-42"
    done = client.post(form.redirect_chain[-1][0] if form.redirect_chain else link.group(1), {"password1": new, "password2": new})
    assert done.status_code == 302
    assert bob_api.get("/api/v1/me").status_code == 401
    pat_bob.refresh_from_db()
    assert pat_bob.check_password(new)
