"""The triage panel agrees with itself: the type marked 主要 is the most probable one shown,
the one confidence is a probability shown in the tables, and the review queue shows it too."""
from __future__ import annotations

import re

import pytest

from classifiers.artifact import load_artifact
from hotline.triage.service import apply_result
from models.complaints import Complaint, TriageState
from models.users import Role

pytestmark = pytest.mark.browser

# Texts the model finds hard (several types at once), so a low confidence is likely among them.
TEXTS = (
    "石桥镇红旗村村主任把他弟弟报成低保户，他弟弟在县城开店，死了的老人也还在领低保。",
    "村里每户扣三五百统筹，说是上面要的，村会计也收了好处费。",
    "石桥镇下湾村主任给自己亲戚办了危房改造，房子明明是新修的，证明也是村里开的。",
)


def percent(cell: str) -> int:
    return int(re.search(r"(\d+)%", cell).group(1))


def rows(page, table: str) -> list[tuple[str, str, int]]:
    out = []
    for row in page.locator(f"#{table} tbody tr").all():
        cells = row.locator("td").all_inner_texts()
        out.append((row.get_attribute("data-code"), cells[0], percent(cells[1])))
    return out


@pytest.fixture
def classified(live, trained_models):
    """Complaints classified by the real model through the service's own storing function."""
    triage = load_artifact(trained_models)
    complaints = []
    for text in TEXTS:
        complaint = live.factory.complaint(text)
        with live.db() as db:
            stored = db.get(Complaint, complaint.id)
            apply_result(stored, triage.classify(text), threshold=triage.low_confidence_threshold)
            db.add(stored)
            db.commit()
            complaints.append(stored)
    return complaints


def test_the_primary_is_the_most_probable_type_shown_and_the_confidence_is_a_shown_probability(live, classified):
    page = live.page_as(live.factory.user(Role.supervisor))
    for complaint in classified:
        page.goto(f"/complaints/{complaint.id}")
        types, programs = rows(page, "problem-type-scores"), rows(page, "program-scores")
        marked = [r for r in types if "（主要）" in r[1]]
        assert len(marked) == 1
        assert marked[0][2] == max(p for _, _, p in types), types
        assert marked[0][0] == complaint.problem_type.value
        chosen = [r for r in programs if "（选定）" in r[1]]
        assert len(chosen) == 1 and chosen[0][0] == complaint.program.value
        note = page.locator("#triage-confidence").inner_text()
        shown = percent(note)
        assert shown == min(marked[0][2], chosen[0][2]), (note, marked, chosen)
        assert shown == round(complaint.confidence * 100)
        in_queue = "待复核" in note
        assert in_queue == (complaint.triage_state is TriageState.needs_review)


def test_the_review_queue_shows_the_same_confidence(live, classified):
    page = live.page_as(live.factory.user(Role.supervisor))
    page.goto("/triage/review")
    queue = page.locator("table.list").inner_text()
    for complaint in classified:
        if complaint.triage_state is TriageState.needs_review:
            assert complaint.receipt_code in queue
            row = page.locator("table.list tbody tr", has_text=complaint.receipt_code).inner_text()
            assert f"{round(complaint.confidence * 100)}%" in row
        else:
            assert complaint.receipt_code not in queue
