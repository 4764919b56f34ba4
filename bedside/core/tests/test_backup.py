"""`bedside backup` / `bedside restore`: real instances (the CLI in subprocesses on scratch var
folders or scratch PostgreSQL databases), a full round trip with an encrypted attachment and a
verified audit chain, and refusal of every damaged, truncated or mis-keyed archive."""

from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from bedside.core import backup as backup_mod

ROOT = Path(__file__).resolve().parents[3]
PASSPHRASE = "a long test passphrase"
CANARY = "Backup canary: my knee still swells after the injection"

# Runs inside the source instance: Bob writes with a photo; the tree head is signed.
SEED = f"""
import io
from PIL import Image
from bedside.accounts.models import User
from bedside.messaging.attachments import attachment_clean
from bedside.messaging.services import thread_create
bob = User.objects.get(email="bob@demo.bedside")
buf = io.BytesIO(); Image.new("RGB", (40, 30), (200, 10, 10)).save(buf, "PNG")
photo = attachment_clean(name="knee.png", data=buf.getvalue())
thread_create(patient=bob, practice=bob.care_relationships.first().practice, subject="Knee",
              category="medical_question", body={CANARY!r}, files=[photo])
"""

# Runs inside the restored instance: the message decrypts and the attachment's blob is readable.
CHECK = f"""
from bedside.messaging.models import Attachment, Message
assert any(m.body == {CANARY!r} for m in Message.objects.all()), "message body decrypts"
att = Attachment.objects.get()
from bedside.messaging.attachments import blob_read
assert blob_read(att.storage_name)[:8] == bytes.fromhex("89504e470d0a1a0a"), "attachment blob"
print("RESTORED-OK")
"""


def _env(var: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "BEDSIDE_TEST_DB"}}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.dev", "BEDSIDE_VAR_DIR": str(var),
                "BEDSIDE_BACKUP_PASSPHRASE": PASSPHRASE, "BEDSIDE_AUDIT_SEAL_DELAY_SECONDS": "0", **extra})
    return env


def _bedside(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=240, check=False)
    if ok:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def _source_instance(env: dict[str, str]) -> None:
    _bedside(env, "migrate", "--noinput", "-v0")
    _bedside(env, "demo")
    _bedside(env, "shell", "-c", SEED)
    _bedside(env, "audit", "checkpoint")


sqlite_pass_only = pytest.mark.skipif(
    os.environ.get("BEDSIDE_TEST_DB") == "postgres",
    reason="SQLite instances in subprocesses, whatever the test database: ran in the SQLite pass",
)


@pytest.fixture(scope="module")
def sqlite_backup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("backup")
    source = base / "source"
    _source_instance(_env(source))
    archive = base / "practice.bak"
    done = _bedside(_env(source), "backup", str(archive), "--include-secrets")
    assert "1 attachment files" in done.stdout
    return base, archive


@sqlite_pass_only
def test_round_trip_restores_data_attachments_and_a_verified_audit_chain(sqlite_backup: tuple[Path, Path]) -> None:
    base, archive = sqlite_backup
    assert CANARY.encode() not in archive.read_bytes()  # encrypted, not merely packed
    target = _env(base / "fresh")
    done = _bedside(target, "restore", str(archive))
    assert "audit trail verified" in done.stdout
    assert "restored secrets/secrets.json" in done.stdout
    assert "RESTORED-OK" in _bedside(target, "shell", "-c", CHECK).stdout
    verify = _bedside(target, "audit", "verify")
    assert "OK: the audit trail is intact." in verify.stdout
    assert "signed tree heads checked: 1" in verify.stdout or "signed tree heads checked: 2" in verify.stdout


@sqlite_pass_only
def test_restore_refuses_a_non_empty_instance(sqlite_backup: tuple[Path, Path]) -> None:
    base, archive = sqlite_backup
    done = _bedside(_env(base / "source"), "restore", str(archive), ok=False)
    assert done.returncode != 0
    assert "not empty: restore only into a fresh instance" in done.stderr


