"""The billing demo: idempotent, shows the rules at work, and never involves Charlie."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from bedside.accounts.models import User
from bedside.billing import selectors
from bedside.billing.access import access_econsult
from bedside.billing.models import BillingProvider, EConsult, TimeEntry
from bedside.core.demo import demo_load
from bedside.core.errors import NotFound
from bedside.messaging.access import threads_visible
from bedside.messaging.models import Thread
from bedside.records.fhir import registry


def test_demo_without_conversations_adds_sam_and_billing_classes(demo: dict[str, User]) -> None:
    assert demo["sam"].clinician_profile.practice.name == "Hillside Cardiology"
    assert BillingProvider.objects.get(user=demo["alice"]).billing_class == "physician"
    assert not TimeEntry.objects.exists() and not EConsult.objects.exists()


def test_demo_conversations_idempotent_and_explained(db: Any, settings: Any) -> None:
    settings.BEDSIDE_DEMO_CONVERSATIONS = True
    users = demo_load()
    timed = Thread.objects.filter(time_entries__isnull=False).distinct()
    counts = (timed.count(), TimeEntry.objects.count(), EConsult.objects.count())
    users = demo_load()
    assert (timed.count(), TimeEntry.objects.count(), EConsult.objects.count()) == counts == (3, 4, 1)
    codes = []
    for thread in timed.filter(patient=users["bob"]).order_by("created_at"):
        lines = selectors.time_panel(thread=thread, user=users["alice"]).lines
        assert len(lines) == 1
        codes.append((thread.category, lines[0].code, lines[0].minutes))
    assert codes == [("medical_question", None, 7), ("prescription", None, 6), ("medical_question", "99422", 14)]
    econsult = EConsult.objects.get()
    assert econsult.specialist == users["sam"] and econsult.requester == users["alice"]
    assert access_econsult(users["sam"], econsult.pk) == econsult
    # Charlie: no relationship with Bob, sees nothing of his.
    charlie = users["charlie"]
    assert not threads_visible(charlie).filter(patient=users["bob"]).exists()
    try:
        access_econsult(charlie, econsult.pk)
    except NotFound:
        pass
    else:
        raise AssertionError("Charlie must not see Bob's e-consult")
    riverside = econsult.practice
    for rtype in ("ServiceRequest", "Communication"):
        resources = registry.materialise(registry.candidates([riverside], rtype, patient_id=None, updated={}))
        assert resources, rtype
        for resource in resources:
            data = resource.model_dump(mode="json", exclude_none=True, by_alias=True)
            assert get_fhir_model_class(rtype).model_validate(data).model_dump(
                mode="json", exclude_none=True, by_alias=True) == data
