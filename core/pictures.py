"""Editors' own pictures (a guide step, a diagnosis question): only real images, re-encoded.

Pillow opens the upload (anything that isn't a JPEG, PNG or WebP picture is refused with a
plain message), turns it upright, and writes it anew as WebP: metadata (GPS position, camera)
and any bytes that aren't the picture are dropped. Two widths are kept for `srcset`.
"""

from __future__ import annotations

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from core.illustrations import template_name, validate_illustration

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
LARGE, SMALL = 1280, 640  # px wide: a sharp phone screen, and a plain one


def reencode(upload) -> ContentFile:
    """The upload as a new WebP file at most LARGE px wide, or ValidationError in plain words."""
    refuse = ValidationError(_("This file is not a picture we can use: upload a photo or drawing as JPEG, PNG or WebP."))
    if upload.size > MAX_BYTES:
        raise ValidationError(_("This picture is larger than 10 MB: make it smaller and upload it again."))
    try:
        with Image.open(upload) as probe:
            probe.verify()  # the whole file is a well-formed image
        upload.seek(0)
        image = Image.open(upload)
        if image.format not in ALLOWED_FORMATS or image.width * image.height > MAX_PIXELS:
            raise refuse
        image = ImageOps.exif_transpose(image)
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise refuse from None
    image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    return ContentFile(webp(image, LARGE), name=f"{uuid.uuid4().hex}.webp")


def webp(image: Image.Image, width: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((width, width * 4))
    out = io.BytesIO()
    copy.save(out, "WEBP", quality=80, method=4)  # no exif, no icc: nothing but pixels
    return out.getvalue()


def small_name(name: str) -> str:
    return name.removesuffix(".webp") + f"-{SMALL}.webp"


def ensure_small(field_file) -> None:
    """The SMALL-wide copy beside a stored picture (made once)."""
    if not field_file or not field_file.name.endswith(".webp"):
        return
    name = small_name(field_file.name)
    if default_storage.exists(name):
        return
    with default_storage.open(field_file.name) as stored, Image.open(stored) as image:
        image.load()
        default_storage.save(name, ContentFile(webp(image, SMALL)))


def srcset(field_file, width: int | None) -> str:
    """`srcset` for a stored picture: the small copy and the picture itself."""
    if not field_file or not field_file.name.endswith(".webp"):
        return ""
    return f"{default_storage.url(small_name(field_file.name))} {SMALL}w, {field_file.url} {width or LARGE}w"


class PictureFormMixin:
    """Admin forms with `picture` and `picture_alt`: the upload re-encoded, a description required."""

    def clean_picture(self):
        picture = self.cleaned_data.get("picture")
        if picture and hasattr(picture, "content_type"):  # a new upload, not the stored file
            return reencode(picture)
        return picture

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("picture") and not (cleaned.get("picture_alt") or "").strip():
            self.add_error("picture_alt", _("Describe the picture for owners who can't see it."))
        return cleaned


def picture_path(instance, filename: str) -> str:
    return f"{instance._meta.model_name}/{filename}"


class Illustrated(models.Model):
    """What can be shown beside a text an owner follows (a guide step, a diagnosis question):
    one of the site's drawings, and an editor's own picture with its description."""

    illustration = models.CharField(
        gettext_lazy("drawing"),
        max_length=60,
        blank=True,
        validators=[validate_illustration],
        help_text=gettext_lazy("One of the site's labelled drawings, shown beside the text."),
    )
    picture = models.ImageField(
        gettext_lazy("picture"),
        upload_to=picture_path,
        blank=True,
        width_field="picture_width",
        height_field="picture_height",
        help_text=gettext_lazy("A photo or drawing (JPEG, PNG or WebP); it is stored anew, without its metadata."),
    )
    picture_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    picture_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    picture_alt = models.CharField(gettext_lazy("picture description"), max_length=250, blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        ensure_small(self.picture)

    @property
    def illustration_template(self) -> str:
        return template_name(self.illustration) if self.illustration else ""

    @property
    def picture_srcset(self) -> str:
        return srcset(self.picture, self.picture_width)
