"""Profile photos: checked by content, size-limited, re-encoded to a metadata-free JPEG.

Re-encoding with Pillow drops EXIF (GPS, device), XMP and comments and proves the upload is
really an image; the result is scaled down to at most PHOTO_MAX_SIDE pixels on its long side.
"""

from __future__ import annotations

from bedside.core.errors import InvalidInput
from bedside.core.images import reencode

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_MAX_SIDE = 800


def photo_clean(data: bytes) -> bytes:
    """Return DATA re-encoded as a JPEG of at most PHOTO_MAX_SIDE pixels, or raise InvalidInput."""
    if not data:
        raise InvalidInput("The photo file is empty.", field="photo")
    if len(data) > PHOTO_MAX_BYTES:
        raise InvalidInput(
            f"The photo is {len(data) / 1_048_576:.1f} MB; the limit is {PHOTO_MAX_BYTES // 1_048_576} MB.", field="photo"
        )
    if not (data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n")):
        raise InvalidInput("A profile photo must be a JPEG or PNG image.", field="photo")
    return reencode(
        data, fmt="JPEG", max_pixels=PHOTO_MAX_PIXELS, field="photo", noun="The photo",
        max_side=PHOTO_MAX_SIDE, quality=88, keep_profile=False,
    )
