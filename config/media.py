"""Editors' uploaded pictures under /media/, served by the site itself (dev and production).

Uploads are re-encoded to WebP before they are stored (core/pictures.py), but files can reach
the folder other ways (a restore, a hand copy). So only picture types are ever served, each
with its own fixed content type, `nosniff` and a policy that runs nothing: a stray .html or
.svg is a 404, never a page on the site's origin.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils._os import safe_join
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

PICTURE_TYPES = {".webp": "image/webp", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


@require_safe
@cache_control(public=True, max_age=60 * 60 * 24 * 30)  # stored under new random names: never changed in place
def serve_media(request, path: str):
    content_type = PICTURE_TYPES.get(Path(path).suffix.lower())
    try:
        full = Path(safe_join(settings.MEDIA_ROOT, path))
    except (ValueError, PermissionError):  # ../ out of the folder
        raise Http404(path) from None
    if content_type is None or not full.is_file():
        raise Http404(path)
    response = FileResponse(full.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
