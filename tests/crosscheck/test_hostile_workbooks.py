"""Hostile roll files are refused before they are parsed, in Chinese, with bounded memory; the
uploaded file never stays in the spool folder after a failure.

The files are written here by hand (zip parts and all): a small workbook whose one shared string
inflates to hundreds of MB, a whole-sheet dimension or merge, over-long cells and lines, too many
columns or rows.
"""
from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from hotline.crosscheck import importer
from hotline.crosscheck.readers import LIMITS, Limits, ReadError, RowSource
from models.users import Role

HEADER = ["姓名", "身份证号", "项目", "金额", "发放日期"]
_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="名册" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def write_xlsx(path: Path, *, rows: list[list[str]] | None = None, dimension: str = "A1:E3",
               merges: tuple[str, ...] = (), shared_string_bytes: int = 0, shared_text: str = "") -> Path:
    """A workbook written part by part. The shared string (cell A3) is streamed into the zip:
    `shared_string_bytes` of one letter (it deflates ~1000:1) or the given text."""
    rows = rows if rows is not None else [HEADER, ["张三", "510122198001010011", "低保", "300", "2026-03-01"]]
    body = []
    for r, cells in enumerate(rows, start=1):
        refs = [f"{chr(65 + c) if c < 26 else 'A' + chr(65 + c - 26)}{r}" for c in range(len(cells))]
        body.append(f'<row r="{r}">' + "".join(_inline(ref, v) for ref, v in zip(refs, cells)) + "</row>")
    if shared_string_bytes or shared_text:
        body.append(f'<row r="{len(rows) + 1}"><c r="A{len(rows) + 1}" t="s"><v>0</v></c></row>')
    merge_xml = (f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
                 + "</mergeCells>") if merges else ""
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><dimension ref="{dimension}"/>'
             f'<sheetData>{"".join(body)}</sheetData>{merge_xml}</worksheet>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _RELS)
        book.writestr("xl/workbook.xml", _WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        book.writestr("xl/worksheets/sheet1.xml", sheet)
        with book.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="1" uniqueCount="1"><si><t>'.encode())
            chunk = b"A" * (1 << 20)
            for _ in range(shared_string_bytes >> 20):
                part.write(chunk)
            part.write(shared_text.encode())
            part.write(b"</t></si></sst>")
    return path


def _refusal(path: Path, suffix: str | None = None, limits: Limits = LIMITS) -> str:
    with pytest.raises(ReadError) as caught:
        for _ in RowSource(path, suffix or path.suffix, limits):
            pass
    return str(caught.value)


def test_a_well_formed_hand_written_workbook_reads(tmp_path):
    rows = list(RowSource(write_xlsx(tmp_path / "ok.xlsx", shared_text="李四"), ".xlsx"))
    assert rows[0][1][:2] == ["姓名", "身份证号"] and rows[2][1][0] == "李四"


def test_a_small_workbook_whose_shared_string_inflates_to_300_mb_is_refused_before_parsing(tmp_path):
    path = write_xlsx(tmp_path / "bomb.xlsx", shared_string_bytes=300 << 20)
    assert path.stat().st_size < 2 << 20  # a small upload
    message = _refusal(path)
    assert "解压后过大" in message or "共享字符串过大" in message


def test_a_shared_string_longer_than_a_cell_may_be_is_refused(tmp_path):
    text = "".join(random.Random(1).choice("张王李赵钱孙周吴郑冯陈褚卫蒋沈韩杨") for _ in range(120_000))
    message = _refusal(write_xlsx(tmp_path / "long.xlsx", shared_text=text))
    assert "超过32767个字符" in message


def test_a_whole_sheet_dimension_is_refused(tmp_path):
    assert "超过256列" in _refusal(write_xlsx(tmp_path / "dim.xlsx", dimension="A1:XFD1048576"))


def test_a_whole_sheet_merge_is_refused(tmp_path):
    message = _refusal(write_xlsx(tmp_path / "merge.xlsx", merges=("A2:XFD1048576",)))
    assert "合并单元格" in message


def test_an_inline_cell_longer_than_the_limit_is_refused_with_its_place(tmp_path):
    rows = [HEADER, ["张三", "x" * 40_000, "低保", "300", "2026-03-01"]]
    assert "第2行第2列" in _refusal(write_xlsx(tmp_path / "cell.xlsx", rows=rows))


def test_a_row_with_more_columns_than_the_limit_is_refused(tmp_path):
    rows = [HEADER, ["张三"] * 30]
    assert "超过20列" in _refusal(write_xlsx(tmp_path / "wide.xlsx", rows=rows, dimension="A1:AD2"),
                                  limits=Limits(max_columns=20))


def test_a_workbook_without_a_sheet_is_refused_in_chinese(tmp_path):
    path = write_xlsx(tmp_path / "nosheet.xlsx")
    data = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(data, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "xl/workbook.xml":
                content = content.replace(b'<sheet name="\xe5\x90\x8d\xe5\x86\x8c" sheetId="1" r:id="rId1"/>', b"")
            dst.writestr(info, content)
    path.write_bytes(data.getvalue())
    assert "没有工作表" in _refusal(path)


# --- CSV -------------------------------------------------------------------------------------

def test_a_csv_line_longer_than_the_limit_is_refused_without_reading_it_whole(tmp_path):
    path = tmp_path / "line.csv"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(",".join(HEADER) + "\n")
        handle.write("张三," + "9" * (3 << 20) + "\n")
    assert "超过1048576个字符" in _refusal(path)


def test_a_csv_with_too_many_columns_is_refused(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(HEADER) + "\n" + ",".join(["x"] * 300) + "\n", encoding="utf-8")
    assert "超过256列" in _refusal(path)


def test_a_csv_cell_longer_than_the_limit_is_refused(tmp_path):
    path = tmp_path / "cell.csv"
    path.write_text(",".join(HEADER) + '\n张三,"' + "x" * 40_000 + '",低保,300,2026-03-01\n', encoding="utf-8")
    assert "第2行第2列" in _refusal(path)


def test_the_row_cap_holds_on_both_csv_paths(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text(",".join(HEADER) + "\n" + "张三,1,低保,300,2026-03-01\n" * 6000, encoding="utf-8")
    limits = Limits(max_rows=5000)
    assert "超过5000行" in _refusal(path, limits=limits)  # row by row
    source = RowSource(path, ".csv", limits)
    list(zip(range(5), source))  # the header scan, as the importer does it (one block of rows)
    with pytest.raises(ReadError, match="超过5000行"):  # Arrow's first pass
        batches = source.arrow_batches(1, [0, 1])
        list(batches or [])


def test_the_importer_answers_a_hostile_file_with_a_roll_import_error(tmp_path):
    path = write_xlsx(tmp_path / "merge.xlsx", merges=("A2:XFD1048576",))
    with pytest.raises(importer.RollImportError, match="合并单元格"):
        importer.process(path, kind="recipients", filename=path.name)


# --- memory ceiling -----------------------------------------------------------------------

def test_the_import_refuses_cleanly_under_a_memory_ceiling(tmp_path):
    """In a process limited to 1 GiB of address space, the 300 MB shared string is refused with a
    Chinese message (reading it would need several times the limit)."""
    path = write_xlsx(tmp_path / "bomb.xlsx", shared_string_bytes=300 << 20)
    script = textwrap.dedent(f"""
        import resource, sys
        from hotline.crosscheck import importer
        limit = 1 << 30
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            importer.process({str(path)!r}, kind="recipients", filename="bomb.xlsx")
        except importer.RollImportError as exc:
            print("REFUSED", exc)
            sys.exit(0)
        print("IMPORTED")
        sys.exit(1)
    """)
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=root,
                          env={**os.environ, "PYTHONPATH": str(root)}, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("REFUSED") and "过大" in done.stdout


# --- the upload's spool file --------------------------------------------------------------

@pytest.mark.parametrize("name,make", [
    ("merge.xlsx", lambda p: write_xlsx(p, merges=("A2:XFD1048576",))),
    ("nosheet.xlsx", None),
    ("wide.csv", lambda p: p.write_text(",".join(["x"] * 300) + "\n", encoding="utf-8")),
])
def test_a_refused_upload_leaves_nothing_in_the_spool(app, factory, login, tmp_path, name, make):
    path = tmp_path / name
    if make is None:
        test_a_workbook_without_a_sheet_is_refused_in_chinese(tmp_path)
        path = tmp_path / "nosheet.xlsx"
    else:
        make(path)
    client = login.as_(factory.user(Role.admin))
    with open(path, "rb") as handle:
        response = client.post("/crosscheck/imports", data={"kind": "recipients", "file": (handle, name)},
                               content_type="multipart/form-data")
    assert response.status_code == 422
    spool = Path(app.config["SETTINGS"].SPOOL_DIR) / "crosscheck"
    assert list(spool.iterdir()) == []


# --- .xls ----------------------------------------------------------------------------------

def _xls(path: Path, rows: list[list[str]], merges=()) -> Path:
    from tests.crosscheck import biff

    path.write_bytes(biff.compound_file(biff.workbook_stream(rows, merges)))
    return path


def test_a_hand_written_xls_reads(tmp_path):
    rows = list(RowSource(_xls(tmp_path / "ok.xls", [HEADER, ["张三", "510122198001010011"]]), ".xls"))
    assert rows[0][1][:2] == ["姓名", "身份证号"] and rows[1][1][0] == "张三"


def test_an_xls_whole_sheet_merge_is_refused_before_the_rows(tmp_path):
    path = _xls(tmp_path / "merge.xls", [HEADER, ["张三"]], merges=[(1, 65535, 0, 255)])  # A2:IV65536
    assert "合并单元格" in _refusal(path, limits=Limits(max_columns=100))


def test_an_xls_row_wider_than_the_limit_is_refused(tmp_path):
    path = _xls(tmp_path / "wide.xls", [HEADER, ["张三"] * 30])
    assert "超过20列" in _refusal(path, limits=Limits(max_columns=20))
