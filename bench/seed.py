"""Seed a scratch database for the server benchmarks (run inside a production-settings process).

`python -m bench.seed senders N OUT.json` migrates, loads the demo practice, and adds N patients
of Riverside Family Medicine, each with an established relationship with Dr. Alice Moreno, a
signed portal-messaging and email-notification consent, one open thread (started through the
real `thread_create` service) and an API token; OUT.json gets [{"token", "thread"}, …].

Tokens are written as the token service writes them (same digest, same expiry), without the
password round trip: an Argon2 check per patient would only slow the set-up down.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def token_for(user: Any) -> str:
    """Write an API token for USER as api_token_issue does (same digest and expiry); return it."""
    from django.conf import settings
    from django.utils import timezone

    from bedside.accounts.models import ApiToken
    from bedside.core.crypto import token_digest

    raw = "bst_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=token_digest(raw), prefix=raw[4:12],
                            expires_at=timezone.now() + timedelta(hours=settings.BEDSIDE_API_TOKEN_HOURS))
    return raw


def senders(count: int) -> list[dict[str, object]]:
    from django.core.management import call_command
    from django.utils import timezone

    from bedside.accounts import services as accounts
    from bedside.accounts.models import Practice, Role, User
    from bedside.consent import services as consent
    from bedside.consent.models import Scope, VerificationMethod
    from bedside.consent.selectors import document_current
    from bedside.core.demo import demo_load
    from bench.common import progress

    call_command("migrate", verbosity=0, interactive=False)
    users = demo_load()
    practice = Practice.objects.get(name="Riverside Family Medicine")
    documents = {scope: document_current(practice=practice, scope=scope)
                 for scope in (Scope.PORTAL_MESSAGING, Scope.EMAIL_NOTIFICATIONS)}
    ehr_url = os.environ.get("BENCH_EHR_URL")
    if ehr_url:  # the scale-out test's stand-in EHR, so that every message is also pushed
        from bedside.records.services import ehr_endpoint_set

        ehr_endpoint_set(practice=practice, name="bench EHR", base_url=ehr_url, credential="bench")
    out: list[dict[str, object]] = []
    started = time.perf_counter()
    from bedside.messaging import services as messaging

    for i in range(count):
        patient = User.objects.filter(email=f"bench-patient-{i}@bench.bedside").first()
        if patient is None:
            patient = accounts.user_create(email=f"bench-patient-{i}@bench.bedside", full_name=f"Bench Patient {i}",
                                           role=Role.PATIENT)
            consent.relationship_create(
                actor=users["erin"], patient=patient, practice=practice, clinician=users["alice"],
                method=VerificationMethod.IN_PERSON, established_on=timezone.localdate() - timedelta(days=60),
            )
            for document in documents.values():
                assert document is not None
                consent.consent_sign(patient=patient, document=document, typed_name=patient.full_name, ip="127.0.0.1")
        result = messaging.thread_create(
            patient=patient, practice=practice, subject="Follow-up questions", category="medical_question",
            body="Hello, I have a few follow-up questions after my last visit.", ip="127.0.0.1", channel="api",
        )
        out.append({"token": token_for(patient), "thread": result.thread.pk, "patient": patient.pk})
        progress("seeding patients", i + 1, count, started)
    return out


def main(argv: list[str]) -> int:
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    if len(argv) != 3 or argv[0] != "senders":
        print("usage: python -m bench.seed senders N OUT.json", file=sys.stderr)
        return 2
    rows = senders(int(argv[1]))
    Path(argv[2]).write_text(json.dumps(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
