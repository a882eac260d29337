"""Fixtures for the public side: the form token's minimum age off, sample evidence files."""
from __future__ import annotations

import io
import re
import zipfile

import pytest


@pytest.fixture
def public_app(app):
    app.config["PUBLIC_FORM_MIN_SECONDS"] = 0  # the minimum age has its own tests
    return app


def form_token(html: str) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', html)
    assert match, "the form has no form token"
    return match.group(1)


def jpeg_with_gps() -> bytes:
    """A real photo as a phone writes it: EXIF with a GPS position (Pillow, test-only)."""
    from PIL import Image

    image = Image.new("RGB", (40, 30), (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (30.0, 12.0, 5.0), "E", (104.0, 3.0, 7.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 0, 200)).save(out, "PNG")
    return out.getvalue()


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>材料</w:document>")
    return out.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = "名单"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def send_report(public_app, client, county):
    """POST the public form as a browser would (token from the page); files as (name, bytes)."""

    def send(text="石桥镇红旗村村支书王某把低保名额给了自己的亲戚，涉及金额约两万元。", files=(), **fields):
        page = client.get("/report").get_data(as_text=True)
        data = {"form_token": form_token(page), "text": text, "identity": "anonymous", **fields}
        if files:
            data["files"] = [(io.BytesIO(content), name) for name, content in files]
        return client.post("/report", data=data, content_type="multipart/form-data")

    return send


@pytest.fixture
def opened(app, db):
    """A stored attachment's bytes, opened with the app's vault (the view is audited)."""
    from hotline.public.service import open_attachment

    def open_(attachment):
        with app.app_context():
            data = open_attachment(db, attachment, user=None)
        db.rollback()
        return data

    return open_
