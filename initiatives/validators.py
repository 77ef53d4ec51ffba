"""Validators shared by models and forms."""

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

#: Pillow format name -> file extensions we accept for it.
IMAGE_FORMATS = {
    "PNG": {"png"},
    "JPEG": {"jpg", "jpeg"},
    "GIF": {"gif"},
    "WEBP": {"webp"},
}
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_PIXELS = 4000 * 4000


@deconstructible
class ImageValidator:
    """Accept only a real PNG, JPEG, GIF or WebP image of sensible size.

    The file's bytes decide the type, not its name or the browser's claim, and
    the name's extension must agree with them, so that a file is always served
    with the type it really has.
    """

    def __call__(self, value):
        if not value:
            return
        if value.size > MAX_IMAGE_BYTES:
            raise ValidationError(
                _("The image is %(size)s MB; the limit is 2 MB."),
                code="image_too_large",
                params={"size": f"{value.size / 1024 / 1024:.1f}"},
            )
        position = value.tell() if hasattr(value, "tell") else 0
        try:
            value.seek(0)
            with Image.open(value) as image:
                image_format = image.format
                width, height = image.size
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise ValidationError(
                _("The file is not an image we can read (PNG, JPEG, GIF or WebP)."),
                code="not_an_image",
            ) from error
        finally:
            value.seek(position)
        if image_format not in IMAGE_FORMATS:
            raise ValidationError(
                _("Images must be PNG, JPEG, GIF or WebP, not %(format)s."),
                code="image_type",
                params={"format": image_format},
            )
        if width * height > MAX_IMAGE_PIXELS:
            raise ValidationError(
                _("The image is %(width)s × %(height)s pixels; at most 4000 × 4000."),
                code="image_dimensions",
                params={"width": width, "height": height},
            )
        extension = value.name.rsplit(".", 1)[-1].lower() if "." in value.name else ""
        if extension not in IMAGE_FORMATS[image_format]:
            raise ValidationError(
                _("The name ends in “.%(extension)s” but the file is %(format)s."),
                code="image_extension",
                params={"extension": extension, "format": image_format},
            )

    def __eq__(self, other):
        return isinstance(other, ImageValidator)


validate_image = ImageValidator()
