"""The authorization matrix (issue 8, item 1): every route × every persona, with the expected outcome.

Routes are read from the URL configuration and the API operations from the OpenAPI schema; a
route or operation without a row below fails `test_every_route_has_a_row` ("new endpoint without a
row"). Each cell runs inside a rolled-back savepoint, so every persona meets the same data.

Outcomes (one token per persona, in the order of PERSONAS):
  ok   2xx                       go   3xx somewhere other than the sign-in page
  L    not signed in: 302 to the sign-in page (web) or 401 (API, FHIR)
  400 / 403 / 404 / 405          exactly that status
  *    anything but a 5xx (public pages whose answer depends on the session, e.g. allauth)

Personas: anonymous; Bob (the owner: his thread, consents, attachment); Alice (his clinician) and
Erin (front desk of his practice, in the pool that reads his messages): the care team; Charlie
(clinician of another practice); Dana (another patient); Oscar (staff of another practice); Frank
(auditor of Bob's practice).

To add a row for a new endpoint: run
  BEDSIDE_MATRIX_PRINT=1 .venv/bin/pytest -q bedside/core/tests/test_authz_matrix.py -k every_route -s
which prints the observed outcomes of the missing routes as rows; check each against the policy
(never copy a 200 where a stranger should get 404) and paste them into ROWS.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from bedside.accounts import services as accounts
from bedside.accounts.models import Practice, Role, User
from bedside.consent.models import CareRelationship, ConsentDocument, ConsentSignature, Scope
from bedside.core.demo import demo_totp_secret
from bedside.messaging.attachments import attachment_clean
from bedside.messaging.models import Attachment
from bedside.messaging.services import message_send, thread_create

pytestmark = pytest.mark.django_db

PERSONAS = ("anon", "bob", "alice", "erin", "charlie", "dana", "oscar", "frank")
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@dataclass(frozen=True)
class Row:
    method: str
    route: str  # the pattern exactly as the URL resolver spells it
    url: str  # the concrete URL, with {placeholders} filled from the `world` fixture
    expect: str  # one outcome token per persona, in PERSONAS order
    data: Any = None  # POST body (a form dict, or a JSON-able object for the API)


def R(method: str, route: str, url: str, expect: str, data: Any = None) -> Row:
    tokens = expect.split()
    assert len(tokens) == len(PERSONAS), (route, expect)
    return Row(method, route, url, expect, data)


THREAD_IN = {"subject": "Matrix", "category": "other", "body": "Checking who may write here."}

# fmt: off
#          method  route                                          url                                  anon bob alice erin charlie dana oscar frank
ROWS: list[Row] = [
    # --- core, consent, audit, messaging, triage, records (web) ---
    R("GET", "", "/", "L go go go go go go go"),
    R("GET", "consents/", "/consents/", "L ok go go go ok go 404"),
    R("GET", "consents/documents/<int:pk>/", "/consents/documents/{document}/", "L ok ok ok 404 404 404 ok"),
    R("POST", "consents/signatures/<int:pk>/revoke/",          "/consents/signatures/{signature}/revoke/", "L go 404 404 404 404 404 404"),
    R("GET", "consents/relationships/", "/consents/relationships/", "L 404 ok ok ok 404 ok 404"),
    R("GET", "consents/relationships/new/", "/consents/relationships/new/", "L 404 ok ok ok 404 ok 404"),
    R("POST", "consents/relationships/<int:pk>/end/", "/consents/relationships/{relationship}/end/", "L 404 400 400 404 404 404 404", {"reason": ""}),
    R("GET", "audit/", "/audit/", "L 404 404 404 404 404 404 ok"),
    R("GET", "audit/export.csv", "/audit/export.csv", "L 404 404 404 404 404 404 ok"),
    R("GET", "audit/patients/<int:patient_id>/", "/audit/patients/{bob}/", "L 404 404 404 404 404 404 ok"),
    R("GET", "inbox/", "/inbox/", "L ok go go go ok go 404"),
    R("GET", "messages/new/", "/messages/new/", "L ok 404 404 404 ok 404 404"),
    R("GET",  "threads/<int:pk>/",                             "/threads/{thread}/",                  "L    ok  ok  ok  404 404 404 404"),
    R("POST", "threads/<int:pk>/reply/",                       "/threads/{thread}/reply/",            "L    go  go  go  404 404 404 404", {"body": "Matrix reply."}),
    R("POST", "threads/<int:pk>/assign/",                      "/threads/{thread}/assign/",           "L    404 go  go  404 404 404 404", {"assignee": ""}),
    R("POST", "threads/<int:pk>/close/",                       "/threads/{thread}/close/",            "L    404 go  go  404 404 404 404"),
    R("POST", "threads/<int:pk>/reopen/",                      "/threads/{thread}/reopen/",           "L    404 go  go  404 404 404 404"),
    R("GET",  "attachments/<int:pk>/",                         "/attachments/{attachment}/",          "L    ok  ok  ok  404 404 404 404"),
    R("GET", "queue/", "/queue/", "L 404 ok ok ok 404 ok 404"),
    R("GET", "metrics/", "/metrics/", "L 404 ok ok ok 404 ok 404"),
    R("GET", "coverage/", "/coverage/", "L 404 ok 404 ok 404 404 404"),
    R("POST", "coverage/<int:pk>/cancel/",                     "/coverage/{coverage}/cancel/",        "L    404 go  404 404 404 404 404"),
    R("GET",  "threads/<int:pk>/transcript.pdf",               "/threads/{thread}/transcript.pdf",    "L    404 ok  ok  404 404 404 404"),
    R("GET",  "threads/<int:pk>/transcripts/<int:tid>.pdf",    "/threads/{thread}/transcripts/{transcript}.pdf", "L 404 ok ok 404 404 404 404"),
    # --- FHIR (EHR-client or auditor bearer; everyone else is refused) ---
    R("GET",  "fhir/metadata",                                 "/fhir/metadata",                      "ok   ok  ok  ok  ok  ok  ok  ok"),
    R("GET",  "fhir/.well-known/smart-configuration",          "/fhir/.well-known/smart-configuration", "ok ok ok ok ok ok ok ok"),
    R("POST", "fhir/auth/token",                               "/fhir/auth/token",                    "400  400 400 400 400 400 400 400", {}),
    R("GET",  r"fhir/^Patient/(?P<rid>[A-Za-z0-9\-.]{1,64})/\$everything$", "/fhir/Patient/{bob}/$everything", "L 403 403 403 403 403 403 ok"),
    R("GET",  r"fhir/^(?P<rtype>[A-Z][A-Za-z]{1,40})/(?P<rid>[A-Za-z0-9\-.]{1,64})$", "/fhir/Patient/{bob}", "L 403 403 403 403 403 403 ok"),
    R("GET",  r"fhir/^(?P<rtype>[A-Z][A-Za-z]{1,40})/?$",      "/fhir/Communication?subject=Patient/{bob}", "L 403 403 403 403 403 403 ok"),
    R("GET",  "fhir/^(?P<rest>.*)$",                           "/fhir/nothing/here/at/all",           "404  404 404 404 404 404 404 404"),
    # --- REST API (bearer) ---
    # (the proofs: Frank passes the auditor gate; no tree head is signed yet, so 404 / 400 is the answer)
    R("GET",  "api/v1/openapi.json",                           "/api/v1/openapi.json",                "ok   ok  ok  ok  ok  ok  ok  ok"),
    R("GET",  "api/v1/docs",                                   "/api/v1/docs",                        "ok   ok  ok  ok  ok  ok  ok  ok"),
    R("GET",  "api/v1/",                                       "/api/v1/",                            "404  404 404 404 404 404 404 404"),
    R("GET",  "api/v1/^.*$",                                   "/api/v1/no/such/thing",               "404  404 404 404 404 404 404 404"),
    R("POST", "api/v1/auth/token",                             "/api/v1/auth/token",                  "400  400 400 400 400 400 400 400", {}),
    R("POST", "api/v1/auth/revoke",                            "/api/v1/auth/revoke",                 "L    ok  ok  ok  ok  ok  ok  ok"),
    R("GET",  "api/v1/me",                                     "/api/v1/me",                          "L    ok  ok  ok  ok  ok  ok  ok"),
    R("GET",  "api/v1/audit/verify",                           "/api/v1/audit/verify",                "L    403 403 403 403 403 403 ok"),
    R("GET",  "api/v1/audit/proof/inclusion",                  "/api/v1/audit/proof/inclusion?event_id=1", "L 403 403 403 403 403 403 404"),
    R("GET",  "api/v1/audit/proof/consistency",                "/api/v1/audit/proof/consistency?first=1&second=1", "L 403 403 403 403 403 403 400"),
    R("GET",  "api/v1/audit/tree-heads",                       "/api/v1/audit/tree-heads",            "L    403 403 403 403 403 403 ok"),
    R("GET", "api/v1/threads", "/api/v1/threads", "L ok ok ok ok ok ok ok"),
    R("POST", "api/v1/threads",                                "/api/v1/threads",                     "L    ok  403 403 403 ok  403 403", THREAD_IN),
    R("GET",  "api/v1/threads/<thread_id>",                    "/api/v1/threads/{thread}",            "L    ok  ok  ok  404 404 404 404"),
    R("POST", "api/v1/threads/<thread_id>/messages",           "/api/v1/threads/{thread}/messages",   "L    ok  ok  ok  404 404 404 404", {"body": "Matrix."}),
    # --- newer apps: publishing, moderation, billing, follow-up, invitations, break-glass ---
    R("GET", "access/emergency/", "/access/emergency/", "L 404 ok 404 ok 404 404 404"),
    R("POST", "access/emergency/", "/access/emergency/", "L 404 400 404 400 404 404 404"),
    R("GET", "access/emergency/review/", "/access/emergency/review/", "L 404 404 404 404 404 404 ok"),
    R("POST", "access/emergency/review/", "/access/emergency/review/", "L 404 404 404 404 404 404 ok"),
    R("GET", "access/emergency/<int:pk>/", "/access/emergency/{grant}/", "L 404 404 404 404 404 404 404"),
    R("POST", "access/emergency/<int:pk>/", "/access/emergency/{grant}/", "L 404 404 404 404 404 404 404"),
    R("POST", "access/emergency/<int:pk>/end/", "/access/emergency/{grant}/end/", "L 404 404 404 404 404 404 404"),
    R("POST", "access/emergency/<int:pk>/reviewed/", "/access/emergency/{grant}/reviewed/", "L 404 404 404 404 404 404 go"),
    R("GET", "consents/invitations/", "/consents/invitations/", "L 404 ok ok ok 404 ok 404"),
    R("POST", "consents/invitations/", "/consents/invitations/", "L 404 400 400 400 404 400 404"),
    R("GET", "consents/invitations/<str:token>/", "/consents/invitations/{token}/", "go go go go go go go go"),
    R("GET", "consents/invitations/accept/", "/consents/invitations/accept/", "L 404 404 404 404 404 404 404"),
    R("POST", "consents/invitations/accept/", "/consents/invitations/accept/", "L 404 404 404 404 404 404 404"),
    R("GET", "consents/invitations/welcome/", "/consents/invitations/welcome/", "404 404 404 404 404 404 404 404"),
    R("GET", "learn/", "/learn/", "ok ok ok ok ok ok ok ok"),
    R("GET", "topics/", "/topics/", "ok ok ok ok ok ok ok ok"),
    R("GET", "topics/<slug:slug>/", "/topics/{topic_slug}/", "ok ok ok ok ok ok ok ok"),
    R("GET", "series/<slug:slug>/", "/series/{series_slug}/", "ok ok ok ok ok ok ok ok"),
    R("GET", "doctors/<slug:slug>/", "/doctors/{doctor_slug}/", "ok ok ok ok ok ok ok ok"),
    R("GET", "doctors/<slug:slug>/photo.jpg", "/doctors/{doctor_slug}/photo.jpg", "404 404 404 404 404 404 404 404"),
    R("GET", "articles/<slug:slug>/", "/articles/{article_slug}/", "ok ok ok ok ok ok ok ok"),
    R("GET", "articles/<slug:slug>/comments/", "/articles/{article_slug}/comments/", "go go go go go go go go"),
    R("POST", "articles/<slug:slug>/comments/", "/articles/{article_slug}/comments/", "400 400 400 400 400 400 400 400"),
    R("GET", "comment-policy/", "/comment-policy/", "ok ok ok ok ok ok ok ok"),
    R("GET", "feeds/articles.rss", "/feeds/articles.rss", "ok ok ok ok ok ok ok ok"),
    R("GET", "feeds/articles.atom", "/feeds/articles.atom", "ok ok ok ok ok ok ok ok"),
    R("GET", "sitemap.xml", "/sitemap.xml", "ok ok ok ok ok ok ok ok"),
    R("GET", "robots.txt", "/robots.txt", "ok ok ok ok ok ok ok ok"),
    R("GET", "publishing/", "/publishing/", "L 404 ok ok ok 404 ok 404"),
    R("GET", "publishing/articles/new/", "/publishing/articles/new/", "L 404 ok ok ok 404 ok 404"),
    R("POST", "publishing/articles/new/", "/publishing/articles/new/", "L 404 400 400 400 404 400 404"),
    R("GET", "publishing/articles/<int:pk>/", "/publishing/articles/{article}/", "L 404 ok ok 404 404 404 404"),
    R("GET", "publishing/articles/<int:pk>/edit/", "/publishing/articles/{article}/edit/", "L 404 go go 404 404 404 404"),
    R("POST", "publishing/articles/<int:pk>/edit/", "/publishing/articles/{article}/edit/", "L 404 go go 404 404 404 404"),
    R("POST", "publishing/articles/<int:pk>/<slug:action>/", "/publishing/articles/{article}/submit/", "L 404 go go 404 404 404 404"),
    R("GET", "publishing/resources/", "/publishing/resources/", "L 404 ok ok ok 404 ok 404"),
    R("GET", "publishing/resources/new/", "/publishing/resources/new/", "L 404 ok ok ok 404 ok 404"),
    R("POST", "publishing/resources/new/", "/publishing/resources/new/", "L 404 400 400 400 404 400 404"),
    R("GET", "publishing/resources/<int:pk>/", "/publishing/resources/{resource}/", "L 404 ok ok 404 404 404 404"),
    R("POST", "publishing/resources/<int:pk>/", "/publishing/resources/{resource}/", "L 404 400 400 404 404 404 404"),
    R("GET", "publishing/profiles/", "/publishing/profiles/", "L 404 go ok go 404 ok 404"),
    R("GET", "publishing/profiles/<int:clinician_id>/", "/publishing/profiles/{clinician}/", "L 404 ok 404 404 404 404 404"),
    R("POST", "publishing/profiles/<int:clinician_id>/", "/publishing/profiles/{clinician}/", "L 404 go 404 404 404 404 404"),
    R("GET", "publishing/calendar/", "/publishing/calendar/", "L 404 ok ok ok 404 ok 404"),
    R("POST", "publishing/calendar/", "/publishing/calendar/", "L 404 400 400 400 404 400 404"),
    R("POST", "publishing/channels/<int:pk>/published/", "/publishing/channels/{channel}/published/", "L 404 go go 404 404 404 404"),
    R("POST", "publishing/planned/<int:pk>/status/", "/publishing/planned/{planned}/status/", "L 404 go go 404 404 404 404"),
    R("GET", "publishing/settings/", "/publishing/settings/", "L 404 ok ok ok 404 ok 404"),
    R("POST", "publishing/settings/", "/publishing/settings/", "L 404 400 400 400 404 400 404"),
    R("GET", "publishing/settings/<int:practice_id>/", "/publishing/settings/{practice}/", "L 404 ok ok 404 404 404 404"),
    R("POST", "publishing/settings/<int:practice_id>/", "/publishing/settings/{practice}/", "L 404 400 400 404 404 404 404"),
    R("GET", "moderation/", "/moderation/", "L 404 ok 404 ok 404 404 404"),
    R("POST", "moderation/", "/moderation/", "L 404 400 404 400 404 404 404"),
    R("GET", "moderation/<int:pk>/", "/moderation/{comment}/", "L 404 ok 404 404 404 404 404"),
    R("POST", "moderation/<int:pk>/", "/moderation/{comment}/", "L 404 400 404 404 404 404 404"),
    R("GET", "moderation/<int:pk>/reply/", "/moderation/{comment}/reply/", "L 404 ok 404 404 404 404 404"),
    R("POST", "moderation/<int:pk>/reply/", "/moderation/{comment}/reply/", "L 404 400 404 404 404 404 404"),
    R("GET", "billing/report/", "/billing/report/", "L 404 ok 404 ok 404 404 404"),
    R("GET", "threads/<int:pk>/billing/", "/threads/{thread}/billing/", "L 404 ok ok 404 404 404 404"),
    R("POST", "threads/<int:pk>/billing/", "/threads/{thread}/billing/", "L 404 400 400 404 404 404 404"),
    R("GET", "threads/<int:pk>/econsult/", "/threads/{thread}/econsult/", "L 404 ok 404 404 404 404 404"),
    R("POST", "threads/<int:pk>/econsult/", "/threads/{thread}/econsult/", "L 404 400 404 404 404 404 404"),
    R("POST", "threads/<int:pk>/time/", "/threads/{thread}/time/", "L 404 400 400 404 404 404 404"),
    R("POST", "threads/<int:pk>/time/start/", "/threads/{thread}/time/start/", "L 404 go go 404 404 404 404"),
    R("POST", "threads/<int:pk>/time/stop/", "/threads/{thread}/time/stop/", "L 404 go go 404 404 404 404"),
    R("POST", "threads/<int:pk>/time/cancel/", "/threads/{thread}/time/cancel/", "L 404 go go 404 404 404 404"),
    R("GET", "time/<int:pk>/edit/", "/time/{time_entry}/edit/", "L 404 ok 404 404 404 404 404"),
    R("POST", "time/<int:pk>/edit/", "/time/{time_entry}/edit/", "L 404 400 404 404 404 404 404"),
    R("POST", "time/<int:pk>/delete/", "/time/{time_entry}/delete/", "L 404 go 404 404 404 404 404"),
    R("GET", "econsults/", "/econsults/", "L 404 ok 404 ok 404 404 404"),
    R("GET", "econsults/<int:pk>/", "/econsults/{econsult}/", "L 404 ok 404 404 404 404 404"),
    R("POST", "econsults/<int:pk>/answer/", "/econsults/{econsult}/answer/", "L 404 404 404 404 404 404 404"),
    R("POST", "econsults/<int:pk>/decline/", "/econsults/{econsult}/decline/", "L 404 404 404 404 404 404 404"),
    R("POST", "econsults/<int:pk>/close/", "/econsults/{econsult}/close/", "L 404 go 404 404 404 404 404"),
    R("GET", "econsults/<int:pk>/attachments/<int:attachment_pk>/", "/econsults/{econsult}/attachments/{attachment}/", "L 404 ok 404 404 404 404 404"),
    R("GET", "followup/", "/followup/", "L go ok ok ok go ok 404"),
    R("GET", "followup/enrol/", "/followup/enrol/", "L 404 ok 404 ok 404 404 404"),
    R("POST", "followup/enrol/", "/followup/enrol/", "L 404 400 404 400 404 404 404"),
    R("GET", "followup/mine/", "/followup/mine/", "L ok 404 404 404 ok 404 404"),
    R("GET", "followup/<int:pk>/", "/followup/{enrolment}/", "L 404 ok 404 404 404 404 404"),  # Erin is not in the post-op pool
    R("POST", "followup/<int:pk>/stop/", "/followup/{enrolment}/stop/", "L 404 go 404 404 404 404 404"),
    R("GET", "followup/check-ins/<int:pk>/", "/followup/check-ins/{check_in}/", "L ok 404 404 404 404 404 404"),
    R("POST", "followup/check-ins/<int:pk>/", "/followup/check-ins/{check_in}/", "L 400 404 404 404 404 404 404"),
    R("GET", "api/v1/public/articles", "/api/v1/public/articles", "ok ok ok ok ok ok ok ok"),
    R("GET", "api/v1/public/articles/<slug>", "/api/v1/public/articles/{article_slug}", "ok ok ok ok ok ok ok ok"),
    R("GET", "api/v1/public/doctors/<slug>", "/api/v1/public/doctors/{doctor_slug}", "ok ok ok ok ok ok ok ok"),
    R("GET", "api/v1/articles/<slug>/comments", "/api/v1/articles/{article_slug}/comments", "ok ok ok ok ok ok ok ok"),
    R("POST", "api/v1/articles/<slug>/comments", "/api/v1/articles/{article_slug}/comments", "400 400 400 400 400 400 400 400"),
    R("GET",  "reputation/",                                   "/reputation/",                        "L 404 ok 404 ok 404 404 404"),
    R("POST", "reputation/",                                   "/reputation/",                        "L 404 ok 404 ok 404 404 404"),
    R("GET",  "reputation/self-audit/",                        "/reputation/self-audit/",             "L 404 ok 404 ok 404 404 404"),
    R("POST", "reputation/self-audit/",                        "/reputation/self-audit/",             "L 404 400 404 400 404 404 404"),
    R("GET",  "reputation/watch/",                             "/reputation/watch/",                  "L 404 ok 404 ok 404 404 404"),
    R("POST", "reputation/watch/",                             "/reputation/watch/",                  "L 404 400 404 400 404 404 404"),
    R("POST", "reputation/watch/feeds/<int:pk>/remove/",       "/reputation/watch/feeds/{feed}/remove/", "L 404 go 404 404 404 404 404"),
    R("POST", "reputation/watch/terms/<int:pk>/remove/",       "/reputation/watch/terms/{term}/remove/", "L 404 go 404 404 404 404 404"),
    R("GET",  "api/v1/billing/report",                         "/api/v1/billing/report?start=2026-01-01&end=2026-12-31", "L 404 ok 404 ok 404 404 404"),
    R("GET",  "api/v1/billing/threads/<thread_id>/time",       "/api/v1/billing/threads/{thread}/time", "L 404 ok ok 404 404 404 404"),
    R("POST", "api/v1/billing/threads/<thread_id>/time",       "/api/v1/billing/threads/{thread}/time", "L 404 ok ok 404 404 404 404", {"minutes": 5}),
    R("POST", "publishing/preview/",                           "/publishing/preview/",                "L 404 ok ok ok 404 ok 404", {"body_md": "**hi**"}),
]
# fmt: on

# Whole URL trees owned by third-party apps, with the rule that covers every route in them.
PREFIX_RULES = {
    # Django admin: nobody but a superuser (the practice admin) gets past the sign-in page.
    "admin/": "admin",
    # allauth: sign-in, sign-up, reset, MFA pages; public or the user's own account, never an id of another.
    "accounts/": "public",
}
SKIP = ("static", "media")
# Routes whose id is someone's object: "not yours" must be byte-identical to "doesn't exist".
MISSING_ID = "987654321"


def _routes(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def all_routes() -> list[str]:
    return sorted({route for route, _ in _routes(get_resolver()) if not route.startswith(SKIP)})


def api_operations() -> set[tuple[str, str]]:
    from bedside.core.api import api

    schema = api.get_openapi_schema()
    return {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}


# --- the world every cell runs against ---------------------------------------------------------

@pytest.fixture
def world(demo: dict[str, User], dr_alice: User, pat_bob: User) -> dict[str, Any]:
    """Bob's thread with an attachment and a reply, a transcript, consents, cover; Oscar at Lakeside."""
    from bedside.records.services import transcript_create
    from bedside.triage.models import Coverage

    riverside = Practice.objects.get(name="Riverside Family Medicine")
    lakeside = Practice.objects.get(name="Lakeside Orthopedics")
    oscar = User.objects.create_user(email="oscar@lakeside.test", password="x-Matrix-2026!", full_name="Oscar Lake",
                                     role=Role.STAFF)
    TOTP.activate(oscar, demo_totp_secret())
    accounts.membership_add(practice=lakeside, user=oscar)
    sent = thread_create(patient=pat_bob, practice=riverside, subject="Matrix", category="medical_question",
                         body="A question for the matrix.", files=[attachment_clean(name="lab.pdf", data=PDF)])
    message_send(author=dr_alice, thread=sent.thread, body="An answer for the matrix.")
    colleague = User.objects.create_user(email="cover@riverside.test", password="x-Matrix-2026!",
                                         full_name="Cora Vance", role=Role.CLINICIAN)
    accounts.membership_add(practice=riverside, user=colleague)
    now = timezone.now()
    coverage = Coverage.objects.create(practice=riverside, clinician=dr_alice, covering=colleague,
                                       starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=5))
    world: dict[str, Any] = {
        "users": {**demo, "oscar": oscar},
        "bob": pat_bob.pk,
        "thread": sent.thread.pk,
        "attachment": Attachment.objects.get(message=sent.message).pk,
        "transcript": transcript_create(thread=sent.thread, actor=dr_alice, reason="download").pk,
        "document": ConsentDocument.objects.filter(practice=riverside, scope=Scope.PORTAL_MESSAGING).latest("pk").pk,
        "signature": ConsentSignature.objects.filter(patient=pat_bob, revoked_at__isnull=True).first().pk,  # type: ignore[union-attr]
        "relationship": CareRelationship.objects.get(patient=pat_bob, practice=riverside, ended_at__isnull=True).pk,
        "coverage": coverage.pk,
        "practice": riverside.pk,
        "clinician": dr_alice.clinician_profile.pk,  # a ClinicianProfile id, not the user id
    }
    world.update(_world_of_newer_apps(riverside, dr_alice, pat_bob, colleague, demo["erin"], sent))
    return world


