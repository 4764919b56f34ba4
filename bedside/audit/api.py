"""The audit API: verify the trail, prove an event's inclusion and two tree heads' consistency.

Auditors only: everyone else gets 403 {"code": "forbidden"}. Answers carry hashes, sizes and
event ids, never PHI; every call is itself recorded in the trail.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from bedside.accounts.models import Role, User
from bedside.audit import selectors
from bedside.audit.models import Action, Outcome
from bedside.audit.services import audit_record
from bedside.audit.verification import audit_verify
from bedside.core.errors import Forbidden

router = Router(tags=["audit"])


class ErrorOut(Schema):
    code: str
    message: str


class ProblemOut(Schema):
    kind: str
    message: str
    event_id: int | None
    leaf_index: int | None


class VerifyOut(Schema):
    ok: bool
    events: int = Field(description="Events in the tree, each recomputed from its row.")
    root: str = Field(description="The recomputed Merkle root (hex).")
    pending: int = Field(description="Events written but not sealed into the tree yet.")
    heads_checked: int
    first_bad_event: int | None
    first_problem: str | None
    problems: list[ProblemOut]
    latest_head: dict[str, Any] | None


class InclusionQuery(Schema):
    event_id: int = Field(ge=1, le=2**63 - 1)
    tree_size: int | None = Field(default=None, ge=1, le=2**63 - 1)


class ConsistencyQuery(Schema):
    first: int = Field(ge=1, le=2**63 - 1)
    second: int | None = Field(default=None, ge=1, le=2**63 - 1)


def _auditor(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    if user.role != Role.AUDITOR:
        audit_record(action=Action.AUDIT_VERIFY, actor=user, request=request, outcome=Outcome.DENIED)
        raise Forbidden("Only auditors may use the audit API.", code="forbidden")
    return user


@router.get("/verify", response={200: VerifyOut, 401: ErrorOut, 403: ErrorOut})
def verify(request: HttpRequest) -> dict[str, Any]:
    """Recompute the tree from every row and check it against the signed tree heads."""
    user = _auditor(request)
    result = audit_verify()
    audit_record(action=Action.AUDIT_VERIFY, actor=user, request=request,
                 outcome=Outcome.SUCCESS if result.ok else Outcome.FAILURE,
                 detail={"events": result.events, "ok": result.ok, "first_bad_event": result.first_bad_event})
    return result.as_dict()


@router.get("/proof/inclusion", response={200: dict[str, Any], 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def proof_inclusion(request: HttpRequest, q: Query[InclusionQuery]) -> dict[str, Any]:
    """The RFC 6962 audit path of one event (default: in the latest signed tree head)."""
    user = _auditor(request)
    proof = selectors.proof_inclusion(event_id=q.event_id, tree_size=q.tree_size)
    audit_record(action=Action.AUDIT_PROOF, actor=user, request=request, object_type="auditevent",
                 object_id=q.event_id, detail={"tree_size": proof["tree_size"]})
    return proof


@router.get("/proof/consistency", response={200: dict[str, Any], 400: ErrorOut, 401: ErrorOut, 403: ErrorOut})
def proof_consistency(request: HttpRequest, q: Query[ConsistencyQuery]) -> dict[str, Any]:
    """The RFC 6962 consistency proof between two tree sizes (default second: the latest signed head)."""
    user = _auditor(request)
    proof = selectors.proof_consistency(first=q.first, second=q.second)
    audit_record(action=Action.AUDIT_PROOF, actor=user, request=request,
                 detail={"first": proof["first"], "second": proof["second"]})
    return proof


@router.get("/tree-heads", response={200: dict[str, Any], 401: ErrorOut, 403: ErrorOut})
def tree_heads(request: HttpRequest) -> dict[str, Any]:
    """The latest signed tree heads and the Ed25519 public keys (base64) that verify them."""
    user = _auditor(request)
    audit_record(action=Action.AUDIT_VIEW, actor=user, request=request, object_type="audittreehead")
    return selectors.tree_heads()
