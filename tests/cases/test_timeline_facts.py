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
