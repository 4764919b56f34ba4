"""Practice set-up in the admin: reachable only through MFA sign-in, writes go through services."""

from __future__ import annotations

import pytest

from bedside.consent.models import ConsentDocument, Scope


@pytest.mark.django_db
def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_admin_does_not_expose_messages(web_login, demo):
    client = web_login(demo["admin"])
    index = client.get("/admin/")
    assert index.status_code == 200
    assert b"/admin/messaging/thread/" not in index.content
    assert b"/admin/messaging/message/" not in index.content
    assert client.get("/admin/messaging/message/").status_code == 404


@pytest.mark.django_db
def test_editing_a_consent_document_publishes_a_new_version(web_login, demo, pat_bob):
    client = web_login(demo["admin"])
    current = ConsentDocument.objects.filter(practice__name="Riverside Family Medicine", scope=Scope.PORTAL_MESSAGING).order_by("-version").first()
    response = client.post(
        f"/admin/consent/consentdocument/{current.pk}/change/",
        {"practice": current.practice_id, "scope": current.scope, "title": current.title, "body": current.body + "\n8. New clause."},
    )
    assert response.status_code == 302, response.content[:2000]
    versions = list(ConsentDocument.objects.filter(practice=current.practice, scope=current.scope).values_list("version", flat=True))
    assert sorted(versions) == [current.version, current.version + 1]
    current.refresh_from_db()
    assert "New clause" not in current.body  # the signed version is never edited


@pytest.mark.django_db
def test_non_admin_staff_cannot_open_admin(web_login, staff_erin):
    response = web_login(staff_erin).get("/admin/")
    assert response.status_code == 302
