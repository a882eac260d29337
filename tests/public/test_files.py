"""Evidence files: accepted by content, within limits; photos lose their location."""
from __future__ import annotations

import io
import zipfile

import pytest

from hotline.public import files

from tests.public.conftest import docx_bytes, jpeg_with_gps, png_bytes, xlsx_bytes


@pytest.mark.parametrize("name,make,kind", [("a.jpg", jpeg_with_gps, "jpeg"), ("b.PNG", png_bytes, "png"),
                                            ("c.docx", docx_bytes, "docx"), ("d.xlsx", xlsx_bytes, "xlsx")])
def test_each_accepted_kind_by_its_content(name, make, kind):
    assert files.check(name, make()).kind == kind


def test_a_pdf_by_its_signature():
    assert files.check("e.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF").kind == "pdf"


@pytest.mark.parametrize("name,data", [("photo.jpg", b"%PDF-1.4 x"), ("list.xlsx", docx_bytes()),
                                       ("doc.docx", b"PK\x03\x04 broken"), ("scan.pdf", b"MZ\x90\x00")])
def test_content_unlike_the_extension_is_refused_in_chinese(name, data):
    with pytest.raises(files.FileRefused, match="内容与扩展名不符"):
        files.check(name, data)


def test_other_types_are_refused():
    with pytest.raises(files.FileRefused, match="类型不支持"):
        files.check("run.exe", b"MZ")


def test_an_oversized_file_is_refused():
    with pytest.raises(files.FileRefused, match="过大"):
        files.check("big.pdf", b"%PDF-" + b"0" * files.MAX_FILE_BYTES)


def test_a_zip_bomb_is_refused_from_its_directory():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"0" * (80 << 20))
    with pytest.raises(files.FileRefused, match="恶意构造"):
        files.check("bomb.docx", out.getvalue())


def test_jpeg_exif_with_gps_is_removed_and_the_image_still_opens():
    from PIL import Image

    photo = jpeg_with_gps()
    assert files.has_location(photo)
    stripped = files.check("p.jpg", photo).data
    assert not files.has_location(stripped)
    image = Image.open(io.BytesIO(stripped))
    image.load()
    assert image.size == (40, 30) and not image.getexif().get_ifd(0x8825)


def test_png_text_chunks_are_removed():
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "30.2N 104.05E")
    out = io.BytesIO()
    Image.new("RGB", (5, 5)).save(out, "PNG", pnginfo=info)
    stripped = files.check("p.png", out.getvalue()).data
    assert b"Location" in out.getvalue() and b"Location" not in stripped
    Image.open(io.BytesIO(stripped)).load()


def test_a_truncated_jpeg_is_refused():
    with pytest.raises(files.FileRefused, match="p.jpg"):
        files.check("p.jpg", jpeg_with_gps()[:30])


def test_too_many_files_are_counted_and_refused():
    accepted, errors = files.check_all([(f"{i}.png", png_bytes()) for i in range(files.MAX_FILES + 1)])
    assert len(accepted) == files.MAX_FILES and "最多上传" in errors[0]


def test_a_path_in_the_name_is_dropped():
    assert files.safe_name("../../etc/passwd.pdf") == "passwd.pdf"
