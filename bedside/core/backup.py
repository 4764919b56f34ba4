"""Encrypted backups: `bedside backup FILE` and `bedside restore FILE` (docs/operations.md).

An archive is a tar stream (manifest, database, attachments, public media, signed audit tree
heads) encrypted in 1 MiB chunks with AES-256-GCM under a key derived from the operator's
passphrase with scrypt. Each chunk's nonce carries its index and the last chunk is flagged in
its associated data, so reordered, altered, spliced or truncated archives are refused before
anything is restored.

The database is copied exactly — SQLite through its online backup API, PostgreSQL with
`pg_dump --format=custom` — because the audit trail must verify after a restore: a logical
re-export through the ORM would renumber nothing but would also bypass nothing, yet an exact
copy is the only form whose Merkle root is the one the signed tree heads promise.

Secrets (SECRET_KEY, the field-encryption keys, the audit signing key) are NOT in the archive
unless `--include-secrets` is given: a backup is most often stolen together with whatever is
stored beside it, so operators keep the keys in a separate place (docs/operations.md).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"BEDSIDE-BACKUP-1\n"
CHUNK = 1 << 20
FORMAT_VERSION = 1
MIN_PASSPHRASE = 12


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


# --- passphrase and key -----------------------------------------------------------------------

def passphrase_from(*, passphrase_file: str | None) -> bytes:
    """Return the passphrase from --passphrase-file or BEDSIDE_BACKUP_PASSPHRASE(_FILE)."""
    path = passphrase_file or os.environ.get("BEDSIDE_BACKUP_PASSPHRASE_FILE")
    if path:
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise BackupError(f"Cannot read the passphrase file {path}: {exc.strerror}.") from exc
    else:
        value = os.environ.get("BEDSIDE_BACKUP_PASSPHRASE", "")
    if not value:
        raise BackupError("No backup passphrase: set BEDSIDE_BACKUP_PASSPHRASE or "
                          "BEDSIDE_BACKUP_PASSPHRASE_FILE, or pass --passphrase-file FILE.")
    if len(value) < MIN_PASSPHRASE:
        raise BackupError(f"The backup passphrase must be at least {MIN_PASSPHRASE} characters long.")
    return value.encode("utf-8")


def _derive(passphrase: bytes, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase)


# --- the encrypted stream -----------------------------------------------------------------------

class _EncryptingWriter(io.RawIOBase):
    """A write-only file object that encrypts what it is given in CHUNK-sized AES-GCM frames.

    Frame i is sealed with nonce = archive prefix || i and associated data = header || i ||
    is-last, so frames cannot be reordered, dropped or moved between archives unnoticed.
    """

    def __init__(self, out: IO[bytes], passphrase: bytes) -> None:
        super().__init__()
        salt = os.urandom(16)
        self._prefix = os.urandom(8)
        params = {"kdf": "scrypt", "salt": base64.b64encode(salt).decode(), "n": 2**15, "r": 8, "p": 1,
                  "cipher": "AES-256-GCM", "chunk": CHUNK, "format": FORMAT_VERSION,
                  "nonce_prefix": base64.b64encode(self._prefix).decode()}
        self._header = MAGIC + json.dumps(params, sort_keys=True).encode() + b"\n"
        self._aead = AESGCM(_derive(passphrase, salt, 2**15, 8, 1))
        self._out = out
        self._buffer = bytearray()
        self._index = 0
        out.write(self._header)

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._buffer += bytes(data)
        while len(self._buffer) > CHUNK:
            self._emit(bytes(self._buffer[:CHUNK]), final=False)
            del self._buffer[:CHUNK]
        return len(data)

    def _emit(self, plain: bytes, *, final: bool) -> None:
        nonce = self._prefix + struct.pack(">I", self._index)
        aad = self._header + struct.pack(">I?", self._index, final)
        sealed = self._aead.encrypt(nonce, plain, aad)
        self._out.write(struct.pack(">I", len(sealed)) + sealed)
        self._index += 1

    def finish(self) -> None:
        self._emit(bytes(self._buffer), final=True)
        self._buffer.clear()


def _decrypt_chunks(stream: IO[bytes], passphrase: bytes) -> Iterator[bytes]:
    """Yield the plaintext frames of an archive, refusing any altered, reordered or cut one."""
    if stream.read(len(MAGIC)) != MAGIC:
        raise BackupError("This file is not a bedside backup (wrong header).")
    line = stream.readline(4096)
    try:
        params = json.loads(line)
        salt = base64.b64decode(params["salt"])
        prefix = base64.b64decode(params["nonce_prefix"])
        if int(params["format"]) != FORMAT_VERSION or len(prefix) != 8:
            raise BackupError("This backup was written by another version of bedside's backup format.")
        key = _derive(passphrase, salt, int(params["n"]), int(params["r"]), int(params["p"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError("The backup header is damaged.") from exc
    header = MAGIC + line
    aead = AESGCM(key)
    index = 0
    while True:
        size_bytes = stream.read(4)
        if len(size_bytes) < 4:
            raise BackupError("The backup is truncated: its last part is missing.")
        (size,) = struct.unpack(">I", size_bytes)
        if size > CHUNK + 16:
            raise BackupError("The backup is damaged (a part is larger than allowed).")
        sealed = stream.read(size)
        if len(sealed) != size:
            raise BackupError("The backup is truncated: its last part is missing.")
        nonce = prefix + struct.pack(">I", index)
        plain: bytes | None = None
        final = False
        for final in (False, True):
            try:
                plain = aead.decrypt(nonce, sealed, header + struct.pack(">I?", index, final))
                break
            except InvalidTag:
                continue
        if plain is None:
            if index == 0:
                raise BackupError("Wrong passphrase, or the backup has been altered.")
            raise BackupError("The backup has been altered or damaged (a part fails its integrity check).")
        yield plain
        index += 1
        if final:
            if stream.read(1):
                raise BackupError("The backup has data after its last part: it has been altered.")
            return


class _DecryptingReader(io.RawIOBase):
    def __init__(self, chunks: Iterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
        n = min(len(target), len(self._buffer))
        target[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


# --- what is backed up ----------------------------------------------------------------------------

def _database() -> dict[str, Any]:
    from django.conf import settings

    return dict(settings.DATABASES["default"])


def _engine() -> str:
    engine = str(_database()["ENGINE"])
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")


def _pg_args(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run_pg_tool(tool: str, args: list[str], env: dict[str, str]) -> None:
    binary = shutil.which(tool)
    if not binary:
        raise BackupError(f"{tool} is not installed; install the PostgreSQL client tools "
                          f"(apt-get install postgresql-client) matching your server's version.")
    done = subprocess.run([binary, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise BackupError(f"{tool} failed: {last}")


def _dump_database(target_dir: Path) -> Path:
    db = _database()
    if _engine() == "sqlite":
        source = str(db["NAME"])
        if source == ":memory:" or not Path(source).exists():
            raise BackupError(f"The SQLite database {source} does not exist.")
        target = target_dir / "db.sqlite3"
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)  # a consistent snapshot even while the server writes
        return target
    target = target_dir / "db.pgdump"
    args, env = _pg_args(db)
    _run_pg_tool("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *args], env)
    return target


def _file_dirs() -> dict[str, Path]:
    """Return the folders of user files to back up, by their name in the archive."""
    from django.conf import settings

    dirs = {"attachments": Path(settings.BEDSIDE_ATTACHMENT_DIR)}
    media = getattr(settings, "MEDIA_ROOT", "")
    if media:
        dirs["media"] = Path(media)
    return dirs


def _secret_files() -> dict[str, Path]:
    return {name: path for name, path in _secret_targets().items() if path.is_file()}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def backup_create(*, out_path: Path, passphrase: bytes, include_secrets: bool = False) -> dict[str, Any]:
    """Write an encrypted archive of the database, user files and audit tree heads to OUT_PATH.

    The archive is written beside OUT_PATH and renamed into place only when complete, so a
    failed backup never leaves a file that looks like a good one.
    """
    from django.conf import settings

    from bedside.audit.models import AuditEvent

    if out_path.exists():
        raise BackupError(f"{out_path} already exists; choose a new file name (backups are never overwritten).")
    if not out_path.parent.is_dir():
        raise BackupError(f"The folder {out_path.parent} does not exist.")
    manifest: dict[str, Any] = {
        "format": FORMAT_VERSION, "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "engine": _engine(), "audit_events": AuditEvent.objects.count(), "files": {},
        "includes_secrets": include_secrets,
    }
    partial = out_path.with_name(out_path.name + ".partial")
    try:
        with tempfile.TemporaryDirectory(prefix="bedside-backup-") as tmp:
            dump = _dump_database(Path(tmp))
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as raw:
                writer = _EncryptingWriter(raw, passphrase)
                with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                    def add(path: Path, name: str) -> None:
                        manifest["files"][name] = {"sha256": _sha256(path), "size": path.stat().st_size}
                        tar.add(str(path), arcname=name, recursive=False)

                    add(dump, f"database/{dump.name}")
                    for label, folder in _file_dirs().items():
                        if folder.is_dir():
                            for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
                                add(path, f"{label}/{path.relative_to(folder).as_posix()}")
                    heads = Path(settings.BEDSIDE_AUDIT_HEADS_FILE)
                    if heads.is_file():
                        add(heads, "audit/tree-heads.jsonl")
                    if include_secrets:
                        for name, path in _secret_files().items():
                            add(path, name)
                    body = json.dumps(manifest, indent=2, sort_keys=True).encode()
                    info = tarfile.TarInfo("manifest.json")
                    info.size = len(body)
                    info.mtime = int(time.time())
                    tar.addfile(info, io.BytesIO(body))
                writer.finish()
                raw.flush()
                os.fsync(raw.fileno())
        os.replace(partial, out_path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return manifest


# --- restore ------------------------------------------------------------------------------------

def _extract(archive: Path, passphrase: bytes, into: Path) -> dict[str, Any]:
    """Decrypt and unpack ARCHIVE into INTO; return its manifest after checking every file."""
    try:
        stream = archive.open("rb")
    except OSError as exc:
        raise BackupError(f"Cannot read {archive}: {exc.strerror}.") from exc
    with stream:
        reader = io.BufferedReader(_DecryptingReader(_decrypt_chunks(stream, passphrase)), CHUNK)
        try:
            with tarfile.open(fileobj=reader, mode="r|") as tar:
                for member in tar:
                    if not member.isfile() or member.name.startswith("/") or ".." in Path(member.name).parts:
                        raise BackupError(f"The backup holds an unexpected entry ({member.name!r}); refusing it.")
                    tar.extract(member, into, filter="data")
            # tar stops at its end marker; read on so the last frame and the end are authenticated.
            while reader.read(CHUNK):
                pass
        except tarfile.TarError as exc:
            raise BackupError("The backup's contents are damaged.") from exc
    manifest_path = into / "manifest.json"
    if not manifest_path.is_file():
        raise BackupError("The backup has no manifest: it is incomplete.")
    manifest: dict[str, Any] = json.loads(manifest_path.read_text())
    for name, meta in manifest.get("files", {}).items():
        path = into / name
        if not path.is_file() or _sha256(path) != meta["sha256"]:
            raise BackupError(f"The backup's file {name} is missing or does not match its checksum.")
    return manifest


def _sqlite_has_tables(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'").fetchone()
    return bool(row and row[0])


def _pg_has_tables() -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
        row = cursor.fetchone()
    connection.close()
    return bool(row and row[0])


def backup_restore(*, in_path: Path, passphrase: bytes) -> dict[str, Any]:
    """Rebuild a FRESH instance (empty database and file folders) from the archive IN_PATH.

    Everything is decrypted and checked before the first byte is written to the target; a
    non-empty target is refused rather than merged, because a merge would break the audit chain.
    """
    from django.conf import settings
    from django.db import connection

    with tempfile.TemporaryDirectory(prefix="bedside-restore-") as tmp:
        staged = Path(tmp)
        manifest = _extract(in_path, passphrase, staged)
        engine = _engine()
        if manifest.get("engine") != engine:
            raise BackupError(f"This backup holds a {manifest.get('engine')} database; this instance is "
                              f"configured for {engine} (DATABASE_URL).")
        db = _database()
        folders = _file_dirs()
        for label, folder in folders.items():
            if folder.is_dir() and any(folder.iterdir()) and (staged / label).is_dir():
                raise BackupError(f"The folder {folder} is not empty: restore only into a fresh instance.")
        heads = Path(settings.BEDSIDE_AUDIT_HEADS_FILE)
        if heads.is_file() and heads.stat().st_size and (staged / "audit/tree-heads.jsonl").is_file():
            raise BackupError(f"{heads} already holds tree heads: restore only into a fresh instance.")
        if engine == "sqlite":
            target = Path(str(db["NAME"]))
            connection.close()
            if _sqlite_has_tables(target):
                raise BackupError(f"The database {target} is not empty: restore only into a fresh instance "
                                  f"(a new BEDSIDE_VAR_DIR or DATABASE_URL).")
            target.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("-wal", "-shm"):
                Path(str(target) + suffix).unlink(missing_ok=True)
            partial = target.with_name(target.name + ".restoring")
            shutil.copyfile(staged / "database/db.sqlite3", partial)
            os.replace(partial, target)
        else:
            if _pg_has_tables():
                raise BackupError(f"The database {db['NAME']} is not empty: restore only into a fresh, empty database.")
            args, env = _pg_args(db)
            _run_pg_tool("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                                        *args, str(staged / "database/db.pgdump")], env)
        for label, folder in folders.items():
            source = staged / label
            if source.is_dir():
                folder.mkdir(parents=True, exist_ok=True)
                os.chmod(folder, 0o700)
                shutil.copytree(source, folder, dirs_exist_ok=True)
        if (staged / "audit/tree-heads.jsonl").is_file():
            heads.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(staged / "audit/tree-heads.jsonl", heads)
        restored_secrets = []
        if (staged / "secrets").is_dir():
            for name, path in _secret_targets().items():
                source = staged / name
                if source.is_file():
                    path.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, path)
                    os.chmod(path, 0o600)
                    restored_secrets.append(name)
        manifest["restored_secrets"] = restored_secrets
    return manifest


def _secret_targets() -> dict[str, Path]:
    from django.conf import settings

    targets = {"secrets/secrets.json": Path(settings.VAR_DIR) / "secrets.json"}
    key = getattr(settings, "BEDSIDE_AUDIT_KEY_AUTOGENERATE", None)
    if key:
        targets["secrets/audit-signing.key"] = Path(key)
    return targets
