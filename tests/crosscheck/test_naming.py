"""The cross-check screens name things as the rest of the product does, in Chinese (issue 22)."""
from __future__ import annotations

import re

from models.users import Role
from tests.crosscheck.test_web import _findings


def test_the_finding_page_asks_for_the_receipt_code_by_its_one_name(rolls, factory, login, db):
    finding = _findings(rolls, db)
    client = login.as_(factory.user(Role.supervisor))
    page = client.get(f"/crosscheck/findings/{finding.id}").get_data(as_text=True)
    assert "查询码" in page and "受理编号" not in page
    wrong = client.post(f"/crosscheck/findings/{finding.id}/attach", data={"receipt_code": "000"})
    assert wrong.status_code == 422 and "没有找到该查询码的问题线索" in wrong.get_data(as_text=True)
    assert f"({finding.rule})" not in page and f"（{finding.rule}）" not in page


def test_the_import_page_names_roll_kinds_without_their_codes(factory, login):
    page = login.as_(factory.user(Role.admin)).get("/crosscheck/imports").get_data(as_text=True)
    assert "补助发放名册" in page
    assert not re.search(r"（[a-z_]+）", page)
