"""The read-only FHIR R4 API at /fhir (plain Django views answering application/fhir+json).

Who may read: registered EHR clients (SMART Backend Services bearer from /fhir/auth/token,
their practice only, within their scopes) and auditors (their /api/v1/auth/token bearer,
the practices they belong to). Everyone else gets an OperationOutcome: 401 without a valid
token, 403 for any other role. Every request is audited (ids only). Errors are
OperationOutcomes with a 4xx status, never a 500 for bad input. See docs/fhir.md.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.resource import Resource

from bedside.accounts.models import Practice, Role, User
from bedside.audit.models import Outcome
from bedside.audit.services import client_ip
from bedside.records import services
from bedside.records.fhir import registry
from bedside.records.fhir.common import FHIR_VERSION, site_url
from bedside.records.models import EhrClient

log = logging.getLogger(__name__)
FHIR_JSON = "application/fhir+json; charset=utf-8"
COUNT_DEFAULT = 50
COUNT_MAX = 200
SEARCH_PARAMS = frozenset({"patient", "subject", "_lastUpdated", "_count", "_offset", "_id", "_format"})
# AuditEvent is the access log, not the record: an EHR client needs the explicit scope.
EXPLICIT_ONLY = frozenset({"AuditEvent"})


class FhirError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def outcome(status: int, code: str, message: str) -> HttpResponse:
    body = OperationOutcome.model_validate({
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error" if status < 500 else "fatal", "code": code, "diagnostics": message}],
    })
    response = _fhir(body, status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="bedside-fhir"'
    return response


def _fhir(resource: Resource | dict[str, Any], status: int = 200) -> HttpResponse:
    data = resource if isinstance(resource, dict) else resource.model_dump(mode="json", exclude_none=True, by_alias=True)
    return HttpResponse(json.dumps(data, separators=(",", ":")), status=status, content_type=FHIR_JSON)


@dataclass(frozen=True)
class Reader:
    practices: tuple[Practice, ...]
    user: User | None
    client: EhrClient | None
    scopes: frozenset[str]

    def may_read(self, rtype: str) -> bool:
        if self.client is None:
            return True  # auditors read everything of their practices
        if f"system/{rtype}.read" in self.scopes or f"system/{rtype}.rs" in self.scopes:
            return True
        return rtype not in EXPLICIT_ONLY and bool({"system/*.read", "system/*.rs"} & self.scopes)

    @property
    def practice_id(self) -> int | None:
        return self.practices[0].pk if len(self.practices) == 1 else None


def _reader(request: HttpRequest) -> Reader:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, raw = header.partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw:
        raise FhirError(401, "login", "Send a bearer token: an EHR client's token from /fhir/auth/token "
                                      "or an auditor's token from /api/v1/auth/token.")
    token = services.fhir_token_authenticate(raw)
    if token is not None:
        return Reader((token.client.practice,), None, token.client, frozenset(token.scopes.split()))
    from bedside.accounts.services import api_token_authenticate

    user = api_token_authenticate(raw)
    if user is None:
        raise FhirError(401, "login", "The bearer token is invalid or has expired.")
    if user.role != Role.AUDITOR:
        services.fhir_read_record(user=user, client=None, practice_id=None, interaction="refused",
                                  resource_type="any", ip=client_ip(request), outcome=Outcome.DENIED)
        raise FhirError(403, "forbidden", "The FHIR API is open to registered EHR systems and auditors only.")
    practices = tuple(Practice.objects.filter(memberships__user=user, memberships__is_active=True).order_by("pk"))
    return Reader(practices, user, None, frozenset())


def fhir_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Authenticate, turn FhirError into an OperationOutcome and anything unexpected into a FHIR 500."""

    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = outcome(405, "not-supported", "The FHIR API is read-only: use GET.")
            response["Allow"] = "GET"
            return response
        try:
            return view(request, _reader(request), *args, **kwargs)
        except FhirError as exc:
            return outcome(exc.status, exc.code, exc.message)
        except Exception:
            log.exception("FHIR API error on %s", request.path[:100])
            return outcome(500, "exception", "Something went wrong on our side. Please try again later.")

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return csrf_exempt(wrapper)


def _check_type(reader: Reader, rtype: str) -> None:
    if rtype not in registry.TYPES:
        raise FhirError(404, "not-supported", f"Resource type {rtype[:40]!r} is not served here; see /fhir/metadata.")
    if not reader.may_read(rtype):
        raise FhirError(403, "forbidden", f"This client's scopes do not include {rtype}.")


# ---------------------------------------------------------------------------------------------
# metadata and discovery


