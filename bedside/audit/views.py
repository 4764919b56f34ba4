"""The auditor's pages: search the trail, export it as CSV, see who looked at a patient's record.

Only auditors of a practice see these pages, and only its events (about the practice, its
patients or by its members); everyone else gets the same 404 as for a page that does not exist.
Every page an auditor opens is itself recorded in the trail (audit.view, audit.export).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max, Min
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from bedside.accounts.models import User
from bedside.audit.forms import AuditFilterForm
from bedside.audit.models import Action, AuditEvent
from bedside.audit.selectors import auditor_practice_ids, events_visible_to_auditor, users_by_id
from bedside.audit.services import audit_record
from bedside.core.web import current_user

PAGE_SIZE = 50
CSV_COLUMNS = ["id", "at", "actor_id", "actor_role", "action", "outcome", "object_type", "object_id",
               "patient_id", "practice_id", "channel", "detail"]


def _scope(request: HttpRequest) -> tuple[User, list[int]]:
    """Return the auditor and their practices, or 404 for anyone else."""
    user = current_user(request)
    practice_ids = auditor_practice_ids(user)
    if not practice_ids:
        raise Http404()
    return user, practice_ids


def _ordering(sort: str) -> list[str]:
    """Return a total order: the chosen sort, then newest first (oldest first when sorting by time)."""
    if sort == "at":
        return ["at", "id"]
    return [sort, "-id"] if sort == "-at" else [sort, "-at", "-id"]


def _query_string(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
@require_GET
def events(request: HttpRequest) -> HttpResponse:
    """Search, filter and sort the trail of the auditor's practices, 50 events a page."""
    user, practice_ids = _scope(request)
    form = AuditFilterForm(request.GET or None)
    query, sort, ignored, filtered = form.filters() if request.GET else (None, "-at", [], False)
    events_qs = events_visible_to_auditor(practice_ids=practice_ids)
    if query is not None:
        events_qs = events_qs.filter(query)
    events_qs = events_qs.order_by(*_ordering(sort))
    page = Paginator(events_qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    people = users_by_id({i for e in rows for i in (e.actor_id, e.patient_id) if i})
    audit_record(action=Action.AUDIT_VIEW, actor=user, request=request, object_type="auditevent",
                 practice_id=practice_ids[0],
                 detail={"count": len(rows), "page": page.number, "filtered": filtered})
    return render(request, "audit/events.html", {
        "form": form, "page": page, "rows": [(e, people.get(e.actor_id or 0), people.get(e.patient_id or 0)) for e in rows],
        "ignored": ignored, "filtered": filtered, "page_query": _query_string(request),
    })


def _csv_lines(queryset: Any) -> Iterator[str]:
    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())
    yield writer.writerow(CSV_COLUMNS)
    for row in queryset.values_list(*CSV_COLUMNS).iterator(chunk_size=2000):
        values = list(row)
        values[1] = values[1].isoformat()
        values[-1] = json.dumps(values[-1], sort_keys=True)
        yield writer.writerow(["" if v is None else v for v in values])


@login_required
@require_GET
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Stream the filtered events as CSV: ids and codes only, no names, addresses or text (no PHI)."""
    user, practice_ids = _scope(request)
    form = AuditFilterForm(request.GET or None)
    query, sort, _, filtered = form.filters() if request.GET else (None, "-at", [], False)
    events_qs = events_visible_to_auditor(practice_ids=practice_ids)
    if query is not None:
        events_qs = events_qs.filter(query)
    events_qs = events_qs.order_by(*_ordering(sort))
    audit_record(action=Action.AUDIT_EXPORT, actor=user, request=request, object_type="auditevent",
                 practice_id=practice_ids[0], detail={"count": events_qs.count(), "filtered": filtered})
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(_csv_lines(events_qs), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response


@login_required
@require_GET
def patient_access(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Who looked at this patient's record: every event about the patient, grouped by who acted."""
    user, practice_ids = _scope(request)
    from bedside.consent.models import CareRelationship

    if not CareRelationship.objects.filter(patient_id=patient_id, practice_id__in=practice_ids).exists():
        raise Http404()
    patient = User.objects.filter(pk=patient_id).first()
    if patient is None:
        raise Http404()
    about = AuditEvent.objects.filter(patient_id=patient_id)
    groups = list(about.values("actor_id", "actor_role")
                  .annotate(count=Count("id"), first=Min("at"), last=Max("at")).order_by("-last"))
    actions: dict[tuple[Any, Any], list[tuple[str, int]]] = {}
    for row in about.values("actor_id", "actor_role", "action").annotate(count=Count("id")).order_by("action"):
        actions.setdefault((row["actor_id"], row["actor_role"]), []).append((row["action"], row["count"]))
    people = users_by_id({g["actor_id"] for g in groups if g["actor_id"]})
    labels = dict(Action.choices)
    audit_record(action=Action.AUDIT_VIEW, actor=user, request=request, object_type="user", object_id=patient_id,
                 patient_id=patient_id, practice_id=practice_ids[0], detail={"who_looked": True, "actors": len(groups)})
    rows = [
        {**g, "person": people.get(g["actor_id"] or 0),
         "actions": [(labels.get(a, a), n) for a, n in actions.get((g["actor_id"], g["actor_role"]), [])]}
        for g in groups
    ]
    return render(request, "audit/patient.html", {"patient": patient, "rows": rows, "total": about.count()})
