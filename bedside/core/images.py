"""Re-encode an uploaded image with Pillow: proves it is one, drops its metadata, bounds its size.

Used by message attachments (JPEG or PNG kept as sent) and profile photos (always a scaled
JPEG). The pixel count is checked from the header before anything is decoded; Pillow's own
process-wide limit (Image.MAX_IMAGE_PIXELS) is left alone, since another request or library
must not see a per-call setting (beyond twice that limit Pillow refuses to open the file).
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from bedside.core.errors import InvalidInput


def reencode(
    data: bytes, *, fmt: str, max_pixels: int, field: str, noun: str = "This image",
    max_side: int | None = None, quality: int = 90, keep_profile: bool = True,
) -> bytes:
    """DATA re-encoded as FMT ("JPEG" or "PNG"), EXIF-rotated, without metadata other than the
    colour profile (unless KEEP_PROFILE is false) and PNG transparency, scaled to MAX_SIDE on its
    long side when given.

    Raises InvalidInput on FIELD, worded with NOUN ("This image", "The photo"), for an image over
    MAX_PIXELS or a file that cannot be read as an image.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                width, height = probe.size
                if width * height > max_pixels:
                    raise InvalidInput(
                        f"{noun} is too large ({width} x {height} pixels); the limit is {max_pixels:,} pixels.", field=field
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as opened:
                opened.load()
                image: Image.Image = ImageOps.exif_transpose(opened) or opened
                # Pillow carries some metadata from .info into the saved file (JPEG comments
                # among them): keep only what the picture needs to look the same.
                keep = (("icc_profile",) if keep_profile else ()) + (("transparency",) if fmt == "PNG" else ())
                extra = {key: image.info[key] for key in keep if image.info.get(key) is not None}
                image.info = {}
                if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                if max_side is not None:
                    image.thumbnail((max_side, max_side))
                out = io.BytesIO()
                if fmt == "JPEG":
                    image.save(out, format="JPEG", quality=quality, optimize=True, **extra)
                else:
                    image.save(out, format="PNG", optimize=False, **extra)
                return out.getvalue()
    except InvalidInput:
        raise
    except Image.DecompressionBombError as exc:
        raise InvalidInput(f"{noun} is too large; the limit is {max_pixels:,} pixels.", field=field) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InvalidInput(f"{noun} cannot be read as an image.", field=field) from exc
