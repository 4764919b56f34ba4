"""`bedside audit verify|prove|consistency|checkpoint|heads|keygen` — the auditor's command line.

`verify` exits 0 when the trail is intact and 1 when tampering is found (naming the first bad
event); `--json` prints the same result as `GET /api/v1/audit/verify`.
"""

from __future__ import annotations

import base64
import json
import sys
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management.base import BaseCommand, CommandError

from bedside.core.errors import BedsideError


class Command(BaseCommand):
    help = "Verify the tamper-evident audit trail, print proofs, sign tree heads."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="recompute the Merkle tree and check it against the signed tree heads")
        verify.add_argument("--json", action="store_true", help="print the result as JSON")
        verify.add_argument("--heads-file", type=Path, help="tree heads exported elsewhere (JSON Lines)")
        verify.add_argument("--quiet", action="store_true", help="no progress line")
        prove = sub.add_parser("prove", help="inclusion proof of one event")
        prove.add_argument("event_id", type=int)
        prove.add_argument("--tree-size", type=int)
        consistency = sub.add_parser("consistency", help="consistency proof between two tree sizes")
        consistency.add_argument("first", type=int)
        consistency.add_argument("second", type=int, nargs="?")
        checkpoint = sub.add_parser("checkpoint", help="seal pending events and sign a tree head now")
        checkpoint.add_argument("--force", action="store_true", help="sign even when the tree did not grow")
        sub.add_parser("heads", help="the latest signed tree heads and public keys")
        sub.add_parser("keygen", help="print a new Ed25519 signing key (base64) and its public key")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["subcommand"]
        try:
            getattr(self, f"_{name}")(options)
        except BedsideError as exc:
            raise CommandError(exc.message) from exc

    def _print_json(self, data: Any) -> None:
        self.stdout.write(json.dumps(data, indent=2, default=str))

    def _verify(self, options: dict[str, Any]) -> None:
        from bedside.audit.verification import audit_verify

        started = time.perf_counter()
        show = not options["json"] and not options["quiet"] and sys.stderr.isatty()

        def progress(done: int) -> None:
            if show:
                sys.stderr.write(f"\rverifying… {done:,} events")
                sys.stderr.flush()

        result = audit_verify(heads_file=options["heads_file"], progress=progress)
        if show:
            sys.stderr.write("\r" + " " * 40 + "\r")
        if options["json"]:
            self._print_json(result.as_dict())
        else:
            elapsed = time.perf_counter() - started
            self.stdout.write(f"events in the tree: {result.events:,} (verified in {elapsed:.2f}s)")
            self.stdout.write(f"root: {result.root}")
            if result.latest_head:
                head = result.latest_head
                self.stdout.write(f"signed tree heads checked: {result.heads_checked} "
                                  f"(latest: size {head['tree_size']}, {head['signed_at']}, key {head['key_id']})")
            else:
                self.stdout.write("signed tree heads checked: 0 (run `bedside audit checkpoint` to sign one)")
            if result.pending:
                self.stdout.write(f"events not sealed yet: {result.pending:,} (the worker seals them every minute)")
            if result.ok:
                self.stdout.write(self.style.SUCCESS("OK: the audit trail is intact."))
            else:
                self.stdout.write(self.style.ERROR(f"TAMPERING DETECTED: {len(result.problems)} problem(s)."))
                if result.first_bad_event is not None:
                    self.stdout.write(self.style.ERROR(f"first bad event: #{result.first_bad_event}"))
                for problem in result.problems[:20]:
                    self.stdout.write(f"  - [{problem.kind}] {problem.message}")
                if len(result.problems) > 20:
                    self.stdout.write(f"  … and {len(result.problems) - 20} more (use --json)")
        if not result.ok:
            sys.stdout.flush()
            raise SystemExit(1)

    def _prove(self, options: dict[str, Any]) -> None:
        from bedside.audit.selectors import proof_inclusion

        self._print_json(proof_inclusion(event_id=options["event_id"], tree_size=options["tree_size"]))

    def _consistency(self, options: dict[str, Any]) -> None:
        from bedside.audit.selectors import proof_consistency

        self._print_json(proof_consistency(first=options["first"], second=options["second"]))

    def _checkpoint(self, options: dict[str, Any]) -> None:
        from bedside.audit.services import head_as_dict, tree_head_checkpoint

        head = tree_head_checkpoint(force=options["force"])
        if head is None:
            self.stdout.write("The tree did not grow since the last signed tree head: nothing to sign.")
        else:
            self._print_json(head_as_dict(head))

    def _heads(self, options: dict[str, Any]) -> None:
        from bedside.audit.selectors import tree_heads

        self._print_json(tree_heads())

    def _keygen(self, options: dict[str, Any]) -> None:
        key = Ed25519PrivateKey.generate()
        private = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                    serialization.NoEncryption())
        public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.stdout.write(f"BEDSIDE_AUDIT_SIGNING_KEY={base64.b64encode(private).decode()}")
        self.stdout.write("# public key (keep it with the auditors; add it to BEDSIDE_AUDIT_VERIFY_KEYS after a rotation):")
        self.stdout.write(f"# {base64.b64encode(public).decode()}")
