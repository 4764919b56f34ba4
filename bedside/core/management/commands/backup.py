"""`bedside backup FILE`: an encrypted archive of the database, attachments and audit tree heads."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bedside.core.backup import BackupError, backup_create, passphrase_from


class Command(BaseCommand):
    help = ("Write an encrypted backup (database, attachments, public media, audit tree heads) to FILE. "
            "The passphrase comes from BEDSIDE_BACKUP_PASSPHRASE(_FILE) or --passphrase-file.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="the archive to write (must not exist yet)")
        parser.add_argument("--passphrase-file", help="a file holding the passphrase (at least 12 characters)")
        parser.add_argument("--include-secrets", action="store_true",
                            help="also store var/secrets.json and the generated audit signing key "
                                 "(development instances; keep production keys elsewhere)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            passphrase = passphrase_from(passphrase_file=options["passphrase_file"])
            manifest = backup_create(out_path=options["file"], passphrase=passphrase,
                                     include_secrets=options["include_secrets"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        files = manifest["files"]
        size = options["file"].stat().st_size
        self.stdout.write(f"wrote {options['file']} ({size:,} bytes, encrypted): {manifest['engine']} database, "
                          f"{sum(1 for n in files if n.startswith('attachments/'))} attachment files, "
                          f"{manifest['audit_events']:,} audit events"
                          + (", secrets included" if manifest["includes_secrets"] else
                             "; secrets NOT included — keep the encryption and signing keys separately"))
        from django.conf import settings

        if settings.BEDSIDE_S3_BUCKET:
            self.stdout.write(self.style.WARNING(
                f"Attachments live in the object-storage bucket {settings.BEDSIDE_S3_BUCKET} and are NOT in this "
                "archive: keep that bucket versioned and replicated (docs/operations.md#backups)."))
