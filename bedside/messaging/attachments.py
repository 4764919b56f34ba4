"""Attachment intake: type by content, size and pixel limits, metadata stripped, encrypted at rest.

Images are decoded and re-encoded with Pillow: that drops EXIF (GPS, device), XMP and
comments, and proves the file is really an image (a polyglot does not survive re-encoding).
PDFs are accepted by signature and stored unchanged (they are never rendered by bedside).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage

from bedside.core import crypto
from bedside.core.errors import InvalidInput
from bedside.core.images import reencode

log = logging.getLogger(__name__)

ALLOWED = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
MAX_FILES_PER_MESSAGE = 5


@dataclass(frozen=True)
class CleanFile:
    filename: str
    content_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def safe_filename(name: str, content_type: str) -> str:
    """Return a display name without paths or control characters, with the extension of the real type."""
    base = os.path.basename(name.replace("\\", "/"))
    base = unicodedata.normalize("NFKC", base)
    base = re.sub(r"[^\w.\- ()]+", "_", base).strip(" ._") or "attachment"
    stem = base.rsplit(".", 1)[0][:80] or "attachment"
    return stem + ALLOWED[content_type]


def _reencode_image(data: bytes, content_type: str) -> bytes:
    return reencode(
        data, fmt="JPEG" if content_type == "image/jpeg" else "PNG",
        max_pixels=settings.BEDSIDE_ATTACHMENT_MAX_PIXELS, field="attachments", noun="This image",
    )


def attachment_clean(*, name: str, data: bytes) -> CleanFile:
    """Check one uploaded file and return what will be stored, or raise InvalidInput saying why."""
    limit = settings.BEDSIDE_ATTACHMENT_MAX_BYTES
    if len(data) == 0:
        raise InvalidInput(f"{safe_filename(name, 'application/pdf')[:-4]!s}: the file is empty.", field="attachments")
    if len(data) > limit:
        raise InvalidInput(
            f"A file is {len(data) / 1_048_576:.1f} MB; the limit is {limit / 1_048_576:.0f} MB per file.",
            field="attachments",
        )
    content_type = _sniff(data)
    if content_type is None:
        raise InvalidInput(
            "Only photos (JPEG, PNG) and PDF documents can be attached; this file is neither.",
            field="attachments",
        )
    if content_type.startswith("image/"):
        data = _reencode_image(data, content_type)
    elif b"%%EOF" not in data[-2048:]:
        raise InvalidInput("This PDF is incomplete or damaged.", field="attachments")
    return CleanFile(filename=safe_filename(name, content_type), content_type=content_type, data=data)


def storage_dir() -> Path:
    path = Path(settings.BEDSIDE_ATTACHMENT_DIR)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _shared_storage() -> Storage | None:
    """Return the object storage (S3-compatible, django-storages) when BEDSIDE_S3_BUCKET names one.

    Several app servers then share the blobs; without it they live under BEDSIDE_ATTACHMENT_DIR
    (which several servers can share over a network file system). Blobs are encrypted here either
    way: the storage never sees a plain file.
    """
    return default_storage if settings.BEDSIDE_S3_BUCKET else None


def blob_write(data: bytes) -> str:
    """Encrypt DATA and store it whole or not at all; return its storage name.

    On disk: temp file, fsync, rename. In object storage: one PUT of the finished object.
    """
    name = secrets.token_hex(20)
    token = crypto.encrypt_bytes(data)
    shared = _shared_storage()
    if shared is not None:
        try:
            stored = shared.save(f"attachments/{name}", ContentFile(token))
        except Exception as exc:  # botocore raises its own types; all mean "not stored"
            log.error("attachment storage error: %s", type(exc).__name__)
            raise InvalidInput(
                "The attachment could not be saved (storage error). Nothing was sent; please try again.",
                code="storage_error",
            ) from exc
        if stored != f"attachments/{name}":  # the backend renamed it: keep the name it used
            shared.delete(stored)
            raise InvalidInput("The attachment could not be saved (storage error). Nothing was sent; please try again.",
                               code="storage_error")
        return name
    tmp: Path | None = None
    try:
        directory = storage_dir()
        tmp = directory / f".{name}.tmp"
        with open(tmp, "wb") as handle:
            handle.write(token)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, directory / name)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        log.error("attachment storage error: %s", type(exc).__name__)
        raise InvalidInput(
            "The attachment could not be saved (storage error). Nothing was sent; please try again.",
            code="storage_error",
        ) from exc
    return name


def blob_delete(name: str) -> None:
    """Remove a stored blob; used while unwinding a failed send, so it never raises."""
    try:
        shared = _shared_storage()
        if shared is not None:
            shared.delete(f"attachments/{name}")
        else:
            (Path(settings.BEDSIDE_ATTACHMENT_DIR) / name).unlink(missing_ok=True)
    except Exception as exc:
        log.error("attachment %s could not be removed: %s", name[:8], type(exc).__name__)


def blob_read(name: str) -> bytes:
    shared = _shared_storage()
    if shared is not None:
        try:
            with shared.open(f"attachments/{name}", "rb") as handle:
                return crypto.decrypt_bytes(handle.read())
        except FileNotFoundError:
            raise
        except Exception as exc:  # callers treat a missing or unreadable blob alike
            raise OSError(f"attachment blob unreadable: {type(exc).__name__}") from exc
    return crypto.decrypt_bytes((storage_dir() / name).read_bytes())
