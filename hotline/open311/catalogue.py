"""The services (one per problem type) and their definitions (attributes a partner may send)."""
from __future__ import annotations

from sqlmodel import Session, select

from models.divisions import Township, Village
from models.taxonomy import AccusedLevel, Program, ProblemType

GROUP = "扶贫领域问题"

DESCRIPTIONS = {
    ProblemType.false_certificate: "干部违规出具贫困证明，伪造申请材料、民主评议记录或签字。",
    ProblemType.false_claim: "虚构享受对象，冒用已故或外出人员名义领取，隐瞒收入资产骗取补助。",
    ProblemType.favoritism: "把补助或名额给干部的亲属朋友（人情保、关系保）。",
    ProblemType.lowered_standard: "不符合条件的家庭被纳入，真正困难的家庭被漏评、错评、错退。",
    ProblemType.embezzlement: "干部侵吞扶贫资金，扣留群众的存折、银行卡。",
    ProblemType.misappropriation: "截留、拖欠、挪用扶贫资金，集体克扣（雁过拔毛）。",
    ProblemType.extortion: "办理补助或审批时索要钱财、礼品、吃请或回扣。",
    ProblemType.formalism: "数字脱贫、敷衍推诿、不作为、监管失职失责。",
    ProblemType.other: "不属于以上类型的扶贫领域问题。",
}

KEYWORDS = {
    ProblemType.false_certificate: "证明,伪造,签字", ProblemType.false_claim: "冒领,虚报,骗取",
    ProblemType.favoritism: "亲属,人情保,关系保", ProblemType.lowered_standard: "识别不准,漏评,错评,错退",
    ProblemType.embezzlement: "贪污,侵占,存折", ProblemType.misappropriation: "截留,挪用,克扣",
    ProblemType.extortion: "索要,好处费,回扣", ProblemType.formalism: "不作为,推诿,数字脱贫",
    ProblemType.other: "其他",
}

# Attribute codes a request may carry as attribute[<code>], in the order of the definition.
ATTRIBUTE_CODES = ("external_id", "township", "village", "program", "accused_level", "amount")


def service_for(code: str) -> ProblemType | None:
    try:
        return ProblemType(code)
    except ValueError:
        return None


def services() -> list[dict]:
    """GET services: the problem types as GeoReport services."""
    return [{"service_code": t.value, "service_name": t.label, "description": DESCRIPTIONS[t],
             "metadata": True, "type": "realtime", "keywords": KEYWORDS[t], "group": GROUP}
            for t in ProblemType]


def _attribute(order: int, code: str, datatype: str, description: str, datatype_description: str = "",
               values: list[dict] | None = None) -> dict:
    row = {"variable": True, "code": code, "datatype": datatype, "required": False,
           "datatype_description": datatype_description or None, "order": order, "description": description}
    if values is not None:
        row["values"] = values
    return row


def definition(session: Session, service: ProblemType) -> dict:
    """GET services/{code}: the attributes, with township and village lists from the database."""
    towns = session.exec(select(Township).where(Township.active == True).order_by(Township.code)).all()  # noqa: E712
    names = {t.id: t.name for t in towns}
    villages = session.exec(select(Village).where(Village.active == True).order_by(Village.code)).all()  # noqa: E712
    levels = [level for level in AccusedLevel if level is not AccusedLevel.unknown]
    return {"service_code": service.value, "attributes": [
        _attribute(1, "external_id", "string", "12345平台工单编号（同一编号重复提交返回同一查询码）",
                   "不超过50个字符"),
        _attribute(2, "township", "singlevaluelist", "问题发生的乡镇", "乡镇代码",
                   [{"key": t.code, "name": t.name} for t in towns]),
        _attribute(3, "village", "singlevaluelist", "问题发生的村（社区）", "村（社区）代码",
                   [{"key": v.code, "name": names.get(v.township_id, "") + v.name} for v in villages]),
        _attribute(4, "program", "singlevaluelist", "所涉扶贫领域", "",
                   [{"key": p.value, "name": p.label} for p in Program]),
        _attribute(5, "accused_level", "singlevaluelist", "被反映人层级", "",
                   [{"key": level.value, "name": level.label} for level in levels]),
        _attribute(6, "amount", "string", "涉及金额（元）", "例如：3500、2.5万"),
    ]}
