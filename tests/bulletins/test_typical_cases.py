"""Typical cases are proposed from verified facts, approved by a supervisor, and only then published."""
from __future__ import annotations

import pytest
from sqlmodel import select

from hotline.bulletins import archive, typical
from hotline.bulletins.weeks import IsoWeek
from models.base import clock_override
from models.bulletins import TypicalCase, TypicalStatus
from models.cases import Finding
from models.taxonomy import ProblemType
from tests.bulletins.conftest import local

W47 = IsoWeek(2026, 47)


@pytest.fixture
def cases(data, db):
    """A substantiated case with measures and money; a praise message closed 其他 without a finding."""
    found = data.case(data.clue(local(2026, 11, 16), village="红旗村", problem_type=ProblemType.favoritism,
                                accused="王小明", title="村支书王小明", text="王小明把低保给了亲戚"))
    data.close(found, local(2026, 11, 19), finding=Finding.partly_true, money="3500",
               measures=[("admonishing_talk", "王小明"), ("party_sanction", "李大华", "serious_warning")])
    praise = data.case(data.clue(local(2026, 11, 17), problem_type=ProblemType.other, text="感谢镇干部帮忙"))
    data.close(praise, local(2026, 11, 18), finding=None)
    db.commit()
    return found, praise


def test_only_substantiated_cases_with_measures_are_proposed_with_an_anonymous_draft(db, cases):
    found, _praise = cases
    proposed = typical.propose(db)
    assert [row.case_id for row in proposed] == [found.id]
    text = proposed[0].draft
    assert "部分属实" in text and "诫勉1人" in text and "党内严重警告1人" in text and "3,500.00元" in text
    assert "石桥镇村干部" in text
    for forbidden in ("王小明", "李大华", "优亲厚友", "低保给了亲戚", "村支书"):
        assert forbidden not in text  # no name, no intake label, no complaint text
    assert typical.propose(db) == []  # proposed once


def test_a_typical_case_is_not_published_without_a_supervisors_approval(app, db, settings, factory, cases):
    proposed = typical.propose(db)[0]
    db.commit()
    with pytest.raises(typical.TypicalError):
        typical.mark_published(db, [typical.as_item(proposed)], None, local(2026, 11, 23))
    with app.test_request_context(), clock_override(lambda: local(2026, 11, 23, 8)):
        bulletin = archive.build(session=db, period=W47, settings=settings, trigger="cli", publish=True)
        db.commit()
    assert bulletin.figures["typical_cases"] == []
    assert db.get(TypicalCase, proposed.id).status is TypicalStatus.proposed


def test_approval_needs_a_supervisor_and_a_text_without_names(db, factory, cases):
    proposed = typical.propose(db)[0]
    with pytest.raises(typical.TypicalError, match="督办领导"):
        typical.approve(db, proposed, summary=proposed.draft, actor=factory.user("inspector", office="石桥镇纪委"))
    supervisor = factory.user("supervisor")
    with pytest.raises(typical.TypicalError, match="姓名"):
        typical.approve(db, proposed, summary="王小明违规将低保给予亲属。", actor=supervisor)
    with pytest.raises(typical.TypicalError, match="填写"):
        typical.approve(db, proposed, summary="   ", actor=supervisor)
    typical.approve(db, proposed, summary="石桥镇某村干部违规问题，经核查部分属实，给予诫勉谈话1人。", actor=supervisor)
    assert proposed.status is TypicalStatus.approved and proposed.approved_by_id == supervisor.id


def test_an_approved_case_is_published_once_with_its_approved_text(app, db, settings, factory, cases):
    proposed = typical.propose(db)[0]
    typical.approve(db, proposed, summary="经审定的通报文字。", actor=factory.user("supervisor"))
    db.commit()
    with app.test_request_context(), clock_override(lambda: local(2026, 11, 23, 8)):
        first = archive.build(session=db, period=W47, settings=settings, trigger="cli", publish=True)
        db.commit()
    with app.test_request_context(), clock_override(lambda: local(2026, 11, 30, 8)):
        second = archive.build(session=db, period=IsoWeek(2026, 48), settings=settings, trigger="cli", publish=True)
        db.commit()
    assert [c["summary"] for c in first.figures["typical_cases"]] == ["经审定的通报文字。"]
    assert second.figures["typical_cases"] == []
    row = db.exec(select(TypicalCase)).one()
    assert row.status is TypicalStatus.published and row.bulletin_id == first.id
    assert second.figures["values"]["typical_published"] == [1, 1]  # published on 23 November, in W48


def test_a_supervisor_approves_on_the_screen_and_an_inspector_cannot(login, factory, db, cases):
    proposed = typical.propose(db)[0]
    db.commit()
    inspector = login.as_(factory.user("inspector", office="石桥镇纪委"))
    assert inspector.post(f"/bulletins/typical/{proposed.id}", data={"summary": "x"}).status_code in (302, 403)
    db.refresh(proposed)
    assert proposed.status is TypicalStatus.proposed


def test_the_typical_cases_page_names_a_case_by_its_clue_number(login, factory, db, cases):
    found, _praise = cases
    typical.propose(db)
    db.commit()
    page = login.as_(factory.user("supervisor")).get("/bulletins/typical").get_data(as_text=True)
    assert "测试线〔2026〕" in page and f"第{found.id}号" not in page
