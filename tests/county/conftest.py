"""The county tests run with the demo county's code configured (511234)."""
from __future__ import annotations

import pytest

from hotline.demo import code_list

COUNTY = "511234"


@pytest.fixture
def settings_overrides(settings_overrides):
    return {**settings_overrides, "COUNTY_CODE": COUNTY}


@pytest.fixture
def county_csv(tmp_path):
    """The generated list: 13 townships, 156 villages, GBK CSV."""
    return code_list.write(tmp_path / "2025年统计用区划代码.csv")


def edited(tmp_path, name: str, change) -> "Path":  # noqa: F821
    """A copy of the list after CHANGE(rows) edits it in place."""
    table = code_list.rows()
    change(table)
    return code_list.write(tmp_path / name, table)
