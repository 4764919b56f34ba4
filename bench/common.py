"""Helpers shared by the server benchmarks: find PostgreSQL and Redis, make scratch databases,
build the environment of a production-settings process, and print progress on stderr."""

from __future__ import annotations

import base64
import os
import secrets
import socket
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
# The benchmarks' queue lives in its own Redis database, so a test run or a developer's worker on
# the usual database never sees (or eats) the benchmark's jobs.
BENCH_REDIS_DB = 15


def progress(label: str, done: int, total: int, started: float) -> None:
    """Draw a one-line progress bar on stderr (stdout stays clean for results)."""
    rate = done / max(time.perf_counter() - started, 1e-9)
    width = 30
    filled = int(width * done / max(total, 1))
    end = "\n" if done >= total else ""
    print(f"\r  {label}: [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} ({rate:,.0f}/s)",
          end=end, file=sys.stderr, flush=True)


def postgres_url() -> str | None:
    """Return a reachable PostgreSQL server URL (TEST_DATABASE_URL, DATABASE_URL, then localhost)."""
    import psycopg

    for url in (os.environ.get("TEST_DATABASE_URL", ""), os.environ.get("DATABASE_URL", ""), DEFAULT_PG):
        if not url.startswith(("postgres://", "postgresql://")):
            continue
        try:
            with psycopg.connect(url, connect_timeout=3):
                return url
        except Exception:  # unreachable: try the next candidate
            continue
    return None


def redis_url() -> str | None:
    """Return the benchmark's Redis URL (REDIS_URL or localhost, database 15) if Redis answers."""
    base = os.environ.get("REDIS_URL") or DEFAULT_REDIS
    parts = urlsplit(base)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=3) as sock:
            sock.sendall(b"PING\r\n")
            if not sock.recv(64).startswith(b"+PONG"):
                return None
    except OSError:
        return None
    return urlunsplit((parts.scheme, parts.netloc, f"/{BENCH_REDIS_DB}", "", ""))


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def scratch_database(url: str, name: str) -> str:
    """(Re)create database NAME on the server of URL and return its URL."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return with_database(url, name)


def drop_database(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prod_env(database_url: str, redis: str | None, var_dir: Path) -> dict[str, str]:
    """Return the environment of a process running config.settings.prod (fresh throw-away keys)."""
    var_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.pop("BEDSIDE_TEST_DB", None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(50),
        BEDSIDE_ENCRYPTION_KEYS=base64.urlsafe_b64encode(os.urandom(32)).decode("ascii"),
        BEDSIDE_AUDIT_SIGNING_KEY=base64.b64encode(os.urandom(32)).decode("ascii"),
        BEDSIDE_VAR_DIR=str(var_dir),
        BEDSIDE_AUDIT_SYSLOG="",
        # TLS ends at the load balancer in production; the load generator speaks plain HTTP to
        # the app server, as the balancer would, and says so with X-Forwarded-Proto.
        SECURE_SSL_REDIRECT="0",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        BEDSIDE_SMS_BACKEND="bedside.triage.sms.LocmemSmsBackend",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if redis:
        env["REDIS_URL"] = redis
    else:
        env.pop("REDIS_URL", None)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(port: int, path: str = "/healthz", timeout: float = 60.0) -> None:
    """Wait until something answers HTTP on PORT (any status)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
                if sock.recv(16).startswith(b"HTTP/"):
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"no HTTP server on port {port} after {timeout:.0f}s")
