"""不予受理/转送: a matter outside the commission's remit, registered, then passed to the competent
body with a reason; a named reporter is told where it went. It counts as received and transferred,
never as a clue handled: its case closes with the event `transferred` and Clue.handling says so."""
from __future__ import annotations

from sqlmodel import Session

from hotline import controlchars
from hotline.cases import deadlines, supervision
from hotline.cases.transitions import WorkflowError, event, sync_complaint
from hotline.clues import actions, duties
from models.base import utcnow
from models.cases import Case, CaseStatus
from models.clues import Clue, ClueHandling, NoticeKind
from models.complaints import Complaint
from models.users import Actor

# Offered on the form; any competent body may be typed.
COMPETENT_BODIES = ("12345政务服务便民热线", "信访部门", "民政局", "人力资源和社会保障局", "住房和城乡建设局",
                    "农业农村局", "乡村振兴局", "教育局", "卫生健康局", "公安机关", "人民法院", "人民检察院",
                    "市场监督管理局", "乡镇人民政府")
MAX_BODY = 60


def transfer(*, session: Session, clue: Clue, case: Case, destination: str, reason: str, notice_method: str = "",
             notice_note: str = "", actor: Actor) -> Clue:
    """Transfer the clue (转送) and close its case; for a named reporter, the notice is required."""
    actions.check(session, "transfer", case, actor)
    if clue.handling is ClueHandling.transferred:
        raise WorkflowError("该线索已转送")
    destination = controlchars.drop(destination or "").strip()
    reason = controlchars.drop(reason or "").strip()
    if not destination:
        raise WorkflowError("请填写转送的有权处理单位（如 12345、信访部门、民政局、人民法院）")
    if len(destination) > MAX_BODY:
        raise WorkflowError(f"转送单位名称过长（最多{MAX_BODY}字）")
    if not reason:
        raise WorkflowError("请填写不予受理并转送的理由（如 不属于纪检监察机关受理范围的民事纠纷）")
    now = utcnow()
    if duties.reporter(session, clue) is not None:
        complaint = session.get(Complaint, clue.complaint_id)
        body = (f"您反映的问题（查询码{complaint.receipt_code}）不属于纪检监察机关受理范围，"
                f"已转送{destination}依法处理，请与该单位联系。")
        duties.notify(session, clue=clue, kind=NoticeKind.transfer, method=notice_method, note=notice_note,
                      sms_body=body, actor=actor)
        clue.ack_given_at = clue.ack_given_at or now  # told what became of the report: the duty is met
    clue.handling, clue.transferred_to, clue.transfer_reason = ClueHandling.transferred, destination, reason[:2000]
    clue.transferred_at, clue.transferred_by_id = now, getattr(actor, "id", None)
    clue.accepted_at = clue.accepted_at or now  # a referred matter passed on: its 受理或转办 step is done
    session.add(clue)
    deadlines.cancel(session, case)
    supervision.lift_all(session, case, actor, "不予受理，已转送")
    case.status, case.closed_at, case.updated_at = CaseStatus.closed, now, now
    session.add(case)
    sync_complaint(session, case)
    event(session, case, actor, "transferred", reason[:2000], destination=destination, clue_number=clue.number)
    return clue
