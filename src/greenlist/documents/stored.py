"""An upload as Django stores it, and its SHA-256: one helper for every door that keeps a file
(application attachments, on-site check material, objection evidence)."""

from __future__ import annotations

import hashlib
from typing import IO, Any

from django.core.files.base import ContentFile, File


def as_file(data: bytes | IO[bytes]) -> File[Any]:
    """Bytes or a seekable file (an upload Django streamed to disk is never read whole)."""
    return ContentFile(data) if isinstance(data, bytes) else File(data)


def digest(content: File[Any]) -> tuple[str, int]:
    """The content's SHA-256 (hex) and size, read in chunks; the file is left at its start."""
    hasher, size = hashlib.sha256(), 0
    content.seek(0)
    for chunk in content.chunks():
        hasher.update(chunk)
        size += len(chunk)
    content.seek(0)
    return hasher.hexdigest(), size
