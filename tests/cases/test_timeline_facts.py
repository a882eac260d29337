"""The case timeline says what was decided, not only why (issue 22)."""
from __future__ import annotations

import re


def test_the_proposal_entry_names_the_disposition_proposed(village_case, staff, as_user):
    case = village_case
    boss, inspector = as_user(staff.supervisor), as_user(staff.inspector)
    assert boss.post(f"/cases/{case.id}/assign", data={"inspector_id": staff.inspector.id}).status_code == 302
    assert inspector.post(f"/cases/{case.id}/propose", data={"disposition": "preliminary_verification",
                                                             "reason": "线索具体，可查性强"}).status_code == 302
    page = inspector.get(f"/complaints/{case.complaint_id}").get_data(as_text=True)
    entry = re.search(r"<strong>提出处置意见</strong>(.*?)</li>", page, re.S).group(1)
    assert "处置方式：初步核实" in entry and "线索具体，可查性强" in entry


def test_a_merged_case_names_its_target_by_clue_number_and_the_merge_form_reads_as_one_label(
        village_case, staff, county, as_user, db):
    from sqlmodel import select

    from models.clues import Clue
    from models.complaints import Complaint
    from tests.cases.test_merging import _form

    original = db.get(Complaint, village_case.complaint_id)
    assert as_user(staff.operator).post("/intake/new", data=_form(county, merge_into=str(original.id))).status_code == 302
    new = db.exec(select(Complaint).where(Complaint.id != original.id)).one()
    page = as_user(staff.supervisor).get(f"/complaints/{new.id}").get_data(as_text=True)
    number = db.exec(select(Clue.number).where(Clue.complaint_id == original.id)).first()
    assert f"第{village_case.id}号案件" not in page
    assert number and number in page
    boss_page = as_user(staff.supervisor).get(f"/complaints/{original.id}").get_data(as_text=True)
    assert re.search(r'<label>并入线索（查询码或线索编号） <input name="target_code" required></label>', boss_page)


def test_every_event_kind_the_code_appends_has_a_label():
    """A new timeline event fails here until it has a Chinese label (the page would show its code)."""
    import pathlib

    import hotline
    from hotline.cases.panel import EVENT_LABELS

    kinds = set()
    for path in pathlib.Path(hotline.__file__).parent.rglob("*.py"):
        kinds |= set(re.findall(r'\bevent\(\s*\w+,\s*\w+,\s*\w+,\s*"([a-z_]+)"', path.read_text(encoding="utf-8")))
    assert len(kinds) > 20
    assert not sorted(kinds - set(EVENT_LABELS)), sorted(kinds - set(EVENT_LABELS))
