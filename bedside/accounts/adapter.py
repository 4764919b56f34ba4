from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from bedside.accounts.models import Role


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user.role = Role.PATIENT
        user.full_name = " ".join(str(form.cleaned_data.get("full_name", "")).split())
        return super().save_user(request, user, form, commit=commit)
