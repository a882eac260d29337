"""The demo county (青溪县) as the statistics bureau publishes a county: a 统计用区划代码 list.

Used to load the demo county the way a real commission loads its own (`county import`), and by
the tests as a generated list of 13 townships and 156 villages (GBK CSV by default).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from hotline.demo.county import COUNTY_CODE, TOWNSHIPS

HEADER = ["统计用区划代码", "城乡分类代码", "名称"]


def rows(townships=TOWNSHIPS, county_code: str = COUNTY_CODE) -> list[list[str]]:
    """Header, the county's own row, then each township followed by its villages."""
    out = [HEADER, [f"{county_code}000000", "", "青溪县"]]
    for name, suffix, villages in townships:
        out.append([f"{county_code}{suffix}000", "", name])
        for index, village in enumerate(villages, start=1):
            urban_rural = "111" if village.endswith("社区") else "220"
            out.append([f"{county_code}{suffix}{index:03d}", urban_rural, village])
    return out


def to_bytes(table: list[list[str]], encoding: str = "gbk") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(table)
    return buffer.getvalue().encode(encoding)


def write(path: Path, table: list[list[str]] | None = None, encoding: str = "gbk") -> Path:
    Path(path).write_bytes(to_bytes(table or rows(), encoding))
    return Path(path)


def load(session, *, effective_on) -> tuple[int, int]:
    """Load the demo county through the same importer a real county's list goes through;
    (townships, villages) added. Loading it again adds nothing."""
    from hotline.county import codelist, importer

    listing = codelist.parse(rows(), county_code=COUNTY_CODE)
    result = importer.apply(session, listing, county_code=COUNTY_CODE, effective_on=effective_on,
                            source="演示县区划代码表", merges={}, retire_missing=False)
    return len(result.added_townships), len(result.added_villages)
