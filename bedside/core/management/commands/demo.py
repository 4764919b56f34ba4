from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bedside.core.demo import DEMO_USERS, demo_load, demo_password, demo_totp_secret


class Command(BaseCommand):
    help = "Load (or refresh) the demo practice of CONTRACT.md. Idempotent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet", action="store_true", help="Do not print the sign-in table.")

    def handle(self, *args: Any, **options: Any) -> None:
        users = demo_load()
        if options["quiet"]:
            return
        self.stdout.write(self.style.SUCCESS("Demo practice loaded."))
        self.stdout.write(f"  Password for every demo user : {demo_password()}")
        self.stdout.write(f"  TOTP secret (non-patients)   : {demo_totp_secret()}")
        self.stdout.write("  (add the secret to an authenticator app, or: .venv/bin/bedside totp)")
        for email, name, role in DEMO_USERS:
            self.stdout.write(f"    {email:24} {role:15} {name}")
        # Users the apps' demo loaders add (the moderator, the e-consult specialist…).
        listed = {email for email, _, _ in DEMO_USERS}
        for user in sorted(users.values(), key=lambda u: u.email):
            if user.email not in listed:
                self.stdout.write(f"    {user.email:24} {user.role:15} {user.full_name}")
