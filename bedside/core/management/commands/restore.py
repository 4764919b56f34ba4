"""`bedside restore FILE`: rebuild a fresh instance from an encrypted backup, then verify its audit trail."""

from __future__ import annotations

import json
import subprocess
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bedside.core.backup import BackupError, backup_restore, passphrase_from


class Command(BaseCommand):
    help = ("Restore a backup written by `bedside backup` into this (fresh, empty) instance and verify "
            "the audit trail afterwards. Run `bedside migrate` after it when restoring into a newer version.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="the archive written by `bedside backup`")
        parser.add_argument("--passphrase-file", help="a file holding the passphrase")
        parser.add_argument("--no-verify", action="store_true", help="skip the audit verification afterwards")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            passphrase = passphrase_from(passphrase_file=options["passphrase_file"])
            manifest = backup_restore(in_path=options["file"], passphrase=passphrase)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored the {manifest['engine']} database and "
                          f"{sum(1 for n in manifest['files'] if n.startswith('attachments/'))} attachment files "
                          f"from a backup of {manifest['created_at']}"
                          + (f"; restored {', '.join(manifest['restored_secrets'])}" if manifest["restored_secrets"] else ""))
        if options["no_verify"]:
            return
        # A new process: it reads the restored database and keys, not what this one had loaded.
        done = subprocess.run(
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "audit", "verify", "--json", "--quiet"],
            capture_output=True, text=True, check=False,
        )
        try:
            result = json.loads(done.stdout)
        except ValueError as exc:
            raise CommandError("The audit verification after the restore could not run: "
                               + (done.stderr.strip().splitlines() or ["no output"])[-1]) from exc
        if not result.get("ok"):
            raise CommandError(f"Restored, but the audit trail does NOT verify: {json.dumps(result)}")
        held = int(result.get("events", 0)) + int(result.get("pending", 0))
        if held != manifest["audit_events"]:
            raise CommandError(f"Restored, but the audit trail holds {held} events where the "
                               f"backup recorded {manifest['audit_events']}.")
        self.stdout.write(f"audit trail verified: {result['events']:,} events, root {result.get('root')}")
