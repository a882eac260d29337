"""The bulletin as a Word document in the layout of an official notice (党政机关公文格式).

Red issuing-body header with a red rule under it, document number, title, numbered sections in
仿宋 body text, tables, charts, the issuing body and date at the foot, page numbers "— 1 —".
"""
from __future__ import annotations

import copy
import datetime as dt
import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from hotline.bulletins import layout
from hotline.bulletins.tables import TEXT, Figures, show

RED = RGBColor(0xE6, 0x00, 0x12)
HEADER_FONT, TITLE_FONT = "方正小标宋简体", "方正小标宋简体"
BODY_FONT, HEADING_FONT, TABLE_FONT = "仿宋_GB2312", "黑体", "宋体"


_RUN_PROPERTIES: dict[tuple, object] = {}  # (font, size, bold, colour) -> a finished <w:rPr> to copy


def _font(run, name: str, size: float, *, bold: bool = False, color: RGBColor | None = None) -> None:
    """Set a run's Latin and East Asian font (Word needs w:eastAsia for Chinese).

    The first run of each kind is formatted through python-docx; later ones get a copy of its
    <w:rPr> (the same XML, without python-docx's per-child ordering searches: a bulletin has
    some 800 runs)."""
    key = (name, size, bold, str(color))
    plain = run._r.rPr is None
    finished = _RUN_PROPERTIES.get(key)
    if finished is not None and plain:
        run._r.insert(0, copy.deepcopy(finished))
        return
    _format(run, name, size, bold=bold, color=color)
    if plain:
        _RUN_PROPERTIES.setdefault(key, copy.deepcopy(run._r.rPr))


def _format(run, name: str, size: float, *, bold: bool, color: RGBColor | None) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def _paragraph(doc, text: str, *, font: str = BODY_FONT, size: float = 16, bold: bool = False,
               align=None, indent: bool = False, color: RGBColor | None = None, space_after: float = 0):
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(space_after)
    fmt.space_before = Pt(0)
    fmt.line_spacing = Pt(28)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    _font(paragraph.add_run(text), font, size, bold=bold, color=color)
    return paragraph


def _red_rule(paragraph) -> None:
    """A red line under the paragraph (the 版头 separator)."""
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "6"), ("w:color", "E60012")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    properties.append(borders)


def _page_number_footer(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run("— "), BODY_FONT, 14)
    run = paragraph.add_run()
    _font(run, BODY_FONT, 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    _font(paragraph.add_run(" —"), BODY_FONT, 14)


def _table(doc, table) -> None:
    _paragraph(doc, table.title, font=HEADING_FONT, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=4)
    grid = doc.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, name in zip(grid.rows[0].cells, table.columns):
        _cell(cell, name, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for row in table.rows or [["无"] + [""] * (len(table.columns) - 1)]:
        cells = grid.add_row().cells
        for cell, value, kind in zip(cells, row, table.kinds):
            text = show(value, kind) if value != "" else ""
            _cell(cell, text, align=WD_ALIGN_PARAGRAPH.LEFT if kind == TEXT else WD_ALIGN_PARAGRAPH.RIGHT)
    if table.note:
        _paragraph(doc, "注：" + table.note, size=10.5, font=BODY_FONT)
    _paragraph(doc, "", size=8)


def _cell(cell, text: str, *, bold: bool = False, align=None) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    _font(paragraph.add_run(text), TABLE_FONT, 10.5, bold=bold)


def build(figures: Figures, charts: dict[str, bytes], *, commission: str, number: str,
          issued: dt.date, version: int = 1) -> bytes:
    """The .docx bytes of the bulletin."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _page_number_footer(section)
    _paragraph(doc, commission, font=HEADER_FONT, size=36, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED,
               space_after=12)
    rule = _paragraph(doc, number, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=18)
    _red_rule(rule)
    _paragraph(doc, layout.title(figures), font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER,
               space_after=16)
    _paragraph(doc, "各乡镇纪委，委机关各部门，各派驻纪检监察组：")
    _paragraph(doc, f"现将{figures.label}扶贫领域投诉举报受理和办理情况通报如下。", indent=True)
    for index, part in enumerate(layout.sections(figures)):
        _paragraph(doc, part.numbered(index), font=HEADING_FONT, indent=True)
        for text in part.paragraphs:
            _paragraph(doc, text, indent=True)
        for table in part.tables:
            _table(doc, table)
        for name in part.charts:
            if name in charts:
                doc.add_picture(io.BytesIO(charts[name]), width=Cm(15.5))
                doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(doc, "")
    for note in layout.closing_notes(figures):
        _paragraph(doc, note, size=12, indent=True)
    _paragraph(doc, "")
    _paragraph(doc, commission, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, f"{issued.year}年{issued.month}月{issued.day}日", align=WD_ALIGN_PARAGRAPH.RIGHT)
    if version > 1:
        _paragraph(doc, f"（第{version}版）", size=12, align=WD_ALIGN_PARAGRAPH.RIGHT)
    doc.core_properties.title = layout.title(figures)
    doc.core_properties.author = commission
    fixed = dt.datetime(issued.year, issued.month, issued.day)
    doc.core_properties.created = doc.core_properties.modified = fixed
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