def _first_pk(model_path: str, **filters: Any) -> int | str:
    """Return the pk of the first matching demo object, or MISSING_ID (the row then tests only 404s)."""
    from django.apps import apps

    try:
        model = apps.get_model(model_path)
    except LookupError:
        return MISSING_ID
    obj = model.objects.filter(**filters).order_by("pk").first()
    return obj.pk if obj is not None else MISSING_ID


def _world_of_newer_apps(riverside: Practice, alice: User, bob: User, cora: User, erin: User, sent: Any) -> dict[str, Any]:
    """Objects of publishing, moderation, billing, follow-up, invitations and break-glass, where those apps exist."""
    out: dict[str, Any] = {
        "article": _first_pk("publishing.Article", practice=riverside),
        "resource": _first_pk("publishing.TrustedResource", practice=riverside),
        "channel": _first_pk("publishing.Channel", practice=riverside),
        "planned": _first_pk("publishing.PlannedPost", channel__practice=riverside),
        "comment": _first_pk("moderation.Comment", article__practice=riverside),
        "article_slug": "getting-ready-for-flu-season", "doctor_slug": "alice-moreno",
        "series_slug": "x-none", "topic_slug": "x-none",
    }
    from django.apps import apps

    if apps.is_installed("bedside.publishing"):
        from bedside.publishing.models import Series, Topic

        series, topic = Series.objects.order_by("pk").first(), Topic.objects.order_by("pk").first()
        out["series_slug"] = series.slug if series else "x-none"
        out["topic_slug"] = topic.slug if topic else "x-none"
    if apps.is_installed("bedside.billing"):
        from bedside.billing import services as billing
        from bedside.consent import services as consent
        from bedside.consent.selectors import document_current

        document = document_current(practice=riverside, scope=Scope.SPECIALIST_SHARING)
        if document is not None:
            consent.consent_sign(patient=bob, document=document, typed_name=bob.full_name, ip="127.0.0.1")
        entry = billing.time_entry_add(actor=alice, thread=sent.thread, minutes=7, performed_at=timezone.now())
        attachment = Attachment.objects.get(message=sent.message)
        econsult = billing.econsult_create(actor=alice, thread=sent.thread, specialist=cora, question="What now?",
                                           thread_ids=[sent.thread.pk], attachment_ids=[attachment.pk])
        out.update(time_entry=entry.pk, econsult=econsult.pk)
    if apps.is_installed("bedside.followup"):
        from bedside.followup import services as followup

        plan = followup.knee_plan_seed(practice=riverside)
        enrolment = followup.enrolment_create(actor=alice, patient=bob, plan=plan,
                                              surgery_date=timezone.localdate() - timedelta(days=2))
        out.update(enrolment=enrolment.pk, check_in=enrolment.check_ins.order_by("pk").first().pk)  # type: ignore[union-attr]
    from bedside.consent import services as consent_services

    if hasattr(consent_services, "invitation_create"):
        _invitation, token = consent_services.invitation_create(
            actor=erin, practice=riverside, email="newpatient@example.org", method="in_person",
            established_on=timezone.localdate())
        out["token"] = token
    if apps.is_installed("bedside.reputation"):
        from bedside.reputation import services as reputation
        from bedside.reputation.models import WatchedFeed

        term = reputation.watch_term_add(user=alice, practice=riverside, phrase="Dr. Moreno")
        # Created directly: the service resolves the host (no DNS in tests); the row is what matters here.
        feed = WatchedFeed.objects.create(practice=riverside, owner=alice, url="https://93.184.215.14/feed",
                                          kind="news")
        out.update(term=term.pk, feed=feed.pk)
    if hasattr(accounts, "break_glass_open"):
        grant = accounts.break_glass_open(user=cora, practice=riverside, patient_email=bob.email,
                                          reason_code="emergency", reason="Unconscious patient brought to the ER, need history.", minutes=30)
        out["grant"] = grant.pk
    return out


