"""The `bedside` command: `serve`, `screen`, `totp`, and every Django management command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def serve(argv: list[str]) -> int:
    """Run the web server (gunicorn), the task worker (Huey) and the mail server together; Ctrl-C stops all."""
    _django_setup()
    port = os.environ.get("PORT", "8000")
    host = os.environ.get("HOST", "127.0.0.1")
    workers = os.environ.get("WEB_CONCURRENCY", "3")
    env = dict(os.environ, PYTHONUNBUFFERED="1")  # the console mail backend writes to stdout
    python = sys.executable
    web = [
        python, "-m", "gunicorn", "config.wsgi:application", "--bind", f"{host}:{port}",
        "--workers", workers, "--threads", "4", "--worker-class", "gthread",
        "--access-logfile", "-", "--access-logformat", '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss',
        "--graceful-timeout", "10", "--timeout", "60",
    ]
    worker = [python, str(ROOT / "manage.py"), "run_huey", "--flush-locks"]
    # Inbound patient email (docs/mail.md); BEDSIDE_SMTP_PORT (8025) on BEDSIDE_SMTP_HOST (127.0.0.1).
    smtpd = [python, str(ROOT / "manage.py"), "smtpd"]
    names = ["web server", "task worker", "mail server"]
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=env) for cmd in (web, worker, smtpd)]
    smtp_at = f"{os.environ.get('BEDSIDE_SMTP_HOST', '127.0.0.1')}:{os.environ.get('BEDSIDE_SMTP_PORT', '8025')}"
    print(f"bedside is serving http://{host}:{port}/ with the task worker running and receiving patient "
          f"email on smtp://{smtp_at}. Press Ctrl-C to stop.", flush=True)

    stopping = False
    mail_down = False

    def _stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    code = 0
    try:
        while not stopping:
            for proc in procs:
                if proc.poll() is not None and proc is procs[2] and not mail_down:
                    # Inbound mail is an extra: the web server and worker keep serving without it.
                    print(f"mail server exited ({proc.returncode}); web server and task worker keep running.",
                          file=sys.stderr)
                    mail_down = True
                elif proc.poll() is not None and proc is not procs[2]:
                    print(f"{names[procs.index(proc)]} exited ({proc.returncode}); stopping.", file=sys.stderr)
                    code = proc.returncode or 1
                    stopping = True
            time.sleep(0.3)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.time() + 15
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                proc.kill()
    print("bedside stopped.", flush=True)
    return code


def totp(argv: list[str]) -> int:
    """Print the current demo TOTP code (for signing in as a demo clinician, staff or auditor)."""
    _django_setup()
    import django

    django.setup()
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from bedside.core.demo import demo_totp_secret

    secret = argv[0] if argv else demo_totp_secret()
    period = 30
    now = time.time()
    print(format_hotp_value(hotp_value(secret, int(now) // period)), f"(valid for {period - int(now) % period}s more)")
    return 0


def screen_cmd(argv: list[str]) -> int:
    from bedside.screening.cli import run

    return run(sys.stdin, sys.stdout)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(
            "usage: bedside COMMAND [ARGS]\n\n"
            "  serve          run the web server, the task worker and the mail server (what `make run` does)\n"
            "  screen         screen JSON Lines on stdin (see CONTRACT.md)\n"
            "  totp [SECRET]  print the current TOTP code of the demo secret (or SECRET)\n"
            "  audit verify [--json]  recompute the audit trail's Merkle tree; exit 1 on tampering\n"
            "  audit prove EVENT_ID | consistency FIRST [SECOND] | checkpoint | heads | keygen\n"
            "  demo           load or refresh the demo practice\n"
            "  <django command>  any manage.py command, e.g. migrate, createsuperuser\n"
        )
        return 0
    command, rest = args[0], args[1:]
    if command == "serve":
        return serve(rest)
    if command == "screen":
        return screen_cmd(rest)
    if command == "totp":
        return totp(rest)
    _django_setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["bedside", *args])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
