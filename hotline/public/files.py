"""Evidence files from the public: what each is by its content, within limits, photos without location.

A file is accepted only when its bytes are what its name says: JPEG/PNG by their signatures, PDF
by `%PDF-`, Word/Excel (.docx/.xlsx) as a sound zip holding the parts such a document has, read
from the zip directory with the same size and ratio bounds as roll workbooks (nothing inflated).
JPEG photos lose their APP1 (EXIF/XMP) segments — the GPS position a phone writes — and PNGs
their eXIf/tEXt/iTXt/zTXt chunks, unless the reporter chose to keep them.
"""
from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

MAX_FILE_BYTES = 8 << 20  # one file
MAX_FILES = 5  # per report or follow-up
MAX_TOTAL_BYTES = 20 << 20  # all files of one submission
MAX_ZIP_PART_BYTES = 64 << 20  # one part of a .docx/.xlsx, uncompressed
MAX_ZIP_TOTAL_BYTES = 128 << 20
MAX_ZIP_RATIO = 200  # uncompressed / compressed, for parts past 1 MiB (as hotline.crosscheck.readers)
MAX_ZIP_ENTRIES = 2000

KINDS = {"jpg": "jpeg", "jpeg": "jpeg", "png": "png", "pdf": "pdf", "docx": "docx", "xlsx": "xlsx"}
KIND_LABELS = {"jpeg": "JPEG图片", "png": "PNG图片", "pdf": "PDF文件", "docx": "Word文档", "xlsx": "Excel表格"}
MIME = {"jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
ACCEPT = ".jpg,.jpeg,.png,.pdf,.docx,.xlsx"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_PRIVATE = {b"eXIf", b"tEXt", b"iTXt", b"zTXt", b"tIME"}
_OOXML_MAIN = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


class FileRefused(ValueError):
    """A file not accepted; the message (Chinese) names the file and says why."""


@dataclass
class CheckedFile:
    filename: str
    kind: str
    data: bytes
    location_kept: bool

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def safe_name(filename: str) -> str:
    """The name as shown to staff: no path, no control characters, at most 120 characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip() or "附件"
    if len(name) > 120:
        ext = _extension(name)
        name = name[: 119 - len(ext)] + "." + ext
    return name


def sniff(data: bytes) -> str | None:
    """What the bytes are (one of KINDS' values), whatever the name says."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(_PNG_SIGNATURE):
        return "png"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _ooxml_kind(data)
    return None


def _ooxml_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for kind, part in _OOXML_MAIN.items():
        if part in names:
            return kind
    return None


def _check_zip(name: str, data: bytes) -> None:
    """Refuse a zip bomb from its directory alone (zipfile never inflates past what it declares)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise FileRefused(f"“{name}”内部文件过多，可能是恶意构造的文件，已拒绝")
        total = 0
        for info in infos:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if (info.file_size > MAX_ZIP_PART_BYTES or total > MAX_ZIP_TOTAL_BYTES
                    or (info.file_size > 1 << 20 and ratio > MAX_ZIP_RATIO)):
                raise FileRefused(f"“{name}”解压后过大（压缩比{ratio:.0f}倍），可能是恶意构造的文件，已拒绝")
        bad = archive.testzip()
        if bad is not None:
            raise FileRefused(f"“{name}”已损坏（{bad[:40]}），请重新保存后再上传")


def strip_jpeg_metadata(data: bytes) -> bytes:
    """The JPEG without APP1..APP15 segments (EXIF with GPS, XMP, maker notes); APP0 (JFIF) and the
    image data kept. Raises FileRefused on a truncated or malformed header."""
    out = bytearray(data[:2])
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise FileRefused("图片文件结构不完整")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xDA:  # start of scan: the rest is image data
            out += data[pos:]
            return bytes(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out += data[pos:pos + 2]
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        end = pos + 2 + length
        if length < 2 or end > len(data):
            raise FileRefused("图片文件结构不完整")
        if not 0xE1 <= marker <= 0xEF and marker != 0xFE:  # APPn (n ≥ 1) and comments dropped
            out += data[pos:end]
        pos = end
    raise FileRefused("图片文件结构不完整")


def strip_png_metadata(data: bytes) -> bytes:
    """The PNG without eXIf and text chunks (where location and device details are written)."""
    out = bytearray(_PNG_SIGNATURE)
    pos = len(_PNG_SIGNATURE)
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise FileRefused("图片文件结构不完整")
        crc = struct.unpack(">I", data[end - 4:end])[0]
        if zlib.crc32(data[pos + 4:end - 4]) != crc:
            raise FileRefused("图片文件已损坏（校验错误）")
        if kind not in _PNG_PRIVATE:
            out += data[pos:end]
        pos = end
        if kind == b"IEND":
            return bytes(out)
    raise FileRefused("图片文件结构不完整")


def has_location(data: bytes) -> bool:
    """Whether a JPEG still carries an EXIF segment (where phones write GPS)."""
    return data.startswith(b"\xff\xd8") and b"Exif\x00\x00" in data[:1 << 16]


def check(filename: str, data: bytes, *, keep_location: bool = False) -> CheckedFile:
    """The file as it will be stored, or FileRefused with a Chinese reason."""
    name = safe_name(filename)
    claimed = KINDS.get(_extension(name))
    if claimed is None:
        raise FileRefused(f"“{name}”的类型不支持：只接受照片（JPG、PNG）、PDF、Word（.docx）和Excel（.xlsx）")
    if not data:
        raise FileRefused(f"“{name}”是空文件")
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused(f"“{name}”过大（{len(data) / (1 << 20):.1f} MB），每个文件不超过"
                          f"{MAX_FILE_BYTES >> 20} MB")
    actual = sniff(data)
    if actual != claimed:
        what = KIND_LABELS.get(actual, "无法识别的内容")
        raise FileRefused(f"“{name}”的内容与扩展名不符（扩展名是{KIND_LABELS[claimed]}，内容是{what}），"
                          "已拒绝；请上传原始文件")
    try:
        if actual in ("docx", "xlsx"):
            _check_zip(name, data)
        elif actual == "jpeg" and not keep_location:
            data = strip_jpeg_metadata(data)
        elif actual == "png" and not keep_location:
            data = strip_png_metadata(data)
    except FileRefused as exc:
        message = str(exc)
        raise FileRefused(message if message.startswith("“") else f"“{name}”：{message}") from None
    except (zipfile.BadZipFile, OSError, ValueError, struct.error) as exc:
        raise FileRefused(f"“{name}”已损坏，无法读取，请重新保存后再上传") from exc
    return CheckedFile(name, actual, data, keep_location and actual in ("jpeg", "png"))


def check_all(files: list[tuple[str, bytes]], *, keep_location: bool = False) -> tuple[list[CheckedFile], list[str]]:
    """Every file checked: (accepted, Chinese reasons for those refused). Count and total bounded."""
    errors: list[str] = []
    files = [(n, d) for n, d in files if n or d]
    if len(files) > MAX_FILES:
        errors.append(f"一次最多上传{MAX_FILES}个文件（选择了{len(files)}个）")
        files = files[:MAX_FILES]
    if sum(len(d) for _, d in files) > MAX_TOTAL_BYTES:
        return [], errors + [f"文件合计过大，一次合计不超过{MAX_TOTAL_BYTES >> 20} MB"]
    accepted = []
    for name, data in files:
        try:
            accepted.append(check(name, data, keep_location=keep_location))
        except FileRefused as exc:
            errors.append(str(exc))
    return accepted, errors