def capability_statement() -> CapabilityStatement:
    search = {
        "_lastUpdated": "date", "_count": "number", "_id": "token",
    }
    resources = []
    for rtype in registry.TYPES:
        params = [{"name": name, "type": kind} for name, kind in search.items()]
        if registry.has_patient(rtype) and rtype != "Patient":
            params += [{"name": "patient", "type": "reference"}, {"name": "subject", "type": "reference"}]
        entry: dict[str, Any] = {
            "type": rtype,
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": params,
        }
        if rtype == "Patient":
            entry["operation"] = [{"name": "everything",
                                   "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything"}]
        resources.append(entry)
    return CapabilityStatement.model_validate({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": timezone.now().date().isoformat(),
        "publisher": "bedside",
        "kind": "instance",
        "software": {"name": "bedside"},
        "implementation": {"description": "bedside secure messaging — read-only FHIR R4 API",
                           "url": site_url("/fhir")},
        "fhirVersion": FHIR_VERSION,
        "format": ["application/fhir+json", "json"],
        "rest": [{
            "mode": "server",
            "documentation": "Read-only. Bearer tokens: EHR clients via SMART Backend Services "
                             "(client_credentials + private_key_jwt, RS384/ES384) at /fhir/auth/token; "
                             "auditors via /api/v1/auth/token.",
            "security": {
                "cors": False,
                "service": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                         "code": "SMART-on-FHIR"}]}],
                "extension": [{
                    "url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                    "extension": [{"url": "token", "valueUri": site_url("/fhir/auth/token")}],
                }],
            },
            "resource": resources,
        }],
    })


@csrf_exempt
def metadata(request: HttpRequest) -> HttpResponse:
    """The CapabilityStatement: public, as FHIR and SMART discovery expect."""
    if request.method not in ("GET", "HEAD"):
        response = outcome(405, "not-supported", "The FHIR API is read-only: use GET.")
        response["Allow"] = "GET"
        return response
    return _fhir(capability_statement())


@require_GET
def smart_configuration(request: HttpRequest) -> JsonResponse:
    return JsonResponse({
        "token_endpoint": site_url("/fhir/auth/token"),
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": services.ALGORITHMS,
        "grant_types_supported": ["client_credentials"],
        "scopes_supported": ["system/*.read", *[f"system/{t}.read" for t in registry.TYPES]],
        "capabilities": ["client-confidential-asymmetric"],
    })


# ---------------------------------------------------------------------------------------------
# token endpoint


