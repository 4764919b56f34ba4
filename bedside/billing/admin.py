"""Practice set-up for e-visit billing: each clinician's billing class (physician/QHP or NPP).

Time entries, visits, global periods and e-consults carry PHI and are managed in the app, where
access is checked and audited; the admin shows only the billing class, written through the service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bedside.accounts.models import User
from bedside.billing.models import BillingProvider
from bedside.billing.services import billing_provider_set


@admin.register(BillingProvider)
class BillingProviderAdmin(admin.ModelAdmin):
    list_display = ("user", "billing_class", "updated_at")
    list_filter = ("billing_class",)
    raw_id_fields = ("user",)
    fields = ("user", "billing_class")

    def save_model(self, request: HttpRequest, obj: BillingProvider, form: Any, change: bool) -> None:
        actor = request.user if isinstance(request.user, User) else None
        saved = billing_provider_set(user=obj.user, billing_class=obj.billing_class, actor=actor)
        obj.pk = saved.pk