@pytest.fixture
def clients(world: dict[str, Any], web_login: Callable[[User], Client], api_token: Callable[[User], str]) -> dict[str, tuple[Client, Client]]:
    """Return (web client, bearer client) per persona; anonymous gets two plain clients."""
    out: dict[str, tuple[Client, Client]] = {"anon": (Client(), Client())}
    for name in PERSONAS[1:]:
        user = world["users"][name]
        out[name] = (web_login(user), Client(HTTP_AUTHORIZATION=f"Bearer {_token(user, api_token)}"))
    return out


def _token(user: User, api_token: Callable[[User], str]) -> str:
    return _oscar_token(user) if user.email == "oscar@lakeside.test" else api_token(user)


def _oscar_token(user: User) -> str:
    from bedside.conftest import totp_now

    cache.clear()  # TOTP replay protection: the demo users share the secret, and a code counts once
    response = Client().post("/api/v1/auth/token", {"email": user.email, "password": "x-Matrix-2026!",
                                                   "otp": totp_now()}, content_type="application/json")
    assert response.status_code == 200, response.content
    return str(response.json()["token"])


def _template(url: str, spelled: dict[str, str]) -> str:
    for ours, theirs in spelled.items():
        url = url.replace(ours, theirs)
    return url


def _is_api(url: str) -> bool:
    return url.startswith(("/api/", "/fhir/"))


