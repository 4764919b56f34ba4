"""Write audit rows. Call inside the transaction of the change or read being recorded."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from bedside.audit.models import Action, AuditEvent, Outcome

_ALLOWED_DETAIL_TYPES = (int, bool, type(None))


def client_ip(request: HttpRequest | None) -> str | None:
    """Return the client address Django saw (a reverse proxy must set REMOTE_ADDR correctly)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _clean_detail(detail: dict[str, Any] | None) -> dict[str, Any]:
    """Keep detail to ids, flags and short machine codes so no free text reaches the trail."""
    cleaned: dict[str, Any] = {}
    for key, value in (detail or {}).items():
        if isinstance(value, _ALLOWED_DETAIL_TYPES):
            cleaned[key] = value
        elif isinstance(value, str) and len(value) <= 64 and value.replace("_", "").replace(".", "").replace("-", "").isalnum():
            cleaned[key] = value
        else:
            raise ValueError(f"audit detail {key!r} must be an id, flag or short code")
    return cleaned


def audit_record(
    *,
    action: Action | str,
    actor: Any = None,
    obj: Any = None,
    object_type: str = "",
    object_id: Any = "",
    patient_id: int | None = None,
    practice_id: int | None = None,
    request: HttpRequest | None = None,
    ip: str | None = None,
    channel: str | None = None,
    outcome: Outcome | str = Outcome.SUCCESS,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit row describing who did what to which record."""
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or obj.pk
    actor_id = getattr(actor, "pk", None) if actor is not None and getattr(actor, "is_authenticated", False) else None
    if channel is None:
        channel = getattr(request, "bedside_channel", "web") if request is not None else "worker"
    return AuditEvent.objects.create(
        actor_id=actor_id,
        actor_role=getattr(actor, "role", "") if actor_id else "",
        action=str(action),
        outcome=str(outcome),
        object_type=object_type,
        object_id=str(object_id) if object_id not in (None, "") else "",
        patient_id=patient_id,
        practice_id=practice_id,
        ip=ip or client_ip(request),
        channel=channel,
        detail=_clean_detail(detail),
    )
