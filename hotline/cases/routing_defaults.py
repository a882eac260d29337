"""Default routing rules and township offices generated from what the commission has set up.

A new installation has offices but no routing table. `proposals` reads the offices and proposes
the table DOMAIN.md describes: large sums and repeated reports to the commission itself, teachers
and county departments to the resident group (派驻纪检监察组) overseeing that department, township
cadres to the supervision office (监督检查室) of their township, village cadres and everything else
with a place to the township's discipline committee (乡镇纪委). The admin then edits the table;
`apply` only appends rules whose name is not in it yet, so running it twice adds nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from hotline import audit
from hotline.cases import routing
from models.divisions import Township
from models.offices import Office, OfficeJurisdiction, OfficeKind
from models.routing import RoutingRule
from models.taxonomy import AccusedLevel, Program
from models.users import Actor

LARGE_SUM_YUAN = "100000"
# Words in a resident group's department that tell which programme area it oversees.
DEPARTMENT_PROGRAMS = [
    ("教育", Program.education), ("民政", Program.dibao), ("住房", Program.housing), ("住建", Program.housing),
    ("农业", Program.agri_subsidy), ("农业", Program.industry), ("乡村振兴", Program.project_fund),
    ("扶贫", Program.project_fund), ("医疗保障", Program.medical), ("医保", Program.medical),
    ("卫生", Program.medical), ("人力资源", Program.employment), ("人社", Program.employment),
    ("发展和改革", Program.relocation), ("发改", Program.relocation),
]


@dataclass
class Proposal:
    """A rule as the routing form takes it (strings), with a sentence saying why."""

    form: dict
    why: str

    @property
    def name(self) -> str:
        return self.form["name"]


def _rule(name: str, why: str, *, office: Office | None = None, kind: OfficeKind | None = None,
          **conditions) -> Proposal:
    form = {"name": name, "active": "on", "lead_office_id": str(office.id) if office else "",
            "lead_by_jurisdiction": kind.value if kind else ""}
    form.update({k: (v.value if hasattr(v, "value") else str(v)) for k, v in conditions.items()})
    return Proposal(form, why)


def proposals(session: Session, *, repeat_threshold: int = 3) -> list[Proposal]:
    """The default table for the offices as they are now, most specific rule first."""
    offices = session.exec(select(Office).where(Office.active == True).order_by(Office.id)).all()  # noqa: E712
    first = {}
    for office in offices:
        first.setdefault(office.kind, office)
    out: list[Proposal] = []
    commission = first.get(OfficeKind.commission)
    if commission is not None:
        out.append(_rule("涉及金额10万元以上由县纪委监委直接办理", "严重问题由县纪委监委直接办理", office=commission,
                         min_amount_yuan=LARGE_SUM_YUAN))
        out.append(_rule(f"重复举报{repeat_threshold}次以上由县纪委监委办理", "反复举报的问题提级办理", office=commission,
                         min_repeat_count=repeat_threshold))
    for office in offices:
        if office.kind is not OfficeKind.resident_group or not office.department:
            continue
        programs = []
        for word, program in DEPARTMENT_PROGRAMS:
            if word in office.department and program not in programs:
                programs.append(program)
        if Program.education in programs:
            out.append(_rule(f"反映教师或学校的转{office.name}", "教师和学校由派驻教育部门的纪检监察组监督",
                             office=office, accused_level=AccusedLevel.teacher_school))
        for program in programs:
            out.append(_rule(f"县直部门·{program.label}转{office.name}"[:60],
                             f"{office.department}主管{program.label}，由派驻该部门的纪检监察组监督",
                             office=office, accused_level=AccusedLevel.county_department, program=program))
    if OfficeKind.supervision_office in first:
        out.append(_rule("反映乡镇干部的转联系该乡镇的监督检查室", "乡镇干部由联系该乡镇的监督检查室监督",
                         kind=OfficeKind.supervision_office, accused_level=AccusedLevel.township_cadre))
    local = OfficeKind.township_commission if OfficeKind.township_commission in first else \
        OfficeKind.supervision_office if OfficeKind.supervision_office in first else None
    if local is not None:
        label = "属地乡镇纪委" if local is OfficeKind.township_commission else "联系该乡镇的监督检查室"
        out.append(_rule(f"反映村干部的转{label}", "村干部由属地乡镇纪委监督", kind=local,
                         accused_level=AccusedLevel.village_cadre))
        out.append(_rule(f"其他有属地的线索转{label}", "兜底：有乡镇的线索按属地承办；没有乡镇的进案管室人工分办",
                         kind=local))
    return out


def pending(session: Session, *, repeat_threshold: int = 3) -> list[Proposal]:
    """The proposals whose name the table does not hold yet."""
    names = set(session.exec(select(RoutingRule.name)).all())
    return [p for p in proposals(session, repeat_threshold=repeat_threshold) if p.name not in names]


def apply(session: Session, *, actor: Actor, repeat_threshold: int = 3) -> list[RoutingRule]:
    """Append the pending proposals (audited one by one, as if the admin had typed them)."""
    return [routing.save_rule(session=session, form=p.form, actor=actor)
            for p in pending(session, repeat_threshold=repeat_threshold)]


def township_commissions(session: Session, *, actor: Actor) -> list[Office]:
    """A 乡镇纪委 for every active township that no active one covers, named after the township."""
    covered = set(session.exec(select(OfficeJurisdiction.township_id)
                               .join(Office, Office.id == OfficeJurisdiction.office_id)
                               .where(Office.kind == OfficeKind.township_commission,
                                      Office.active == True)).all())  # noqa: E712
    names = set(session.exec(select(Office.name)).all())
    created = []
    for township in session.exec(select(Township).where(Township.active == True)  # noqa: E712
                                 .order_by(Township.code)).all():
        name = f"{township.name}纪委"
        if township.id in covered or name in names:
            continue
        office = Office(name=name, kind=OfficeKind.township_commission)
        session.add(office)
        session.flush()
        session.add(OfficeJurisdiction(office_id=office.id, township_id=township.id))
        audit.record(session, actor=actor, action="office.create", entity="office", entity_id=office.id,
                     detail={"name": name, "kind": office.kind.value, "township_ids": [township.id],
                             "generated": True})
        created.append(office)
    session.flush()
    return created
