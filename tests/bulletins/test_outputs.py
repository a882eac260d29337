"""The Word document, the spreadsheet and the charts, reopened with their own libraries."""
from __future__ import annotations

import datetime as dt
import io
import warnings

import pytest
from docx import Document
from openpyxl import load_workbook
from PIL import Image

from hotline.bulletins import archive, charts
from hotline.bulletins.periods import Period
from hotline.bulletins.weeks import IsoWeek
from models.taxonomy import Channel, ProblemType
from tests.bulletins.conftest import local


@pytest.fixture
def built(app, data, db, settings):
    for day, channel in ((16, Channel.call), (17, Channel.call), (18, Channel.sms)):
        data.case(data.clue(local(2026, 11, day), channel=channel, problem_type=ProblemType.favoritism))
    db.commit()
    with app.test_request_context():
        return archive.render(db, Period.of(IsoWeek(2026, 47), settings.TIMEZONE), settings=settings,
                              number="青纪热线〔2026〕47号", built_at=local(2026, 11, 23, 8),
                              issued=dt.date(2026, 11, 23))


def test_the_word_document_has_the_official_header_number_title_sections_tables_and_charts(built):
    doc = Document(io.BytesIO(built.files["bulletin.docx"][0]))
    paragraphs = [p for p in doc.paragraphs if p.text.strip()]
    header = paragraphs[0]
    assert header.text == "青溪县纪委监委"
    assert str(header.runs[0].font.color.rgb) == "E60012"
    number = paragraphs[1]
    assert number.text == "青纪热线〔2026〕47号"
    assert 'w:color="E60012"' in number._p.xml and "w:bottom" in number._p.xml  # the red rule
    assert paragraphs[2].text == "关于2026年第47周扶贫领域投诉举报受理办理情况的通报"
    texts = [p.text for p in paragraphs]
    assert "一、总体情况" in texts and "二、来电来信受理情况" in texts and "三、问题线索分布情况" in texts
    assert any("本周共受理来电来信3件" in t for t in texts)
    channel_table = doc.tables[0]
    cells = [[c.text for c in row.cells] for row in channel_table.rows]
    assert cells[0][:2] == ["渠道", "本周"]
    assert ["电话", "2"] == cells[1][:2] and cells[-1][:2] == ["合计", "3"]
    assert len(doc.inline_shapes) == len(charts.CHARTS)
    assert texts[-1] == "2026年11月23日"


def test_the_spreadsheet_has_one_sheet_per_table_with_numbers_as_numbers(built):
    book = load_workbook(io.BytesIO(built.files["bulletin.xlsx"][0]))
    assert book.sheetnames[0] == "说明"
    assert book.sheetnames[1] == "指标" and len(book.sheetnames) == 2 + len(built.figures.tables)
    for table in built.figures.tables:
        assert table.sheet in book.sheetnames
    sheet = book["来电来信"]
    assert [c.value for c in sheet[1]][:3] == ["渠道", "本周", "本周占比"]
    call = next(row for row in sheet.iter_rows(min_row=2, values_only=False) if row[0].value == "电话")
    assert call[1].value == 2 and isinstance(call[1].value, int)
    assert call[2].value == pytest.approx(2 / 3) and call[2].number_format == "0.0%"
    money = book["追缴资金"]
    assert money["B2"].value == 0 and money["B2"].number_format == "#,##0.00"
    rates = book["三率"]
    assert rates["D2"].value is None  # nothing was due: an empty cell, not 0%


def test_the_html_and_chart_files_are_part_of_the_build(built):
    html = built.files["bulletin.html"][0].decode()
    assert "青纪热线〔2026〕47号" in html and "data:image/png;base64," in html
    assert "二、来电来信受理情况" in html
    for name, _title in charts.CHARTS:
        image = Image.open(io.BytesIO(built.files[f"charts/{name}.png"][0]))
        assert image.size[0] > 500


def test_charts_draw_chinese_with_a_cjk_font_file(app):
    path = charts.cjk_font_path()
    assert path.name in charts.CJK_FONT_FILES and charts.has_glyphs(path, "扶贫领域问题线索通报")
    from matplotlib import font_manager

    drawer = charts.Charts()
    used = font_manager.findfont(font_manager.FontProperties(family=drawer.family), fallback_to_default=False)
    assert used == str(path)  # the family the charts name resolves to the CJK file itself
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing" for every empty box
        png = drawer.title_only("扶贫领域问题线索")
    image = Image.open(io.BytesIO(png)).convert("L")
    histogram = image.histogram()
    dark = sum(histogram[:128])
    assert dark > 200  # the title's strokes are there, not a blank image


def test_a_font_without_chinese_glyphs_is_refused_loudly(tmp_path):
    import matplotlib

    latin = matplotlib.get_data_path() + "/fonts/ttf/DejaVuSans.ttf"
    assert not charts.has_glyphs(latin)
    with pytest.raises(charts.FontMissing):
        charts.cjk_font_path(latin)
    with pytest.raises(charts.FontMissing):
        charts.cjk_font_path(tmp_path / "missing.ttf")


def test_the_spreadsheet_cover_speaks_beijing_time_like_the_document(built):
    """The 说明 sheet states times as the bulletin does (Beijing time), not as a UTC ISO stamp."""
    cover = {row[0]: row[1] for row in load_workbook(io.BytesIO(built.files["bulletin.xlsx"][0]))["说明"].iter_rows(values_only=True)}
    assert cover["生成时间"] == "2026-11-23 08:00:00（北京时间）"
    assert cover["统计起"] == "2026-11-16 00:00:00（北京时间）"
    assert not any("T" in str(v) and "+" in str(v) for v in cover.values())


def test_html_column_headers_align_with_their_values(built):
    """A number column's header is right-aligned like its numbers; a text column's stays left."""
    html = built.files["bulletin.html"][0].decode()
    assert '<th class="">渠道</th><th class="num">本周</th>' in html
    assert "th.num { text-align: right; }" in html.replace("td.num, ", "")
