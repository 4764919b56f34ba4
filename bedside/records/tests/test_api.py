"""The FHIR API contract: metadata, search with paging, $everything, OperationOutcome errors, who may read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class

from bedside.accounts.models import Practice, User
from bedside.audit.models import AuditEvent
from bedside.messaging.models import Thread
from bedside.messaging.services import message_send
from bedside.records.tests.conftest import Keyed

FHIR_JSON = "application/fhir+json"


def _valid(response: object) -> dict:
    assert response["Content-Type"].startswith(FHIR_JSON)  # type: ignore[index]
    data = response.json()  # type: ignore[attr-defined]
    get_fhir_model_class(data["resourceType"]).model_validate(data)
    return data


def _outcome(response: object, status: int) -> dict:
    assert response.status_code == status, response.content  # type: ignore[attr-defined]
    data = _valid(response)
    assert data["resourceType"] == "OperationOutcome"
    assert data["issue"][0]["diagnostics"]
    return data


def test_metadata_is_a_capability_statement() -> None:
    response = Client().get("/fhir/metadata")
    assert response.status_code == 200
    data = _valid(response)
    assert data["resourceType"] == "CapabilityStatement" and data["fhirVersion"] == "4.0.1"
    types = {r["type"] for r in data["rest"][0]["resource"]}
    assert {"Communication", "Patient", "Consent", "Task", "AuditEvent", "DocumentReference"} <= types
    comm = next(r for r in data["rest"][0]["resource"] if r["type"] == "Communication")
    assert {"subject", "patient", "_lastUpdated", "_count"} <= {p["name"] for p in comm["searchParam"]}


def test_contract_search_communication_by_subject(
    bob_thread: Thread, pat_bob: User, ehr_riverside: Keyed, fhir_client: Callable[[Keyed], Client]
) -> None:
    response = fhir_client(ehr_riverside).get(f"/fhir/Communication?subject=Patient/{pat_bob.pk}")
    assert response.status_code == 200
    data = _valid(response)
    assert data["type"] == "searchset"
    ids = {e["resource"]["id"] for e in data["entry"]}
    assert f"t{bob_thread.pk}" in ids
    assert data["total"] == 4  # header, Bob's message, the auto-reply, Alice's answer
    assert all(e["resource"]["subject"]["reference"] == f"Patient/{pat_bob.pk}" for e in data["entry"])
    row = AuditEvent.objects.filter(action="fhir.read").latest("pk")
    assert row.patient_id == pat_bob.pk and row.detail["ehr_client"] == ehr_riverside.client.pk
    assert row.detail["count"] == 4 and "Rash" not in str(row.detail)


def test_paging_with_next_links(
    bob_thread: Thread, pat_bob: User, dr_alice: User, ehr_riverside: Keyed, fhir_client: Callable[[Keyed], Client]
) -> None:
    for i in range(5):
        message_send(author=dr_alice, thread=bob_thread, body=f"follow-up {i}")
    client = fhir_client(ehr_riverside)
    url: str | None = f"/fhir/Communication?patient={pat_bob.pk}&_count=3"
    seen: list[str] = []
    pages = 0
    while url:
        data = _valid(client.get(url))
        pages += 1
        assert data["total"] == 9
        seen += [e["resource"]["id"] for e in data["entry"]]
        nxt = [link["url"] for link in data["link"] if link["relation"] == "next"]
        url = nxt[0].replace("http://127.0.0.1:8000", "") if nxt else None
    assert pages == 3 and len(seen) == 9 and len(set(seen)) == 9


def test_last_updated_filters(
    bob_thread: Thread, pat_bob: User, ehr_riverside: Keyed, fhir_client: Callable[[Keyed], Client]
) -> None:
    client = fhir_client(ehr_riverside)
    future = (timezone.now() + timedelta(days=1)).date().isoformat()
    past = (timezone.now() - timedelta(days=1)).date().isoformat()
    assert _valid(client.get(f"/fhir/Communication?subject=Patient/{pat_bob.pk}&_lastUpdated=ge{future}"))["total"] == 0
    assert _valid(client.get(f"/fhir/Communication?subject=Patient/{pat_bob.pk}&_lastUpdated=gt{past}"))["total"] == 4
    assert _valid(client.get(f"/fhir/Communication?subject=Patient/{pat_bob.pk}&_lastUpdated=lt{past}"))["total"] == 0
    assert _valid(client.get(f"/fhir/Communication?subject=Patient/{pat_bob.pk}"
                             f"&_lastUpdated=ge{past}&_lastUpdated=le{future}"))["total"] == 4


def test_read_and_everything(
    bob_thread: Thread, pat_bob: User, dr_alice: User, ehr_riverside: Keyed, fhir_client: Callable[[Keyed], Client]
) -> None:
    client = fhir_client(ehr_riverside)
    data = _valid(client.get(f"/fhir/Patient/{pat_bob.pk}"))
    assert data["name"][0]["family"] == "Lindqvist"
    data = _valid(client.get(f"/fhir/Patient/{pat_bob.pk}/$everything"))
    types = {e["resource"]["resourceType"] for e in data["entry"]}
    assert {"Patient", "Communication", "Task", "Consent", "CareTeam", "Practitioner", "Organization",
            "Provenance"} <= types
    assert f"Practitioner/{dr_alice.pk}" in {f"Practitioner/{e['resource']['id']}" for e in data["entry"]
                                              if e["resource"]["resourceType"] == "Practitioner"}


def test_errors_are_operation_outcomes(
    bob_thread: Thread, ehr_riverside: Keyed, fhir_client: Callable[[Keyed], Client]
) -> None:
    client = fhir_client(ehr_riverside)
    _outcome(client.get("/fhir/Communication?subject=Bob"), 400)
    _outcome(client.get("/fhir/Communication?_lastUpdated=ge2026-13-45"), 400)
    _outcome(client.get("/fhir/Communication?_count=-1"), 400)
    _outcome(client.get("/fhir/Communication?colour=red"), 400)
    _outcome(client.get("/fhir/Practitioner?patient=1"), 400)
    _outcome(client.get("/fhir/Communication/t999999"), 404)
    _outcome(client.get("/fhir/Communication/%00x"), 404)
    _outcome(client.get("/fhir/Medication/1"), 404)
    _outcome(client.get("/fhir/Patient/999999/$everything"), 404)
    _outcome(client.post("/fhir/Communication", {}, content_type="application/fhir+json"), 405)
    _outcome(client.get("/fhir/AuditEvent"), 403)  # *.read does not include the access log
    _outcome(Client().get("/fhir/Communication"), 401)
    _outcome(Client(HTTP_AUTHORIZATION="Bearer bfh_forged").get("/fhir/Communication"), 401)


@pytest.mark.parametrize("who", ["dr_charlie", "pat_dana", "pat_bob", "dr_alice", "staff_erin"])
def test_only_ehr_clients_and_auditors(
    who: str, request: pytest.FixtureRequest, bob_thread: Thread, api: Callable[[User], Client]
) -> None:
    user: User = request.getfixturevalue(who)
    client = api(user)
    _outcome(client.get(f"/fhir/Communication?subject=Patient/{bob_thread.patient_id}"), 403)
    _outcome(client.get(f"/fhir/Patient/{bob_thread.patient_id}/$everything"), 403)
    _outcome(client.get(f"/fhir/Communication/t{bob_thread.pk}"), 403)
    assert AuditEvent.objects.filter(action="fhir.read", actor_id=user.pk, outcome="denied").exists()


def test_anonymous_refused(bob_thread: Thread) -> None:
    for url in (f"/fhir/Communication?subject=Patient/{bob_thread.patient_id}",
                f"/fhir/Communication/t{bob_thread.pk}", f"/fhir/Patient/{bob_thread.patient_id}/$everything"):
        response = Client().get(url)
        _outcome(response, 401)
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_auditor_reads_own_practice_only(
    bob_thread: Thread, dana_thread: Thread, aud_frank: User, api: Callable[[User], Client]
) -> None:
    client = api(aud_frank)
    data = _valid(client.get(f"/fhir/Communication?subject=Patient/{bob_thread.patient_id}"))
    assert data["total"] == 4
    _outcome(client.get(f"/fhir/Communication/t{dana_thread.pk}"), 404)
    assert _valid(client.get(f"/fhir/Communication?subject=Patient/{dana_thread.patient_id}"))["total"] == 0
    data = _valid(client.get("/fhir/AuditEvent?_count=5"))
    assert data["entry"] and all(e["resource"]["resourceType"] == "AuditEvent" for e in data["entry"])


def test_lakeside_client_cannot_read_riverside(
    bob_thread: Thread, dana_thread: Thread, ehr_lakeside: Keyed, fhir_client: Callable[[Keyed], Client],
    riverside: Practice,
) -> None:
    client = fhir_client(ehr_lakeside)
    _outcome(client.get(f"/fhir/Communication/t{bob_thread.pk}"), 404)
    _outcome(client.get(f"/fhir/Patient/{bob_thread.patient_id}"), 404)
    _outcome(client.get(f"/fhir/Patient/{bob_thread.patient_id}/$everything"), 404)
    _outcome(client.get(f"/fhir/Organization/{riverside.pk}"), 404)
    data = _valid(client.get(f"/fhir/Communication?subject=Patient/{bob_thread.patient_id}"))
    assert data["total"] == 0
    data = _valid(client.get("/fhir/Communication"))
    assert {e["resource"]["id"] for e in data["entry"]} >= {f"t{dana_thread.pk}"}
    assert all(e["resource"]["subject"]["reference"] == f"Patient/{dana_thread.patient_id}" for e in data["entry"])


def test_count_zero_and_everything_params(
    bob_thread: Thread, pat_bob: User, ehr_riverside: Keyed, fhir_client: Callable[[Keyed], Client]
) -> None:
    client = fhir_client(ehr_riverside)
    data = _valid(client.get(f"/fhir/Communication?subject=Patient/{pat_bob.pk}&_count=0"))
    assert data["total"] == 4 and "entry" not in data
    _outcome(client.get(f"/fhir/Patient/{pat_bob.pk}/$everything?_since=2020-01-01"), 400)


def test_smart_configuration() -> None:
    data = Client().get("/fhir/.well-known/smart-configuration").json()
    assert data["token_endpoint"].endswith("/fhir/auth/token")
    assert data["token_endpoint_auth_signing_alg_values_supported"] == ["RS384", "ES384"]
