"""The issue's case, through the real workflow: a case found true with money recovered in W47, its
W47 bulletin published, then reopened after an unsatisfied return visit and concluded again."""
from __future__ import annotations

import json

from hotline.bulletins import archive, figures
from hotline.bulletins.weeks import IsoWeek
from models.base import clock_override
from tests.bulletins.conftest import local
from tests.cases.conftest import Staff, case_for

ZONE = "Asia/Shanghai"
W47, W48 = IsoWeek(2026, 47), IsoWeek(2026, 48)


def _at(moment, step):
    with clock_override(lambda: moment):
        return step()


def test_reopening_a_published_case_through_the_workflow_keeps_its_week_and_reverses_in_the_next(
        app, db, settings, factory):
    from hotline.cases import feedback, workflow

    county = factory.routed_county()
    staff = Staff(factory)
    complaint = _at(local(2026, 11, 16, 9), lambda: factory.complaint(
        "石桥镇红旗村村支书王某把低保名额给了自己侄子。", user=staff.operator, phone="13812345678", name="李秀兰",
        village_id=county["villages"]["红旗村"].id, accused_name="王某", accused_title="村支书",
        accused_level="village_cadre", program="dibao"))
    case = case_for(db, complaint)
    boss, inspector, operator = staff.supervisor, staff.inspector, staff.operator
    with app.app_context():
        _at(local(2026, 11, 16, 10), lambda: workflow.assign(session=db, case=case, inspector=inspector, actor=boss))
        _at(local(2026, 11, 16, 11), lambda: workflow.propose(session=db, case=case, disposition="preliminary_verification",
                                                              reason="线索具体", actor=inspector))
        _at(local(2026, 11, 16, 12), lambda: workflow.approve(session=db, case=case, actor=boss))
        _at(local(2026, 11, 18, 10), lambda: workflow.record_outcome(session=db, case=case, actor=inspector, outcome=(
            workflow.Outcome(finding="true", measures=[("party_sanction", "王某", "warning")], money_recovered="38300"))))
        _at(local(2026, 11, 19, 10), lambda: feedback.record_feedback(session=db, case=case, channel="call",
                                                                      note="已电话告知", actor=operator))
        _at(local(2026, 11, 20, 10), lambda: feedback.record_return_visit(session=db, case=case, satisfaction="unsatisfied",
                                                                          note="不认可", actor=operator))
        _at(local(2026, 11, 20, 11), lambda: workflow.propose_close(session=db, case=case, note="", actor=inspector))
        _at(local(2026, 11, 20, 12), lambda: workflow.close(session=db, case=case, actor=boss))
        db.commit()
        with app.test_request_context(), clock_override(lambda: local(2026, 11, 23, 8)):
            published = archive.build(session=db, period=W47, settings=settings, trigger="cli", publish=True)
            db.commit()
        before = json.loads(archive.file_of(db, published, "figures.json").content)
        assert before["figures"]["money_recovered"]["value"] == "38300.00"
        assert before["figures"]["substantiated"]["value"] == 1 and before["figures"]["cases_closed"]["value"] == 1

        # W48: reopened (the case's finding, conclusion and closing time are cleared), concluded again.
        _at(local(2026, 11, 24, 9), lambda: workflow.reopen(session=db, case=case, reason="举报人不满意，重新核查",
                                                             actor=boss))
        _at(local(2026, 11, 24, 10), lambda: workflow.propose(session=db, case=case, disposition="preliminary_verification",
                                                              reason="重新核查", actor=inspector))
        _at(local(2026, 11, 24, 11), lambda: workflow.approve(session=db, case=case, actor=boss))
        _at(local(2026, 11, 26, 10), lambda: workflow.record_outcome(session=db, case=case, actor=inspector, outcome=(
            workflow.Outcome(finding="partly_true", measures=[], money_recovered="9800"))))
        db.commit()
        assert case.closed_at is None and case.concluded_at is not None

        with app.test_request_context():
            rebuilt = archive.build(session=db, period=W47, settings=settings, trigger="cli")
            db.commit()
    assert archive.file_of(db, rebuilt, "figures.json").content == \
        archive.file_of(db, published, "figures.json").content  # byte for byte
    w47, w48 = (figures.compute(db, w, zone=ZONE) for w in (W47, W48))
    assert w47.value("money_recovered") == "38300.00" and w47.value("cases_closed") == 1
    assert w48.value("money_recovered") == "-28500.00" and w48.value("money_recovered", 1) == "9800.00"
    assert w48.value("cases_reopened") == 1 and w48.value("substantiated") == 0
    # the trend of W48 shows the same W47 as its table did
    assert w48.trend[-2] == {"week": "2026-W47", **{c: w47.value(c) for c in figures.TREND_CODES}}
