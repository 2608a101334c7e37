"""Binary answers (exports, reports, the template) as downloads with a safe, UTF-8 file name."""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi.responses import Response

__all__ = ["download"]

_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/;]')


def download(content: bytes, media_type: str, filename: str) -> Response:
    """``Content-Disposition: attachment`` with an ASCII fallback and the RFC 5987 UTF-8 name."""
    clean = _UNSAFE.sub("_", filename).strip() or "download"
    ascii_name = clean.encode("ascii", "replace").decode("ascii").replace("?", "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(clean, safe='')}"
    return Response(content=content, media_type=media_type, headers={"Content-Disposition": disposition})
