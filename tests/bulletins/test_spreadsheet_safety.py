"""The bulletin spreadsheet writes names as text, never as formulas (hotline/spreadsheet_safety.py):
an office, a township or the commission named "=..." stays a string cell with its exact text."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

from openpyxl import load_workbook

from hotline.bulletins import archive
from hotline.bulletins.periods import Period
from hotline.bulletins.weeks import IsoWeek
from models.taxonomy import Channel, ProblemType
from tests.bulletins.conftest import local

OFFICE = '=HYPERLINK("http://evil.example/","石桥镇纪委")'
TOWNSHIP = "+石桥镇"
COMMISSION = "@青溪县纪委监委"


def test_hostile_names_are_string_cells_in_the_bulletin_spreadsheet(app, data, db, settings):
    for day in (16, 17, 18):
        data.case(data.clue(local(2026, 11, day), channel=Channel.call, problem_type=ProblemType.favoritism))
    data.office("石桥镇纪委").name = OFFICE
    data.county["townships"]["石桥镇"].name = TOWNSHIP
    db.commit()
    settings.COMMISSION_NAME = COMMISSION
    with app.test_request_context():
        built = archive.render(db, Period.of(IsoWeek(2026, 47), settings.TIMEZONE), settings=settings,
                               number="青纪热线〔2026〕47号", built_at=local(2026, 11, 23, 8),
                               issued=dt.date(2026, 11, 23))
    data_bytes = built.files["bulletin.xlsx"][0]
    with zipfile.ZipFile(io.BytesIO(data_bytes)) as book:
        assert [n for n in book.namelist() if n.startswith("xl/worksheets/") and b"<f>" in book.read(n)] == []
    cells = {c.value: c.data_type for sheet in load_workbook(io.BytesIO(data_bytes)).worksheets
             for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    for name in (OFFICE, TOWNSHIP, COMMISSION):
        assert cells.get(name) == "s", (name, cells.get(name))