@csrf_exempt
def token(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        response = JsonResponse({"error": "invalid_request", "error_description": "Use POST."}, status=405)
        response["Allow"] = "POST"
        return response
    form = request.POST
    audiences = {site_url("/fhir/auth/token"), request.build_absolute_uri("/fhir/auth/token")}
    try:
        raw, issued = services.fhir_token_issue(
            grant_type=form.get("grant_type", ""), assertion_type=form.get("client_assertion_type", ""),
            assertion=form.get("client_assertion", ""), scope=form.get("scope", ""),
            audiences=sorted(audiences), ip=client_ip(request),
        )
    except services.OAuthError as exc:
        status = 401 if exc.code == "invalid_client" else 400
        response = JsonResponse({"error": exc.code, "error_description": exc.message}, status=status)
        response["Cache-Control"] = "no-store"
        return response
    response = JsonResponse({"access_token": raw, "token_type": "bearer",
                             "expires_in": settings.BEDSIDE_FHIR_TOKEN_SECONDS, "scope": issued.scopes})
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------------------------
# read, search, $everything


@fhir_view
def read(request: HttpRequest, reader: Reader, rtype: str, rid: str) -> HttpResponse:
    _check_type(reader, rtype)
    found: Resource | None = None
    practice_id = reader.practice_id
    for practice in reader.practices:
        found = registry.read(practice, rtype, rid)
        if found is not None:
            practice_id = practice.pk
            break
    services.fhir_read_record(
        user=reader.user, client=reader.client, practice_id=practice_id, interaction="read", resource_type=rtype,
        resource_id=rid, patient_id=int(rid) if rtype == "Patient" and found is not None else None,
        ip=client_ip(request), outcome=Outcome.SUCCESS if found is not None else Outcome.FAILURE,
    )
    if found is None:
        raise FhirError(404, "not-found", f"{rtype}/{rid[:64]} is not known here.")
    return _fhir(found)


def _patient_param(rtype: str, name: str, value: str) -> int:
    if not registry.has_patient(rtype) or rtype == "Patient":
        raise FhirError(400, "not-supported", f"{rtype} cannot be searched by {name}.")
    raw = value.removeprefix(site_url("/fhir/"))
    if raw.startswith("Patient/"):
        raw = raw[len("Patient/"):]
    elif name == "subject" or "/" in raw:
        raise FhirError(400, "invalid", f"{name} must be a Patient reference, e.g. Patient/123.")
    if not raw.isdigit() or len(raw) > 18:
        raise FhirError(400, "invalid", f"{name} must name a patient by id, e.g. Patient/123.")
    return int(raw)


def _instant(value: str) -> tuple[datetime, datetime]:
    """Return the [start, end) range a _lastUpdated value covers (a date is its whole day, UTC)."""
    parsed = None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is not None:
        if timezone.is_naive(parsed):
            parsed = parsed.replace(tzinfo=UTC)
        return parsed, parsed
    try:
        day = parse_date(value)
    except ValueError:
        day = None
    if day is None:
        raise FhirError(400, "invalid", f"_lastUpdated value {value[:40]!r} is not a FHIR date or dateTime.")
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


def _updated_filters(values: list[str]) -> dict[str, datetime]:
    """Turn _lastUpdated values (ge/gt/le/lt/eq prefixes) into ORM lookups on the updated column."""
    filters: dict[str, datetime] = {}
    for value in values:
        prefix, rest = (value[:2], value[2:]) if value[:2] in ("ge", "le", "gt", "lt", "eq") else ("eq", value)
        start, end = _instant(rest)
        if start == end:  # an instant
            lookups = {"ge": {"gte": start}, "gt": {"gt": start}, "le": {"lte": start}, "lt": {"lt": start},
                       "eq": {"gte": start, "lte": start}}
        else:  # a whole day [start, end)
            lookups = {"ge": {"gte": start}, "gt": {"gte": end}, "le": {"lt": end}, "lt": {"lt": start},
                       "eq": {"gte": start, "lt": end}}
        filters.update(lookups[prefix])
    return filters


def _int_param(request: HttpRequest, name: str, default: int, maximum: int) -> int:
    raw = request.GET.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or len(raw) > 9:
        raise FhirError(400, "invalid", f"{name} must be a whole number.")
    return min(int(raw), maximum)


def _bundle(request: HttpRequest, resources: list[Resource], *, total: int, links: dict[str, str]) -> Bundle:
    return Bundle.model_validate({
        "resourceType": "Bundle",
        "type": "searchset",
        "timestamp": timezone.now().isoformat(),
        "total": total,
        "link": [{"relation": rel, "url": url} for rel, url in links.items()],
        "entry": [
            {"fullUrl": site_url(f"/fhir/{r.get_resource_type()}/{r.id}"),
             "resource": r.model_dump(mode="json", exclude_none=True, by_alias=True),
             "search": {"mode": "match"}}
            for r in resources
        ],
    })


@fhir_view
def search(request: HttpRequest, reader: Reader, rtype: str) -> HttpResponse:
    _check_type(reader, rtype)
    unknown = sorted(set(request.GET) - SEARCH_PARAMS)
    if unknown:
        raise FhirError(400, "not-supported", f"Unsupported search parameter {unknown[0][:40]!r}; "
                                              "see /fhir/metadata.")
    patient_id: int | None = None
    for name in ("patient", "subject"):
        if request.GET.get(name):
            patient_id = _patient_param(rtype, name, request.GET[name])
    updated = _updated_filters(request.GET.getlist("_lastUpdated"))
    if updated and not registry.has_updated(rtype):
        raise FhirError(400, "not-supported", f"{rtype} has no _lastUpdated here.")
    count = _int_param(request, "_count", COUNT_DEFAULT, COUNT_MAX)
    offset = _int_param(request, "_offset", 0, 10**9)
    hits = registry.candidates(reader.practices, rtype, patient_id=patient_id, updated=updated)
    wanted_id = request.GET.get("_id")
    if wanted_id:
        hits = [h for h in hits if f"{h.source.prefix}{h.pk}" == wanted_id]
    page = registry.materialise(hits[offset:offset + count])
    params = {k: v for k, v in request.GET.lists() if k != "_offset"}
    base = site_url(f"/fhir/{rtype}")

    def link(at: int) -> str:
        query = [(k, v) for k, values in params.items() for v in values] + [("_offset", str(at))]
        return f"{base}?{urlencode(query)}"

    links = {"self": link(offset)}
    if count and offset + count < len(hits):
        links["next"] = link(offset + count)
    if offset > 0:
        links["previous"] = link(max(offset - count, 0))
    services.fhir_read_record(
        user=reader.user, client=reader.client, practice_id=reader.practice_id, interaction="search",
        resource_type=rtype, patient_id=patient_id, count=len(page), ip=client_ip(request),
    )
    return _fhir(_bundle(request, page, total=len(hits), links=links))


@fhir_view
def everything(request: HttpRequest, reader: Reader, rid: str) -> HttpResponse:
    for rtype in ("Patient", *registry.EVERYTHING):
        _check_type(reader, rtype)
    unknown = sorted(set(request.GET) - {"_format"})
    if unknown:
        raise FhirError(400, "not-supported", f"$everything takes no parameter {unknown[0][:40]!r} here.")
    resources: list[Resource] = []
    practice_id = reader.practice_id
    if rid.isdigit() and len(rid) <= 18:
        for practice in reader.practices:
            resources = registry.everything(practice, int(rid))
            if resources:
                practice_id = practice.pk
                break
    services.fhir_read_record(
        user=reader.user, client=reader.client, practice_id=practice_id, interaction="everything",
        resource_type="Patient", resource_id=rid, patient_id=int(rid) if resources else None,
        count=len(resources), ip=client_ip(request),
        outcome=Outcome.SUCCESS if resources else Outcome.FAILURE,
    )
    if not resources:
        raise FhirError(404, "not-found", f"Patient/{rid[:64]} is not known here.")
    return _fhir(_bundle(request, resources, total=len(resources),
                         links={"self": site_url(f"/fhir/Patient/{rid}/$everything")}))


@csrf_exempt
def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    return outcome(404, "not-found", "There is no such FHIR endpoint; see /fhir/metadata.")