def send(client: Client, method: str, url: str, data: Any) -> HttpResponse:
    """Send one request inside a savepoint that is rolled back, so the next cell sees the same data."""
    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        elif _is_api(url) and not url.startswith("/fhir/auth/"):
            response = client.post(url, data if data is not None else {}, content_type="application/json")
        else:
            response = client.post(url, data or {})
        transaction.set_rollback(True)
    return response  # type: ignore[return-value]


def outcome(response: HttpResponse, url: str) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        return "L" if "/accounts/login/" in response["Location"] or "/admin/login/" in response["Location"] else "go"
    if status == 401 and _is_api(url):
        return "L"
    if 200 <= status < 300:
        return "ok"
    return str(status)


def run_row(row: Row, world: dict[str, Any], clients: dict[str, tuple[Client, Client]]) -> list[str]:
    url = row.url.format(**{k: v for k, v in world.items() if k != "users"})
    got = []
    for name in PERSONAS:
        web, bearer = clients[name]
        got.append(outcome(send(bearer if _is_api(url) else web, row.method, url, row.data), url))
    return got


# --- the tests ----------------------------------------------------------------------------------

def test_every_route_has_a_row(request: pytest.FixtureRequest) -> None:
    """A new endpoint without a row (or an API operation without one) fails here."""
    covered = {row.route for row in ROWS}
    missing = [r for r in all_routes() if r not in covered and not r.startswith(tuple(PREFIX_RULES))]
    spelled = {"{thread}": "{thread_id}", "{article_slug}": "{slug}", "{doctor_slug}": "{slug}"}
    ops_covered = {(row.method, _template(row.url.split("?")[0], spelled)) for row in ROWS}
    missing_ops = sorted(op for op in api_operations() if op not in ops_covered)
    if os.environ.get("BEDSIDE_MATRIX_PRINT"):
        world, clients = request.getfixturevalue("world"), request.getfixturevalue("clients")
        for route in missing:
            url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
            for method in ("GET", "POST"):
                try:
                    got = run_row(R(method, route, url, " ".join(["*"] * len(PERSONAS))), world, clients)
                except KeyError as exc:
                    got = [f"needs world[{exc}]"]
                print(f'    R("{method}", "{route}", "{url}", "{" ".join(got)}"),')
    assert not missing, f"new endpoint without a row in the authorization matrix: {missing}"
    assert not missing_ops, f"API operation without a row in the authorization matrix: {missing_ops}"
    stale = sorted(covered - set(all_routes()))
    assert not stale, f"rows for routes that no longer exist: {stale}"


