"""The demo county's clue register: one clue from every source (来电 … 媒体曝光) registered in the last
weeks through intake, on the demo's timeline, and the register's steps taken on some of them:
受理告知 to named reporters, a 转送 to the court, referrals accepted, a 提级办理, an 异地交叉, a name
withdrawn. Marked by external ids, so loading the demo twice adds nothing."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlmodel import Session, select

from hotline.cases import routing_actions
from hotline.cases.routing_actions import LEVEL
from hotline.clues import duties, transfer
from hotline.clues.sources import SourceInput
from hotline.demo.timeline import at_local, zone
from hotline.intake import service
from models.cases import Case
from models.clues import Clue
from models.contacts import Contact
from models.divisions import Township, Village
from models.offices import Office
from models.users import User

PREFIX = "demo-clue-"


@dataclass(frozen=True)
class DemoClue:
    source: str
    channel: str
    days_ago: int
    township: str
    village: str
    text: str
    name: str = ""  # a named report (实名) when given
    phone: str = ""
    referral: tuple[str, str, int] | None = None  # referring body, document number, deadline in days


CLUES = [
    DemoClue("call", "call", 20, "高坪镇", "新华村", "来电反映新华村会计把公益岗位工资每月扣下三百元，说是统筹费。",
             "马国强", "13900001001"),
    DemoClue("sms", "sms", 18, "马鞍乡", "桃花村", "桃花村村主任把自己丈母娘报成低保户，她家在县城有门面。", "", "13900001002"),
    DemoClue("letter", "letter", 17, "青山镇", "云雾村", "实名举报：云雾村支书在易地搬迁分房中给自己亲戚多分一套。",
             "罗秀珍", "13900001003"),
    DemoClue("visit", "visit", 16, "河口镇", "渡口村", "来访人反映与邻居宅基地边界纠纷多年未解决，要求处理邻居。",
             "唐德福", "13900001004"),
    DemoClue("online", "web", 15, "龙泉乡", "凤凰村", "网络实名举报：凤凰村产业扶贫合作社分红从未发到社员手里。",
             "彭大勇", "13900001005"),
    DemoClue("platform_12345", "open311", 14, "城关镇", "五里村", "12345转来：五里村危房改造验收走过场，房子还漏雨。"),
    DemoClue("superior_assigned", "letter", 13, "白岩乡", "陈家坝村", "市纪委交办：白岩乡陈家坝村扶贫项目资金去向不明。",
             referral=("市纪委监委信访室", "市纪交〔2026〕41号", 30)),
    DemoClue("superior_forwarded", "letter", 12, "双龙镇", "兴隆村", "市纪委转办：兴隆村干部虚报危房改造户数套取补助。",
             referral=("市纪委监委信访室", "市纪转〔2026〕77号", 0)),
    DemoClue("inspection_tour", "letter", 11, "石桥镇", "黄泥村", "县委第二巡察组移交：石桥镇分管副镇长插手扶贫工程发包。",
             referral=("县委第二巡察组", "县巡移〔2026〕6号", 0)),
    DemoClue("audit", "letter", 10, "柳河乡", "柏树村", "县审计局移交：柏树村惠农补贴发放名单与实际种植面积不符。",
             referral=("县审计局", "县审移〔2026〕9号", 0)),
    DemoClue("department", "letter", 9, "高坪镇", "太平村", "县民政局移交：太平村两户低保对象家中有人在财政供养单位工作。",
             referral=("县民政局", "县民函〔2026〕15号", 0)),
    DemoClue("crosscheck", "crosscheck", 8, "马鞍乡", "松林村", "大数据比对：松林村一名已故人员的惠农补贴仍在发放。"),
    DemoClue("supervision", "letter", 6, "青山镇", "碧水村", "监督检查发现：碧水村公益岗位人员长期不在岗仍领工资。"),
    DemoClue("media", "web", 5, "城关镇", "七里村", "媒体曝光：七里村扶贫车间建成后一直闲置，补助资金已拨付。"),
]


def _village(session: Session, township: str, village: str) -> Village | None:
    return session.exec(select(Village).join(Township, Township.id == Village.township_id)
                        .where(Township.name == township, Village.name == village)).first()


def _log(session: Session, spec: DemoClue, received: dt.datetime, operator: User, lookup_key: bytes):
    village = _village(session, spec.township, spec.village)
    body, number, days = spec.referral or ("", "", 0)
    due = (received.astimezone(zone()).date() + dt.timedelta(days=days)).isoformat() if spec.referral and days else ""
    data = service.IntakeData(
        text=spec.text, channel=spec.channel, phone=spec.phone, name=spec.name, anonymous=not spec.name,
        township_id=village.township_id if village else None, village_id=village.id if village else None,
        external_id=PREFIX + spec.source, received_at=received,
        clue=SourceInput(source=spec.source, referring_body=body, doc_number=number,
                         date=received.astimezone(zone()).date().isoformat() if spec.referral else "", due_date=due))
    return service.log_contact(session=session, data=data, actor=operator, lookup_key=lookup_key)


def _office(session: Session, name: str) -> Office | None:
    return session.exec(select(Office).where(Office.name == name)).first()


class Register:
    """Registers the demo clues on the past's timeline (hotline.demo.past), takes the register's step
    each one is for at once, and hands the case to the past's director for the rest of its story."""

    def __init__(self, past):
        self.session, self.timeline, self.lookup_key = past.session, past.timeline, past.lookup_key
        self.director, self.users = past.director, past.users

    def add(self, spec: DemoClue, received: dt.datetime) -> None:
        self.timeline.add(received + dt.timedelta(minutes=5), f"登记线索（{spec.source}）",
                          lambda: self.register(spec, received))
    def register(self, spec: DemoClue, received: dt.datetime) -> None:
        operator, boss = self.users["operator2"], self.users["supervisor"]
        complaint = _log(self.session, spec, received, operator, self.lookup_key)
        clue = self.session.exec(select(Clue).where(Clue.complaint_id == complaint.id)).one()
        case = self.session.exec(select(Case).where(Case.complaint_id == complaint.id)).one()
        if spec.source in ("call", "letter"):
            duties.acknowledge(session=self.session, clue=clue, case=case, method="phone",
                               note="已电话告知举报人：反映的问题已受理", actor=operator)
        if spec.source == "online":
            duties.withdraw_name(session=self.session, clue=clue, case=case,
                                 reason="举报人来电要求不再实名，改为匿名", actor=operator)
        if spec.source == "visit":
            transfer.transfer(session=self.session, clue=clue, case=case, destination="人民法院",
                              reason="邻里宅基地边界纠纷属民事争议，不属于纪检监察机关受理范围",
                              notice_method="written", notice_note="当面告知并出具《转送告知书》", actor=operator)
            return
        if spec.source == "inspection_tour":
            commission = _office(self.session, "青溪县纪委监委")
            if commission is not None and LEVEL[self.session.get(Office, case.office_id).kind] < LEVEL[commission.kind]:
                routing_actions.escalate(session=self.session, case=case, office=commission,
                                         reason="涉及乡镇领导干部，由县纪委监委提级办理", actor=boss)
        if spec.source == "audit":
            other = _office(self.session, "高坪镇纪委")
            if other is not None and other.id != case.office_id:
                routing_actions.cross_assign(session=self.session, case=case, office=other,
                                             reason="被反映人与本乡纪委干部系亲属，异地交叉办理", actor=boss)
        if spec.referral:
            duties.accept(session=self.session, clue=clue, case=case, note="已受理", actor=boss)
        self.director.plan(case, complaint, random.Random(PREFIX + spec.source))


def plan(past, now: dt.datetime) -> int:
    """Put the demo clues on the past's timeline (hotline.demo.past.play calls this before playing);
    the number planned (none when the demo was loaded before)."""
    session = past.session
    if session.exec(select(Contact.id).where(Contact.external_id == PREFIX + CLUES[0].source)).first():
        return 0
    register, today = Register(past), now.astimezone(zone()).date()
    for spec in CLUES:
        register.add(spec, at_local(today - dt.timedelta(days=spec.days_ago), 10))
    return len(CLUES)
