"""The practice administrator sets a clinician's billing class in the admin, through the service."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from bedside.accounts.models import User
from bedside.audit.models import AuditEvent
from bedside.billing.models import BillingProvider


def test_admin_sets_billing_class_through_the_service(demo: dict[str, User], dr_charlie: User,
                                                      web_login: Callable[[User], Client]) -> None:
    client = web_login(demo["admin"])
    response = client.post("/admin/billing/billingprovider/add/", {"user": dr_charlie.pk, "billing_class": "npp"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert BillingProvider.objects.get(user=dr_charlie).billing_class == "npp"
    event = AuditEvent.objects.filter(action="billing.provider_set").latest("id")
    assert event.actor_id == demo["admin"].pk and event.detail == {"billing_class": "npp"}
    assert client.get("/admin/billing/billingprovider/").status_code == 200
