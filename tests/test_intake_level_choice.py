"""The intake form's 层级 offers one 'unknown' (不详, an explicit choice) and an empty choice that lets
triage read the level from the text (issue 22)."""
from __future__ import annotations

import re

from models.users import Role


def test_the_level_select_has_one_unknown_and_a_system_choice(factory, login):
    page = login.as_(factory.user(Role.operator)).get("/intake/new").get_data(as_text=True)
    select = re.search(r'<select name="accused_level">(.*?)</select>', page, re.S).group(1)
    options = re.findall(r"<option[^>]*>([^<]*)</option>", select)
    assert options[0] == "（由系统识别）"
    assert [o for o in options if "不详" in o] == ["不详"]
