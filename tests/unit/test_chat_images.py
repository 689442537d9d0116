"""Chat images are re-encoded from their pixels before they are stored: whatever a camera or an editor wrote
beside the picture (EXIF with the GPS position, XMP, comments, PNG text chunks) is gone, the format stays,
the picture stays upright and still decodes."""

import io

import pytest
from builders import image_bytes
from PIL import Image, PngImagePlugin

from krypton_app.domain.errors import KryptonError
from krypton_app.services.chat import IMAGE_MAX_PIXELS, without_metadata

GPS_IFD = 0x8825
ORIENTATION = 0x0112
SECRET = b"55.7558N-37.6173E"  # stands for anything private written beside the pixels


def exif_with_position() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x010E] = SECRET.decode()  # ImageDescription
    exif[GPS_IFD] = {1: "N", 2: (55.0, 45.0, 21.0), 3: "E", 4: (37.0, 37.0, 4.0)}
    return exif


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("kind", ["jpeg", "png", "webp"])
def test_exif_and_xmp_are_dropped_and_the_format_is_kept(kind):
    original = image_bytes(kind, size=(40, 30), exif=exif_with_position(), xmp=b"<x:xmpmeta>" + SECRET + b"</x>")
    before = decoded(original)
    assert before.getexif().get_ifd(GPS_IFD) and SECRET in original  # what a phone writes is really there

    clean = without_metadata(original, kind)
    assert SECRET not in clean and b"PhoneMaker" not in clean
    after = decoded(clean)
    assert (after.format, after.size) == (before.format, (40, 30))
    assert len(after.getexif()) == 0 and "exif" not in after.info and "xmp" not in after.info


def test_png_text_chunks_go_and_pixels_stay_exact():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET.decode())
    info.add_itxt("Location", SECRET.decode())
    original = image_bytes("png", size=(16, 8), color=(10, 20, 30), pnginfo=info)
    assert SECRET in original

    clean = without_metadata(original, "png")
    assert SECRET not in clean
    assert decoded(clean).tobytes() == decoded(original).tobytes()  # PNG is lossless: the same picture


def test_a_jpeg_comment_goes():
    original = image_bytes("jpeg", comment=SECRET)
    assert SECRET in original
    assert SECRET not in without_metadata(original, "jpeg")


def test_the_orientation_is_applied_so_the_picture_stays_upright():
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # "rotate 90° clockwise to view": how phones store portrait photos
    original = image_bytes("jpeg", size=(60, 20), exif=exif)
    clean = decoded(without_metadata(original, "jpeg"))
    assert clean.size == (20, 60) and ORIENTATION not in clean.getexif()


def test_transparency_survives():
    out = io.BytesIO()
    Image.new("RGBA", (8, 8), (255, 0, 0, 0)).save(out, format="PNG")
    clean = decoded(without_metadata(out.getvalue(), "png"))
    assert clean.mode == "RGBA" and clean.getpixel((0, 0))[3] == 0


@pytest.mark.parametrize(
    ("data", "kind", "code"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "png", "chat_image_type"),  # magic bytes only
        (image_bytes("jpeg")[:200], "jpeg", "chat_image_type"),  # cut short
        (image_bytes("png"), "jpeg", "chat_image_type"),  # a PNG is not read as a JPEG
        (image_bytes("png", size=(IMAGE_MAX_PIXELS // 1000 + 1, 1000)), "png", "chat_image_too_many_pixels"),
    ],
)
def test_what_does_not_decode_or_is_too_big_decoded_is_refused(data, kind, code):
    with pytest.raises(KryptonError) as error:
        without_metadata(data, kind)
    assert error.value.code == code
