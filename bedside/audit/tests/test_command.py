"""`bedside audit …`: exit 0 when intact, 1 on tampering with the first bad event named; JSON output."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bedside.audit import merkle
from bedside.audit.models import Action, AuditEvent, AuditTreeHead
from bedside.audit.services import audit_record
from bedside.audit.tests.test_trail import raw, tampering

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("audit", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_checkpoint_then_verify_ok(demo):
    for i in range(5):
        audit_record(action=Action.THREAD_VIEW, object_id=i)
    code, out = run("checkpoint")
    head = json.loads(out)
    assert code == 0 and head["tree_size"] == AuditEvent.objects.count()
    code, out = run("verify")
    assert code == 0 and "OK: the audit trail is intact." in out and f"{head['tree_size']}" in out
    code, out = run("verify", "--json")
    assert code == 0 and json.loads(out)["ok"] is True and json.loads(out)["root"] == head["root"]


def test_verify_exits_1_and_names_the_first_bad_event(demo):
    run("checkpoint")
    victims = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))[2:4]
    with tampering():
        for victim in victims:
            raw("UPDATE audit_auditevent SET outcome = 'denied' WHERE id = %s", [victim])
    code, out = run("verify")
    assert code == 1
    assert "TAMPERING DETECTED" in out and f"first bad event: #{victims[0]}" in out
    code, out = run("verify", "--json")
    assert code == 1 and json.loads(out)["first_bad_event"] == victims[0]


def test_prove_and_consistency_print_verifiable_json(demo):
    _, out = run("checkpoint")
    first = json.loads(out)
    audit_record(action=Action.THREAD_VIEW)
    _, out = run("checkpoint")
    second = json.loads(out)
    _, out = run("prove", str(AuditEvent.objects.order_by("id").first().pk))
    proof = json.loads(out)
    assert merkle.verify_inclusion(bytes.fromhex(proof["leaf_hash"]), proof["leaf_index"], proof["tree_size"],
                                   [bytes.fromhex(p) for p in proof["proof"]], bytes.fromhex(second["root"]))
    _, out = run("consistency", str(first["tree_size"]), str(second["tree_size"]))
    cons = json.loads(out)
    assert merkle.verify_consistency(first["tree_size"], second["tree_size"], bytes.fromhex(first["root"]),
                                     bytes.fromhex(second["root"]), [bytes.fromhex(p) for p in cons["proof"]])
    with pytest.raises(CommandError, match="not in the tree"):
        call_command("audit", "prove", "987654", stdout=io.StringIO())
    assert AuditTreeHead.objects.count() == 2


def test_keygen_prints_a_usable_key(settings, demo):
    code, out = run("keygen")
    line = next(x for x in out.splitlines() if x.startswith("BEDSIDE_AUDIT_SIGNING_KEY="))
    settings.BEDSIDE_AUDIT_SIGNING_KEY = line.split("=", 1)[1]
    audit_record(action=Action.THREAD_VIEW)
    code, out = run("checkpoint")
    assert code == 0 and json.loads(out)["tree_size"] >= 1
    assert run("verify")[0] == 0


def test_signing_key_is_generated_once_in_dev_and_required_otherwise(settings, tmp_path):
    import stat

    from django.core.exceptions import ImproperlyConfigured

    from bedside.audit import keys

    settings.BEDSIDE_AUDIT_SIGNING_KEY = None
    settings.BEDSIDE_AUDIT_KEY_AUTOGENERATE = tmp_path / "audit-signing.key"
    first = keys.key_id(keys.signing_key().public_key())
    assert stat.S_IMODE((tmp_path / "audit-signing.key").stat().st_mode) == 0o600
    assert keys.key_id(keys.signing_key().public_key()) == first  # read back, not regenerated
    settings.BEDSIDE_AUDIT_KEY_AUTOGENERATE = None
    with pytest.raises(ImproperlyConfigured, match="BEDSIDE_AUDIT_SIGNING_KEY"):
        keys.signing_key()
