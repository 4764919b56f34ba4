"""Profile photos: checked by content, size-limited, re-encoded to a metadata-free JPEG.

Re-encoding with Pillow drops EXIF (GPS, device), XMP and comments and proves the upload is
really an image; the result is scaled down to at most PHOTO_MAX_SIDE pixels on its long side.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from bedside.core.errors import InvalidInput

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
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                width, height = probe.size
                if width * height > PHOTO_MAX_PIXELS:
                    raise InvalidInput(
                        f"The photo is too large ({width} x {height} pixels).", field="photo"
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as opened:
                opened.load()
                image: Image.Image = ImageOps.exif_transpose(opened) or opened
                image.info = {}
                if image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
                out = io.BytesIO()
                image.save(out, format="JPEG", quality=88, optimize=True)
                return out.getvalue()
    except InvalidInput:
        raise
    except Image.DecompressionBombError as exc:
        raise InvalidInput("The photo is too large.", field="photo") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InvalidInput("This file cannot be read as an image.", field="photo") from exc