def _normalise(body: bytes) -> bytes:
    # A fresh CSRF mask and CSP nonce on every page: equal pages differ only in those.
    body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"csrf", body)
    body = re.sub(rb'nonce="[^"]+"', b"nonce", body)
    return re.sub(rb'csrf[-_]?token["\']?\s*[:=]\s*["\'][^"\']+["\']', b"csrf", body, flags=re.I)


def _indistinguishable(row: Row, world: dict[str, Any], clients: dict[str, tuple[Client, Client]]) -> list[str]:
    """For every persona refused with 404, a real id of someone else must answer byte-for-byte like no id at all."""
    if "{" not in row.url:
        return []
    ids = {k: v for k, v in world.items() if k != "users"}
    real, fake = row.url.format(**ids), row.url.format(**{k: MISSING_ID for k in ids})
    leaks = []
    refused = [name for name, want in zip(PERSONAS, row.expect.split(), strict=True) if want == "404"]
    # The answer does not depend on who is refused (one code path): one outsider per row suffices.
    preferred = [n for n in ("charlie", "dana", "oscar", "frank", "bob", "erin", "alice") if n in refused]
    for name in preferred[:1]:
        client = clients[name][1] if _is_api(real) else clients[name][0]
        theirs, missing = send(client, row.method, real, row.data), send(client, row.method, fake, row.data)
        if (theirs.status_code, _normalise(theirs.content)) != (missing.status_code, _normalise(missing.content)):
            leaks.append(f"{name} can tell that {row.method} {real} exists")
    return leaks