@sqlite_pass_only
@pytest.mark.parametrize("damage", ["flip", "truncate", "append", "wrong_passphrase", "not_a_backup"])
def test_damaged_archives_are_refused_before_anything_is_written(
    sqlite_backup: tuple[Path, Path], tmp_path: Path, damage: str
) -> None:
    _, archive = sqlite_backup
    data = bytearray(archive.read_bytes())
    extra: dict[str, str] = {}
    if damage == "flip":
        data[len(data) // 2] ^= 0x01
    elif damage == "truncate":
        del data[-100:]
    elif damage == "append":
        data += b"\0" * 64
    elif damage == "wrong_passphrase":
        extra["BEDSIDE_BACKUP_PASSPHRASE"] = "another long passphrase"
    else:
        data = bytearray(b"PK\x03\x04 a zip file, not ours" * 10)
    bad = tmp_path / "bad.bak"
    bad.write_bytes(bytes(data))
    var = tmp_path / "var"
    done = _bedside(_env(var, **extra), "restore", str(bad), ok=False)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    expected = {
        "flip": "has been altered", "truncate": "truncated", "append": "after its last part",
        "wrong_passphrase": "Wrong passphrase", "not_a_backup": "not a bedside backup",
    }[damage]
    assert expected in done.stderr
    assert not (var / "attachments").exists() or not any((var / "attachments").iterdir())
    db = var / "bedside.sqlite3"
    assert not db.exists() or not backup_mod._sqlite_has_tables(db)


@sqlite_pass_only
def test_backup_refuses_to_overwrite_and_needs_a_real_passphrase(sqlite_backup: tuple[Path, Path]) -> None:
    base, archive = sqlite_backup
    again = _bedside(_env(base / "source"), "backup", str(archive), ok=False)
    assert "already exists" in again.stderr
    short = _bedside(_env(base / "source", BEDSIDE_BACKUP_PASSPHRASE="short"), "backup", str(base / "x.bak"), ok=False)
    assert "at least 12 characters" in short.stderr
    assert not (base / "x.bak").exists() and not (base / "x.bak.partial").exists()


def test_frames_cannot_be_reordered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Swapping two equally long frames fails their integrity check (the nonce carries the index)."""
    monkeypatch.setattr(backup_mod, "CHUNK", 64)
    out = io.BytesIO()
    writer = backup_mod._EncryptingWriter(out, b"x" * 16)
    writer.write(bytes(range(200)))
    writer.finish()
    blob = out.getvalue()
    header_end = blob.index(b"\n", len(backup_mod.MAGIC)) + 1
    frames, pos = [], header_end
    while pos < len(blob):
        (size,) = struct.unpack(">I", blob[pos:pos + 4])
        frames.append(blob[pos:pos + 4 + size])
        pos += 4 + size
    assert len(frames) == 4
    good = b"".join(backup_mod._decrypt_chunks(io.BytesIO(blob), b"x" * 16))
    assert good == bytes(range(200))
    swapped = blob[:header_end] + frames[1] + frames[0] + b"".join(frames[2:])
    with pytest.raises(backup_mod.BackupError, match="Wrong passphrase, or the backup has been altered"):
        b"".join(backup_mod._decrypt_chunks(io.BytesIO(swapped), b"x" * 16))
    dropped_last = blob[:header_end] + b"".join(frames[:3])
    with pytest.raises(backup_mod.BackupError, match="truncated"):
        b"".join(backup_mod._decrypt_chunks(io.BytesIO(dropped_last), b"x" * 16))


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (TEST_DATABASE_URL)")
@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs the PostgreSQL client tools (pg_dump)")
def test_postgresql_round_trip(tmp_path: Path) -> None:
    import psycopg

    url = os.environ["TEST_DATABASE_URL"]
    base_url = url.rsplit("/", 1)[0]
    names = [f"bk_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("src", "dst")]
    with psycopg.connect(url, autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        source = _env(tmp_path / "a", DATABASE_URL=f"{base_url}/{names[0]}")
        _source_instance(source)
        archive = tmp_path / "pg.bak"
        _bedside(source, "backup", str(archive), "--include-secrets")
        target = _env(tmp_path / "b", DATABASE_URL=f"{base_url}/{names[1]}")
        done = _bedside(target, "restore", str(archive))
        assert "audit trail verified" in done.stdout
        assert "RESTORED-OK" in _bedside(target, "shell", "-c", CHECK).stdout
        refused = _bedside(target, "restore", str(archive), ok=False)
        assert "is not empty" in refused.stderr
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
