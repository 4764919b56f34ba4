"""Reads of the audit trail: what an auditor may see, inclusion and consistency proofs."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from bedside.accounts.models import PracticeMembership, Role, User
from bedside.audit import keys
from bedside.audit.merkle import build_levels, consistency_proof, inclusion_proof, root_of
from bedside.audit.models import AuditEvent, AuditLeaf, AuditTreeHead
from bedside.audit.services import head_as_dict, tree_state
from bedside.core.errors import InvalidInput, NotFound


def auditor_practice_ids(user: Any) -> list[int]:
    """Return the practices whose trail the user audits (empty for anyone but an active auditor)."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "role", None) != Role.AUDITOR:
        return []
    return list(PracticeMembership.objects.filter(user=user, is_active=True).values_list("practice_id", flat=True))


def events_visible_to_auditor(*, practice_ids: list[int]) -> QuerySet[AuditEvent]:
    """Return the events of the practices: about them, their patients, or by their members."""
    from bedside.consent.models import CareRelationship

    members = PracticeMembership.objects.filter(practice_id__in=practice_ids).values("user_id")
    patients = CareRelationship.objects.filter(practice_id__in=practice_ids).values("patient_id")
    return AuditEvent.objects.filter(
        Q(practice_id__in=practice_ids) | Q(patient_id__in=patients) | Q(actor_id__in=members)
    )


def users_by_id(ids: set[int]) -> dict[int, User]:
    return {user.pk: user for user in User.objects.filter(pk__in=ids).select_related("clinician_profile")}


def _leaf_levels(size: int) -> list[bytes]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT leaf_hash FROM audit_auditleaf WHERE leaf_index < %s ORDER BY leaf_index", [size])
        data = b"".join(bytes(row[0]) for row in cursor.fetchall())
    return build_levels(data)


def _head_for(size: int) -> dict[str, Any] | None:
    head = AuditTreeHead.objects.filter(tree_size=size).order_by("-id").first()
    return head_as_dict(head) if head else None


def _default_size() -> int:
    head = AuditTreeHead.objects.order_by("-tree_size", "-id").first()
    return head.tree_size if head else tree_state()[0]


def proof_inclusion(*, event_id: int, tree_size: int | None = None) -> dict[str, Any]:
    """Return the RFC 6962 inclusion proof of one event in the tree of `tree_size` leaves.

    The size defaults to the latest signed tree head, whose signature the client checks too.
    """
    leaf = AuditLeaf.objects.filter(event_id=event_id).first()
    if leaf is None:
        raise NotFound(f"Event #{event_id} is not in the tree (unknown, or not sealed yet).")
    size = tree_size if tree_size is not None else _default_size()
    current = tree_state()[0]
    if not leaf.leaf_index < size <= current:
        raise InvalidInput(f"Event #{event_id} is leaf {leaf.leaf_index}; choose a tree size from "
                           f"{leaf.leaf_index + 1} to {current}.", field="tree_size")
    levels = _leaf_levels(size)
    return {
        "event_id": event_id,
        "leaf_index": leaf.leaf_index,
        "tree_size": size,
        "leaf_hash": bytes(leaf.leaf_hash).hex(),
        "root": root_of(levels).hex(),
        "proof": [node.hex() for node in inclusion_proof(levels, leaf.leaf_index, size)],
        "tree_head": _head_for(size),
    }


def proof_consistency(*, first: int, second: int | None = None) -> dict[str, Any]:
    """Return the RFC 6962 consistency proof that the tree of `second` leaves extends that of `first`."""
    current = tree_state()[0]
    second = second if second is not None else _default_size()
    if not 0 < first <= second <= current:
        raise InvalidInput(f"Choose tree sizes with 0 < first <= second <= {current}.", field="first")
    levels = _leaf_levels(second)
    return {
        "first": first,
        "second": second,
        "first_root": root_of(levels, first).hex(),
        "second_root": root_of(levels).hex(),
        "proof": [node.hex() for node in consistency_proof(levels, first, second)],
        "first_tree_head": _head_for(first),
        "second_tree_head": _head_for(second),
    }


def tree_heads(*, limit: int = 50) -> dict[str, Any]:
    """Return the latest signed tree heads and the public keys that verify them."""
    import base64

    heads = [head_as_dict(h) for h in AuditTreeHead.objects.order_by("-tree_size", "-id")[:limit]]
    public = {kid: base64.b64encode(keys.public_raw(key)).decode("ascii") for kid, key in keys.verify_keys().items()}
    return {"items": heads, "public_keys": public}
