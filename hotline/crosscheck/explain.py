"""Why a finding scores what it scores, in words: the match path (exact ID / ID one digit off on
the registry side / same name and pinyin in the household ...) and the grant rule it was judged by.

A finding's reason is written by the rules as "；"-separated parts, each side of the match first
(`matching`: the recipient's "享受人身份证号…无效…", the registry's "<registry>中身份证号…无效…"),
then the rule's fact. The explanation names each part's side and puts the score's arithmetic next to it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlmodel import Session

from hotline.crosscheck import grants
from hotline.crosscheck.grants import GrantRule
from hotline.crosscheck.matching import MATCH_LABELS, REGISTRIES, SCORES
from models.findings import Finding

_REGISTRY_LABELS = tuple(label for _table, label in REGISTRIES.values())
_VERSION = re.compile(r"补助项目规则第(\d+)版")
_HOUSEHOLD_RULES = ("payroll_household", "vehicle_owner", "business_owner", "property_owner")


@dataclass
class Step:
    side: str  # 享受人一侧, 登记库一侧, 家庭关系, 疑点事实
    text: str
    score: float | None = None


@dataclass
class Explanation:
    steps: list[Step] = field(default_factory=list)
    headline: str = ""
    arithmetic: str = ""
    grant: GrantRule | None = None
    grant_version_used: int | None = None
    grant_excludes: list[str] = field(default_factory=list)  # names of the grants not paid alongside


def explain(session: Session, finding: Finding) -> Explanation:
    """The match path and the grant rule of one finding."""
    out = Explanation()
    parts = [p for p in (finding.reason or "").split("；") if p]
    recipient = [p for p in parts if p.startswith("享受人身份证号")]
    registry = [p for p in parts if p.startswith(_REGISTRY_LABELS) and "无效" in p]
    facts = [p for p in parts if p not in recipient and p not in registry]
    scores = []
    if recipient:
        # The recipient side's match: the finding's own, unless the registry side's is the one named.
        code = finding.match if not finding.match.startswith("registry_") else _recipient_code(finding, registry)
        scores.append(SCORES.get(code))
        out.steps += [Step("享受人一侧", f"{MATCH_LABELS.get(code, '模糊匹配')}：{p}", SCORES.get(code)) for p in recipient]
    else:
        out.steps.append(Step("享受人一侧", "补助名册中的身份证号通过校验，按身份证号精确匹配", 1.0))
    if registry:
        code = finding.match if finding.match.startswith("registry_") else _registry_code(finding, scores)
        scores.append(SCORES.get(code))
        out.steps += [Step("登记库一侧", f"{MATCH_LABELS.get(code, '模糊匹配')}：{p}", SCORES.get(code)) for p in registry]
    elif finding.rule in (*_HOUSEHOLD_RULES, "deceased_recipient"):
        out.steps.append(Step("登记库一侧", "登记库中的身份证号通过校验，与名册身份证号一致", 1.0))
    if finding.rule in _HOUSEHOLD_RULES:
        households = sorted({e["fields"].get("户编号", "") for e in finding.evidence or [] if e["kind"] == "households"})
        how = f"户籍登记同户（户编号{'、'.join(h for h in households if h)}）" if any(households) else "本人或户主身份证号"
        out.steps.append(Step("家庭关系", f"登记库人员与享受人经{how}关联"))
    out.steps += [Step("疑点事实", p) for p in facts]
    out.headline = _headline(finding, bool(recipient), bool(registry))
    known = [s for s in scores if s is not None]
    if len(known) == 2:
        out.arithmetic = f"两侧匹配均不确定，匹配程度相乘：{known[0]:.2f} × {known[1]:.2f} = {finding.score:.2f}"
    elif known:
        out.arithmetic = f"一侧为模糊匹配：匹配程度{finding.score:.2f}（精确匹配为1.00）"
    else:
        out.arithmetic = "两侧均按身份证号精确匹配：匹配程度1.00" if finding.score == 1.0 else ""
    book = grants.book(session)
    out.grant = book.find(finding.programme)
    if out.grant is not None:
        out.grant_excludes = [book.rules[c].name for c in out.grant.excludes if c in book.rules]
    used = _VERSION.search(finding.reason or "")
    out.grant_version_used = int(used.group(1)) if used else None
    return out


def _headline(finding: Finding, recipient: bool, registry: bool) -> str:
    if finding.match in ("relative_name_village", "relative_pinyin_village"):
        return f"匹配路径：{MATCH_LABELS[finding.match]}（亲属登记无身份证号）"
    if recipient and registry:
        return "匹配路径：名册与登记库两侧身份证号均有误，分别按相差一位或同户同名匹配"
    if registry and "出生日期有一位之差" in (finding.reason or ""):
        return "匹配路径：登记库一侧身份证号的出生日期相差一位（姓名相同，须复核）"
    if registry:
        return "匹配路径：登记库一侧身份证号相差一位（姓名与出生日期相同）"
    if recipient:
        return f"匹配路径：{MATCH_LABELS.get(finding.match, '模糊匹配')}（名册身份证号有误或缺失）"
    return "匹配路径：身份证号一致（精确匹配）"


def _recipient_code(finding: Finding, registry: list[str]) -> str:
    """The recipient side's match code when the registry side's is the one stored (it was the less sure)."""
    registry_score = SCORES[finding.match]
    for code in ("id_typo_name", "name_household", "id_typo_pinyin", "name_village", "pinyin_household",
                 "pinyin_village"):
        if abs(SCORES[code] * registry_score - finding.score) < 1e-9:
            return code
    return ""


def _registry_code(finding: Finding, scores: list) -> str:
    for code in ("registry_id_typo_name", "registry_id_typo_pinyin", "registry_birth_typo_name"):
        if scores and scores[0] is not None and abs(SCORES[code] * scores[0] - finding.score) < 1e-9:
            return code
    return ""
