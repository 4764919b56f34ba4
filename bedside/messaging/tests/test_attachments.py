"""Attachment intake and storage: type by content, limits, metadata stripped, encrypted, no orphans."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import pytest
from django.db import DatabaseError
from PIL import Image

from bedside.accounts.models import Practice
from bedside.consent import services as consent
from bedside.consent.models import ConsentSignature, Scope
from bedside.core.errors import InvalidInput
from bedside.messaging import attachments, services
from bedside.messaging.attachments import attachment_clean, blob_read, blob_write, safe_filename
from bedside.messaging.models import Attachment, Message, Thread

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def storage(settings, tmp_path: Path) -> Path:
    """Give every test its own attachment directory, so file counts are exact."""
    directory = tmp_path / "attachments"
    settings.BEDSIDE_ATTACHMENT_DIR = directory
    return directory


def stored_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def jpeg_with_gps(size: tuple[int, int] = (64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (40.0, 42.0, 46.0)
    gps[3] = "W"
    gps[4] = (74.0, 0.0, 21.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"taken at 12 Elm Street")
    data = out.getvalue()
    # Sanity: the fixture really carries GPS data.
    with Image.open(io.BytesIO(data)) as check:
        assert check.getexif().get_ifd(GPS_IFD)
    return data


def png(size: tuple[int, int] = (32, 32), **info) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 0, 255)).save(out, format="PNG", **info)
    return out.getvalue()


def pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A 1-bit PNG of WIDTHxHEIGHT white pixels that compresses to a few dozen kilobytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def riverside() -> Practice:
    return Practice.objects.get(name="Riverside Family Medicine")


# --- attachment_clean --------------------------------------------------------------------


def test_jpeg_exif_and_gps_are_removed():
    original = jpeg_with_gps()
    clean = attachment_clean(name="IMG_0001.JPG", data=original)
    assert clean.content_type == "image/jpeg" and clean.filename == "IMG_0001.jpg"
    with Image.open(io.BytesIO(clean.data)) as image:
        assert image.format == "JPEG" and image.size == (64, 48)
        exif = image.getexif()
        assert not exif.get_ifd(GPS_IFD)
        assert 0x010F not in exif and 0x0110 not in exif
        assert "exif" not in image.info and "comment" not in image.info
    assert b"PhoneMaker" not in clean.data and b"Elm Street" not in clean.data


def test_exif_orientation_is_applied_before_it_is_removed():
    image = Image.new("RGB", (40, 20), (0, 0, 255))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    clean = attachment_clean(name="sideways.jpg", data=out.getvalue())
    with Image.open(io.BytesIO(clean.data)) as stored:
        assert stored.size == (20, 40)
        assert 0x0112 not in stored.getexif()


def test_png_is_accepted_and_its_text_chunks_dropped():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "patient Bob Lindqvist, home address")
    clean = attachment_clean(name="scan.png", data=png(pnginfo=info))
    assert clean.content_type == "image/png" and clean.filename == "scan.png"
    assert b"Lindqvist" not in clean.data
    with Image.open(io.BytesIO(clean.data)) as image:
        assert image.format == "PNG" and image.size == (32, 32)


def test_png_exif_gps_is_removed():
    exif = Image.Exif()
    exif.get_ifd(GPS_IFD)[2] = (40.0, 42.0, 46.0)
    exif[0x010F] = "PhoneMaker"
    data = png(exif=exif)
    with Image.open(io.BytesIO(data)) as check:
        assert check.getexif().get_ifd(GPS_IFD)
    clean = attachment_clean(name="shot.png", data=data)
    with Image.open(io.BytesIO(clean.data)) as image:
        assert not image.getexif().get_ifd(GPS_IFD) and 0x010F not in image.getexif()
    assert b"PhoneMaker" not in clean.data


def test_png_transparency_survives_cleaning():
    image = Image.new("P", (8, 8), 1)
    image.putpalette([0, 0, 0, 255, 255, 255] + [0] * 762)
    out = io.BytesIO()
    image.save(out, format="PNG", transparency=1)
    clean = attachment_clean(name="icon.png", data=out.getvalue())
    with Image.open(io.BytesIO(clean.data)) as stored:
        assert stored.info.get("transparency") == 1


def test_pdf_is_accepted_unchanged():
    data = pdf()
    clean = attachment_clean(name="lab results.pdf", data=data)
    assert clean.content_type == "application/pdf" and clean.data == data
    assert clean.filename == "lab results.pdf"


def test_type_comes_from_content_not_name():
    clean = attachment_clean(name="notes.pdf", data=png())
    assert clean.content_type == "image/png" and clean.filename == "notes.png"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("photo.jpg", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200),  # a Windows executable
        ("photo.jpg", b"<html><script>alert(1)</script></html>"),
        ("photo.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
        ("doc.pdf", b"PK\x03\x04" + b"\x00" * 100),  # a zip
        ("photo.jpg", b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>"),  # JPEG magic, not a JPEG
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50),  # truncated PNG
        ("doc.pdf", b"%PDF-1.4\n<html>no end marker"),
        ("gif.jpg", b"GIF89a" + b"\x00" * 50),
    ],
)
def test_disguised_or_broken_files_are_refused(name, data):
    with pytest.raises(InvalidInput) as info:
        attachment_clean(name=name, data=data)
    assert info.value.field == "attachments" and info.value.message


def test_empty_file_is_refused():
    with pytest.raises(InvalidInput, match="empty"):
        attachment_clean(name="x.pdf", data=b"")


def test_oversized_file_is_refused(settings):
    settings.BEDSIDE_ATTACHMENT_MAX_BYTES = 2048
    with pytest.raises(InvalidInput, match="limit"):
        attachment_clean(name="big.pdf", data=pdf() + b"%" * 4096 + b"\n%%EOF\n")
    attachment_clean(name="small.pdf", data=pdf())  # under the limit is fine


def test_pixel_flood_is_refused_without_decoding(settings):
    settings.BEDSIDE_ATTACHMENT_MAX_PIXELS = 1_000_000
    bomb = png_bomb()
    assert len(bomb) < 1_000_000  # small file, 400 megapixels
    with pytest.raises(InvalidInput, match="too large"):
        attachment_clean(name="bomb.png", data=bomb)


def test_pixel_flood_far_over_the_limit_is_refused(settings):
    # More than twice the limit: Pillow itself raises DecompressionBombError on open.
    settings.BEDSIDE_ATTACHMENT_MAX_PIXELS = 1_000
    with pytest.raises(InvalidInput, match="too large"):
        attachment_clean(name="bomb.png", data=png_bomb(2_000, 2_000))


def test_image_just_under_the_pixel_limit_is_accepted(settings):
    settings.BEDSIDE_ATTACHMENT_MAX_PIXELS = 32 * 32
    assert attachment_clean(name="ok.png", data=png((32, 32))).content_type == "image/png"
    with pytest.raises(InvalidInput):
        attachment_clean(name="big.png", data=png((33, 32)))


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("../../etc/passwd.jpg", "image/jpeg", "passwd.jpg"),
        ("C:\\Users\\bob\\photo.JPG", "image/jpeg", "photo.jpg"),
        ("rash<script>.png", "image/png", "rash_script_.png"),
        ("report.exe", "application/pdf", "report.pdf"),
        ("", "image/png", "attachment.png"),
        ("....", "image/png", "attachment.png"),
        ("a" * 300 + ".pdf", "application/pdf", "a" * 80 + ".pdf"),
        ("name\x00with\nnull.jpg", "image/jpeg", "name_with_null.jpg"),
    ],
)
def test_safe_filename(name, content_type, expected):
    assert safe_filename(name, content_type) == expected


# --- blob storage ------------------------------------------------------------------------


def test_blobs_are_encrypted_on_disk_and_read_back(storage):
    data = jpeg_with_gps()
    name = blob_write(data)
    raw = (storage / name).read_bytes()
    assert raw != data and data not in raw and b"\xff\xd8\xff" not in raw[:16]
    assert blob_read(name) == data
    assert stored_files(storage) == [name]  # no temp file left behind
    attachments.blob_delete(name)
    assert stored_files(storage) == []


def test_storage_error_is_clear_and_leaves_nothing(storage, monkeypatch):
    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(attachments.os, "replace", disk_full)
    with pytest.raises(InvalidInput) as info:
        blob_write(b"%PDF-1.4 data %%EOF")
    assert info.value.code == "storage_error" and "could not be saved" in info.value.message
    assert stored_files(storage) == []


# --- through the services ----------------------------------------------------------------


def test_thread_with_photo_stores_it_clean_and_encrypted(pat_bob, dr_alice, storage):
    photo = attachment_clean(name="rash.jpg", data=jpeg_with_gps())
    document = attachment_clean(name="labs.pdf", data=pdf())
    result = services.thread_create(patient=pat_bob, practice=riverside(), subject="Rash", category="medical_question",
                                    body="Photo attached", files=[photo, document])
    stored = list(Attachment.objects.filter(message=result.message).order_by("id"))
    assert [a.content_type for a in stored] == ["image/jpeg", "application/pdf"]
    assert [a.filename for a in stored] == ["rash.jpg", "labs.pdf"]
    assert stored_files(storage) == sorted(a.storage_name for a in stored)
    for attachment, clean in zip(stored, (photo, document), strict=True):
        raw = (storage / attachment.storage_name).read_bytes()
        assert raw != clean.data and clean.data not in raw
        assert blob_read(attachment.storage_name) == clean.data
        assert attachment.size == len(clean.data) and attachment.sha256 == clean.sha256
    with Image.open(io.BytesIO(blob_read(stored[0].storage_name))) as image:
        assert not image.getexif().get_ifd(GPS_IFD)
    # Alice replies with a file of her own.
    reply = services.message_send(author=dr_alice, thread=result.thread, body="See instructions",
                                  files=[attachment_clean(name="instructions.pdf", data=pdf())])
    assert reply.message.attachments.count() == 1
    assert len(stored_files(storage)) == 3


def test_photo_without_photo_consent_is_refused(pat_bob, storage):
    signature = ConsentSignature.objects.get(patient=pat_bob, scope=Scope.PHOTO_SHARING, revoked_at__isnull=True)
    consent.consent_revoke(patient=pat_bob, signature=signature)
    photo = attachment_clean(name="rash.jpg", data=jpeg_with_gps())
    with pytest.raises(services.MessagingRefused) as info:
        services.thread_create(patient=pat_bob, practice=riverside(), subject="Rash", category="medical_question",
                               body="Photo attached", files=[photo])
    assert info.value.code == "consent_required" and info.value.status == 403
    assert not Thread.objects.exists() and stored_files(storage) == []
    # A PDF needs no photo consent.
    services.thread_create(patient=pat_bob, practice=riverside(), subject="Labs", category="other",
                           body="PDF attached", files=[attachment_clean(name="labs.pdf", data=pdf())])


def test_dana_without_photo_consent_cannot_reply_with_a_photo(pat_dana, storage):
    lakeside = Practice.objects.get(name="Lakeside Orthopedics")
    thread = services.thread_create(patient=pat_dana, practice=lakeside, subject="Knee", category="post_op",
                                    body="Swelling is down").thread
    before = Message.objects.count()
    with pytest.raises(services.MessagingRefused):
        services.message_send(author=pat_dana, thread=thread, body="Here is a picture",
                              files=[attachment_clean(name="knee.png", data=png())])
    assert Message.objects.count() == before and stored_files(storage) == []


def test_too_many_files_are_refused(pat_bob):
    files = [attachment_clean(name=f"f{i}.pdf", data=pdf()) for i in range(attachments.MAX_FILES_PER_MESSAGE + 1)]
    with pytest.raises(InvalidInput, match="At most"):
        services.thread_create(patient=pat_bob, practice=riverside(), subject="Many", category="other",
                               body="Files", files=files)
    assert not Thread.objects.exists()


def test_storage_error_during_send_creates_no_rows(pat_bob, storage, monkeypatch):
    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(attachments.os, "replace", disk_full)
    with pytest.raises(InvalidInput) as info:
        services.thread_create(patient=pat_bob, practice=riverside(), subject="Labs", category="other",
                               body="PDF attached", files=[attachment_clean(name="labs.pdf", data=pdf())])
    assert info.value.code == "storage_error"
    assert not Thread.objects.exists() and not Message.objects.exists() and not Attachment.objects.exists()
    assert stored_files(storage) == []


def test_unwritable_storage_directory_is_a_clear_error(pat_bob, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the directory should be")
    settings.BEDSIDE_ATTACHMENT_DIR = blocker / "attachments"
    with pytest.raises(InvalidInput) as info:
        services.thread_create(patient=pat_bob, practice=riverside(), subject="Labs", category="other",
                               body="PDF attached", files=[attachment_clean(name="labs.pdf", data=pdf())])
    assert info.value.code == "storage_error"
    assert not Thread.objects.exists() and not Message.objects.exists()


def test_failure_after_files_were_written_leaves_no_orphan(pat_bob, storage, monkeypatch):
    real = services.audit_record

    def failing_audit(**kwargs):
        if kwargs.get("action") == "message.send":
            raise DatabaseError("audit unavailable")
        return real(**kwargs)

    monkeypatch.setattr(services, "audit_record", failing_audit)
    files = [attachment_clean(name="labs.pdf", data=pdf()), attachment_clean(name="rash.jpg", data=jpeg_with_gps())]
    with pytest.raises(DatabaseError):
        services.thread_create(patient=pat_bob, practice=riverside(), subject="Labs", category="other",
                               body="Files attached", files=files)
    assert not Thread.objects.exists() and not Attachment.objects.exists()
    assert stored_files(storage) == []


def test_failure_in_a_reply_after_files_were_written_leaves_no_orphan(pat_bob, dr_alice, storage, monkeypatch):
    thread = services.thread_create(patient=pat_bob, practice=riverside(), subject="Labs", category="other",
                                    body="Question").thread
    before = Message.objects.count()

    def failing_notify(**kwargs):
        raise RuntimeError("queue table locked")

    monkeypatch.setattr(services, "_notify", failing_notify)
    with pytest.raises(RuntimeError):
        services.message_send(author=dr_alice, thread=thread, body="Files",
                              files=[attachment_clean(name="a.pdf", data=pdf())])
    assert Message.objects.count() == before and stored_files(storage) == []


def test_storage_dir_is_private(storage):
    blob_write(b"%PDF-1.4 %%EOF")
    assert oct(os.stat(storage).st_mode & 0o777) == oct(0o700)


def test_blobs_go_to_shared_object_storage_when_a_bucket_is_configured(settings):
    """Several app servers share blobs through django-storages (S3 in production; an in-memory
    storage stands in for the bucket here): encrypted before upload, read back, deleted."""
    from django.core.files.storage import default_storage

    from bedside.messaging.attachments import blob_delete, blob_read, blob_write

    settings.BEDSIDE_S3_BUCKET = "bedside-test"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    secret = b"%PDF-1.4 lab results of a patient %%EOF"
    name = blob_write(secret)
    key = f"attachments/{name}"
    assert default_storage.exists(key)
    with default_storage.open(key, "rb") as handle:
        assert b"lab results" not in handle.read()  # the bucket only ever holds ciphertext
    assert blob_read(name) == secret
    blob_delete(name)
    assert not default_storage.exists(key)
    with pytest.raises(OSError):
        blob_read(name)
