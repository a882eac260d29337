"""Office queues with filters and counts; the supervised board with progress and time left."""
from __future__ import annotations

from hotline.cases import supervision, workflow


def test_an_inspector_sees_only_the_own_office_queue_with_counts(village_case, factory, county, staff, as_user):
    factory.complaint("柳河乡水井村会计刘某代领粮补", township_id=county["townships"]["柳河乡"].id,
                      accused_name="刘某", accused_level="village_cadre")
    page = as_user(staff.inspector).get("/cases/").get_data(as_text=True)
    assert page.count('class="code-inline"') == 1
    assert 'data-count="open">1<' in page and 'data-count="pending_assignment">1<' in page
    other = as_user(staff.outsider).get("/cases/").get_data(as_text=True)
    assert other.count('class="code-inline"') == 1 and "刘某" in other


def test_the_queue_filters_by_overdue_and_supervised(village_case, staff, as_user, db):
    boss = as_user(staff.supervisor)
    assert 'data-count="supervised">0<' in boss.get("/cases/").get_data(as_text=True)
    supervision.supervise(session=db, case=village_case, days=10, interval_days=3, reason="重复举报",
                          actor=staff.supervisor)
    db.commit()
    page = boss.get("/cases/?supervised=1").get_data(as_text=True)
    assert page.count('class="code-inline"') == 1 and 'data-count="supervised">1<' in page
    assert boss.get("/cases/?overdue=1").get_data(as_text=True).count('class="code-inline"') == 0


def test_the_supervised_board_shows_progress_and_time_left(village_case, staff, as_user, db):
    supervision.supervise(session=db, case=village_case, days=10, interval_days=3, reason="群众反映强烈",
                          actor=staff.supervisor)
    supervision.report_progress(session=db, case=village_case, progress="已进村走访", actor=staff.supervisor)
    db.commit()
    page = as_user(staff.supervisor).get("/cases/supervised").get_data(as_text=True)
    assert "群众反映强烈" in page and "1次" in page and "个工作日" in page
    assert village_case.supervised


def test_supervision_needs_a_reason_and_a_sane_interval(village_case, staff, db):
    import pytest

    with pytest.raises(workflow.WorkflowError, match="督办事由"):
        supervision.supervise(session=db, case=village_case, days=10, interval_days=3, reason="", actor=staff.supervisor)
    with pytest.raises(workflow.WorkflowError, match="报告间隔不能长于"):
        supervision.supervise(session=db, case=village_case, days=3, interval_days=10, reason="x", actor=staff.supervisor)
    with pytest.raises(workflow.WorkflowError, match="角色"):
        supervision.supervise(session=db, case=village_case, days=10, interval_days=3, reason="x", actor=staff.inspector)
