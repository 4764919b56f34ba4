"""Fixtures for billing and e-consult tests: Riverside, Bob's thread with a photo, consents, Dr. Sam."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bedside.accounts.models import Practice, User
from bedside.billing.demo import _sam
from bedside.consent.models import ConsentSignature
from bedside.consent.selectors import document_current
from bedside.consent.services import consent_sign
from bedside.messaging.attachments import attachment_clean
from bedside.messaging.models import Thread
from bedside.messaging.services import message_send, thread_create


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (30, 30, 200)).save(out, format="PNG")
    return out.getvalue()


PNG = _png()


@pytest.fixture
def riverside(demo: dict[str, User]) -> Practice:
    return Practice.objects.get(name="Riverside Family Medicine")


@pytest.fixture
def bob_thread(pat_bob: User, dr_alice: User, riverside: Practice) -> Thread:
    """Bob asks (with a photo), Alice answers (with a file of her own)."""
    sent = thread_create(patient=pat_bob, practice=riverside, subject="Chest flutter", category="medical_question",
                         body="My heart flutters after coffee.", files=[attachment_clean(name="pulse.png", data=PNG)])
    message_send(author=dr_alice, thread=sent.thread, body="Please log your pulse twice a day.",
                 files=[attachment_clean(name="pulse-log.png", data=PNG)])
    return Thread.objects.get(pk=sent.thread.pk)


def sign(patient: User, practice: Practice, scope: str) -> ConsentSignature:
    document = document_current(practice=practice, scope=scope)
    assert document is not None
    return consent_sign(patient=patient, document=document, typed_name=patient.full_name)


@pytest.fixture
def dr_sam(demo: dict[str, User]) -> User:
    return demo.get("sam") or _sam()[0]
