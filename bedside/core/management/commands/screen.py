from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from bedside.screening.cli import run


class Command(BaseCommand):
    help = "Screen JSON Lines on stdin for urgency and crisis (see CONTRACT.md)."

    def handle(self, *args: Any, **options: Any) -> None:
        run(sys.stdin, sys.stdout)