def test_matrix(world: dict[str, Any], clients: dict[str, tuple[Client, Client]]) -> None:
    """Every row: each persona gets exactly the expected outcome, and "not yours" looks like "doesn't exist".

    One test for all rows (not one per row): the personas' sign-ins dominate the cost, and are paid once.
    """
    wrong: list[str] = []
    for row in ROWS:
        got = run_row(row, world, clients)
        if os.environ.get("BEDSIDE_MATRIX_PRINT") and set(row.expect.split()) == {"*"}:
            print(f'    R("{row.method}", "{row.route}", "{row.url}", "{" ".join(got)}"),')
        for name, want, have in zip(PERSONAS, row.expect.split(), got, strict=True):
            if have.startswith("5") or (want != "*" and want != have):
                wrong.append(f"{row.method} {row.route} as {name}: expected {want}, got {have}")
        wrong += _indistinguishable(row, world, clients)
    assert not wrong, "\n".join(wrong)


def test_admin_is_closed_to_everyone_but_the_practice_admin(world: dict[str, Any],
                                                            clients: dict[str, tuple[Client, Client]]) -> None:
    """Every admin route (rule PREFIX_RULES['admin/']): each persona is sent to the admin sign-in."""
    urls = sorted({"/" + re.sub(r"<(?:\w+:)?\w+>", "1", r).replace("^", "").replace("$", "")
                   for r in all_routes() if r.startswith("admin/") and "(?P" not in r and "login" not in r
                   and "logout" not in r})
    assert len(urls) > 20
    for name in ("anon", "alice"):  # the admin's check is by flag (is_staff), not role: a sample suffices
        web, _ = clients[name]
        for url in urls:
            response = web.get(url)
            assert response.status_code == 302 and "/admin/login/" in response["Location"], (name, url, response.status_code)


def test_allauth_pages_never_crash_and_show_only_the_own_account(world: dict[str, Any],
                                                                clients: dict[str, tuple[Client, Client]]) -> None:
    """allauth routes carry no object ids of other users: each persona sees its own account or a redirect."""
    urls = sorted({"/" + re.sub(r"<(?:\w+:)?\w+>", "x", r) for r in all_routes()
                   if r.startswith("accounts/") and "(?P" not in r})
    assert len(urls) > 10
    for name in PERSONAS:
        web, _ = clients[name]
        for url in urls:
            response = web.get(url)
            assert response.status_code < 500, (name, url, response.status_code)
            others = [u for u in world["users"].values() if name == "anon" or u.pk != world["users"][name].pk]
            assert not any(u.email.encode() in response.content for u in others), (name, url)
