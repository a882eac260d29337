"""The grant table (补助项目规则): which 项目 a roll row pays, and who may receive it.

A roll writes its 项目 as it likes ("2026年春季普高助学金", "國家助學金（高中）"); the table maps that
text to a grant by its standard name or one of its aliases, after traditional→simplified, without
years, terms, spaces and punctuation. The longest alias found in the text decides; two grants tied
is no decision. A 项目 that maps to nothing is **unmapped**: the import page lists it for an admin
to map, and no rule treats it as its programme's broadest range (the age rule skips it and says so
in the run's figures).

Every save of a grant makes a new version (`models.rolls.GrantVersion`); a finding's reason names
the version it was judged by.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from hotline import audit
from hotline.crosscheck import values
from models.base import utcnow
from models.rolls import Grant, GrantVersion, RollImport
from models.taxonomy import Program

# (code, standard name, programme area, min age, max age, aliases, excludes, other conditions)
SEED: tuple[tuple, ...] = (
    ("preschool", "学前教育资助", "education", 3, 6,
     ("学前资助", "幼儿资助", "学前教育幼儿资助", "幼儿园资助", "学前儿童资助", "学前教育助学金"), (), ""),
    ("nutrition", "义务教育营养改善计划补助", "education", 6, 16,
     ("营养餐", "营养餐补助", "营养改善计划", "学生营养餐", "农村义务教育学生营养改善计划"), (), ""),
    ("boarding", "义务教育寄宿生生活补助", "education", 6, 16,
     ("寄宿生生活补助", "寄宿生补助", "寄宿生生活费补助", "家庭经济困难寄宿生生活补助"), (), ""),
    ("high_school", "普通高中国家助学金", "education", 14, 20,
     ("高中国家助学金", "普高助学金", "高中助学金", "普通高中助学金", "国家助学金高中", "普高国家助学金"), (), ""),
    ("vocational", "中职国家助学金", "education", 15, 24,
     ("中职助学金", "中等职业教育国家助学金", "中职学生资助", "国家助学金中职"), (), ""),
    ("yulu", "雨露计划", "education", 15, 24,
     ("雨露计划补助", "雨露计划助学", "雨露计划职业教育补助", "雨露计划资助"), (), "脱贫户或监测户家庭子女"),
    ("freshman", "大学新生入学资助", "education", 17, 25,
     ("大学新生资助", "新生入学资助", "新生入学路费", "大学生入学资助", "大学新生入学路费及短期生活费"), (), ""),
    ("longevity", "高龄津贴", "other", 80, None,
     ("高龄补贴", "高龄老人津贴", "高龄老人补贴", "长寿补贴", "百岁老人补贴"), (), ""),
    ("elderly", "老年补贴", "other", 60, None,
     ("养老补贴", "老年人补贴", "老年生活补贴", "养老服务补贴"), (), ""),
    ("basic_pension", "城乡居民基础养老金", "other", 60, None, ("基础养老金", "城乡居民养老金"), (), ""),
    ("disability_two", "残疾人两项补贴", "other", None, None, ("两项补贴",), (), "持有残疾证（第二代）"),
    ("disability_living", "困难残疾人生活补贴", "other", None, None, ("残疾人生活补贴",), (),
     "持有残疾证，家庭在低保名册上"),
    ("disability_care", "重度残疾人护理补贴", "other", None, None, ("残疾人护理补贴", "重残护理补贴"), (),
     "持有一、二级残疾证"),
    ("dibao", "最低生活保障", "dibao", None, None,
     ("低保", "农村低保", "城市低保", "城乡低保", "低保金", "最低生活保障金"), ("tekun",), ""),
    ("tekun", "特困人员救助供养", "dibao", None, None,
     ("特困供养", "特困人员供养", "特困救助", "五保", "五保供养"), ("dibao",), "不同时享受低保"),
    ("housing", "农村危房改造补助", "housing", None, None, ("危房改造", "危房改造补助", "危改补助"), (), ""),
    ("farmland", "耕地地力保护补贴", "agri_subsidy", None, None, ("地力补贴", "耕地补贴", "粮食直补", "粮补"), (), ""),
    ("medical", "医疗救助", "medical", None, None, ("医疗救助金", "大病救助"), (), ""),
)

# Conditions a rule checks (`rules.grant_condition`), by code: what the grant screen offers.
CONDITIONS = {
    "disability_cert": "持有残疾人证（残疾人证登记中有记录）",
    "disability_severe": "持有一、二级残疾人证",
    "dibao_household": "家庭在低保名册上（本人或同户成员领取最低生活保障）",
}
# The seeded grants' checked conditions: what their words promise.
SEED_REQUIRES = {"disability_two": ["disability_cert"], "disability_living": ["disability_cert", "dibao_household"],
                 "disability_care": ["disability_severe"]}

# Years, school years, terms and batches: "2026年春季", "2025-2026学年第一学期", "第3批".
_NOISE = re.compile(r"\d+\s*(?:年度|学年|年)|[春秋]季(?:学期)?|第?[一二三四五六七八九十\d]+(?:学期|季度|批次?|期)|"
                    r"[上下]半年|学年")
_JUNK = re.compile(r"[\s\W_\d]+")  # spaces, punctuation, stray digits


@functools.lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    """The 项目 text as the table compares it: simplified, without years/terms, spaces, punctuation."""
    simple = "".join(values.simplified(ch) for ch in (text or ""))
    return _JUNK.sub("", _NOISE.sub("", simple))


@dataclass(frozen=True)
class GrantRule:
    """A grant as the rules read it (one version)."""
    id: int
    code: str
    name: str
    program: str
    min_age: int | None
    max_age: int | None
    excludes: tuple[str, ...]
    conditions: str
    version: int
    requires: tuple[str, ...] = ()  # CONDITIONS codes a rule checks

    @property
    def ages(self) -> str:
        """The age range in words: '14—20岁', '80岁以上'."""
        if self.min_age is not None and self.max_age is not None:
            return f"{self.min_age}—{self.max_age}岁"
        if self.min_age is not None:
            return f"{self.min_age}岁以上"
        return f"{self.max_age}岁以下" if self.max_age is not None else "不限"

    @property
    def label(self) -> str:
        """'普通高中国家助学金（第2版）': how a finding names the rule it was judged by."""
        return f"{self.name}（补助项目规则第{self.version}版）"


class GrantBook:
    """The active grants, and the 项目 texts they answer to."""

    def __init__(self, grants: list[Grant]):
        self.rules = {g.code: _rule(g) for g in grants if g.active}
        self._names: dict[str, str] = {}  # normalised alias -> code
        tied: set[str] = set()
        for g in grants:
            if not g.active:
                continue
            for alias in (g.name, *(g.aliases or [])):
                key = normalise(alias)
                if key and self._names.get(key, g.code) != g.code:
                    tied.add(key)
                self._names.setdefault(key, g.code)
        for key in tied:  # one text claimed by two grants decides nothing
            del self._names[key]
        self._by_length = sorted(self._names, key=len, reverse=True)
        self._memo: dict[str, GrantRule | None] = {}

    def find(self, text: str | None) -> GrantRule | None:
        """The grant a roll's 项目 text names, or None (unmapped)."""
        if text is None:
            return None
        if text not in self._memo:
            self._memo[text] = self._find(normalise(text))
        return self._memo[text]

    def _find(self, key: str) -> GrantRule | None:
        if not key:
            return None
        if key in self._names:
            return self.rules[self._names[key]]
        best, codes = 0, set()
        for alias in self._by_length:
            if len(alias) < best:
                break
            if alias in key:
                best = len(alias)
                codes.add(self._names[alias])
        return self.rules[codes.pop()] if len(codes) == 1 else None


def _rule(grant: Grant) -> GrantRule:
    return GrantRule(grant.id, grant.code, grant.name, grant.program, grant.min_age, grant.max_age,
                     tuple(grant.excludes or ()), grant.conditions or "", grant.version,
                     tuple(c for c in grant.requires or () if c in CONDITIONS))


def ensure_seeded(session: Session) -> None:
    """Load the common grants into an empty table (the first time the rules or the screen need it)."""
    if session.exec(select(Grant.id).limit(1)).first() is not None:
        return
    for code, name, program, low, high, aliases, excludes, conditions in SEED:
        grant = Grant(code=code, name=name, program=program, min_age=low, max_age=high, aliases=list(aliases),
                      excludes=list(excludes), conditions=conditions or None, requires=SEED_REQUIRES.get(code),
                      updated_at=utcnow())
        session.add(grant)
        session.flush()
        session.add(GrantVersion(grant_id=grant.id, version=1, snapshot=snapshot(grant), reason="预置常见补助项目",
                                 changed_at=utcnow()))
    session.flush()


def book(session: Session) -> GrantBook:
    ensure_seeded(session)
    return GrantBook(list(session.exec(select(Grant).order_by(Grant.id)).all()))


def snapshot(grant: Grant) -> dict:
    return {"code": grant.code, "name": grant.name, "program": grant.program, "min_age": grant.min_age,
            "max_age": grant.max_age, "aliases": list(grant.aliases or []), "excludes": list(grant.excludes or []),
            "conditions": grant.conditions or "", "requires": list(grant.requires or []), "active": grant.active}


class GrantError(ValueError):
    """The grant cannot be saved; the message says why, in Chinese."""


def _ages(low: str | int | None, high: str | int | None) -> tuple[int | None, int | None]:
    out = []
    for label, value in (("最低年龄", low), ("最高年龄", high)):
        text = str(value).strip() if value is not None else ""
        if not text:
            out.append(None)
            continue
        if not text.isdigit() or not 0 <= int(text) <= 150:
            raise GrantError(f"{label}须为0—150之间的整数（填写的是“{text}”）")
        out.append(int(text))
    if out[0] is not None and out[1] is not None and out[0] > out[1]:
        raise GrantError(f"最低年龄（{out[0]}）不能大于最高年龄（{out[1]}）")
    return out[0], out[1]


def _aliases(text: str) -> list[str]:
    out = []
    for part in re.split(r"[\n,，、;；]+", text or ""):
        part = part.strip()[:60]
        if part and part not in out:
            out.append(part)
    return out


def save(session: Session, *, grant: Grant | None, form: dict, reason: str, user=None) -> Grant:
    """Create or change a grant from the screen's fields; a new version each time. The caller commits."""
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise GrantError("请填写修改理由（至少2个字）")
    name = (form.get("name") or "").strip()[:60]
    if not name:
        raise GrantError("请填写项目名称")
    program = form.get("program") or ""
    if program not in Program.__members__:
        raise GrantError("请选择所属领域")
    low, high = _ages(form.get("min_age"), form.get("max_age"))
    known = {g.code for g in session.exec(select(Grant)).all()}
    excludes = [c for c in _aliases(form.get("excludes", "")) if c]
    unknown = [c for c in excludes if c not in known]
    if unknown:
        raise GrantError(f"“不得同时享受”中有未知的项目代码：{'、'.join(unknown)}")
    if grant is None:
        code = (form.get("code") or "").strip()
        if not re.fullmatch(r"[a-z][a-z0-9_]{1,39}", code):
            raise GrantError("项目代码须为2—40个小写字母、数字或下划线，以字母开头")
        if code in known:
            raise GrantError(f"项目代码“{code}”已存在")
        grant = Grant(code=code, name=name, program=program, version=0)
    grant.name, grant.program, grant.min_age, grant.max_age = name, program, low, high
    grant.aliases, grant.excludes = _aliases(form.get("aliases", "")), excludes
    grant.conditions = (form.get("conditions") or "").strip()[:1000] or None
    requires = form.getlist("requires") if hasattr(form, "getlist") else form.get("requires") or []
    requires = [requires] if isinstance(requires, str) else list(requires)
    unknown = [c for c in requires if c not in CONDITIONS]
    if unknown:
        raise GrantError(f"未知的核查条件：{'、'.join(unknown)}")
    grant.requires = [c for c in CONDITIONS if c in requires] or None
    grant.active = form.get("active") not in (None, "", "0", "off")
    return _new_version(session, grant, reason, user)


def map_text(session: Session, *, grant: Grant, text: str, user=None) -> Grant:
    """An admin maps an unmapped 项目 text to a grant: the text becomes an alias (a new version)."""
    text = (text or "").strip()[:60]
    if not normalise(text):
        raise GrantError("项目名称为空")
    aliases = list(grant.aliases or [])
    if text not in aliases:
        aliases.append(text)
    grant.aliases = aliases
    return _new_version(session, grant, f"将名册项目“{text}”对应到本项目", user)


def _new_version(session: Session, grant: Grant, reason: str, user) -> Grant:
    grant.version = (grant.version or 0) + 1
    grant.updated_at, grant.updated_by_id = utcnow(), getattr(user, "id", None)
    session.add(grant)
    session.flush()
    session.add(GrantVersion(grant_id=grant.id, version=grant.version, snapshot=snapshot(grant), reason=reason[:2000],
                             changed_by_id=getattr(user, "id", None), changed_at=utcnow()))
    audit.record(session, actor=user, action="grant.save", entity="crosscheck_grant", entity_id=grant.id,
                 detail={"code": grant.code, "version": grant.version, "reason": reason[:200]})
    return grant


def names_on_rolls(session: Session) -> dict[str, int]:
    """{项目 text: rows} over every recipient roll not withdrawn (from the imports' records; an
    import made before they were kept is counted from its rows)."""
    out: dict[str, int] = {}
    legacy = []
    for import_id, names in session.execute(sa.select(RollImport.id, RollImport.grant_names).where(
            RollImport.kind == "recipients", RollImport.withdrawn_at.is_(None))):
        if names is None:
            legacy.append(import_id)
        for text, count in (names or {}).items():
            out[text] = out.get(text, 0) + count
    if legacy:
        from models.rolls import RollRecipient

        table = RollRecipient.__table__
        for text, count in session.execute(sa.select(table.c.grant_name, sa.func.count())
                                           .where(table.c.import_id.in_(legacy)).group_by(table.c.grant_name)):
            out[text] = out.get(text, 0) + count
    return out


def import_names(session: Session, record: RollImport) -> dict[str, int]:
    """{项目 text: rows} of one recipient import (counted from its rows if it predates the record)."""
    if record.grant_names is not None:
        return dict(record.grant_names)
    from models.rolls import RollRecipient

    table = RollRecipient.__table__
    return dict(session.execute(sa.select(table.c.grant_name, sa.func.count()).where(table.c.import_id == record.id)
                                .group_by(table.c.grant_name)).all())


def unmapped(grants: GrantBook, names: dict[str, int]) -> list[tuple[str, int]]:
    """The 项目 texts no grant answers to, most rows first."""
    return sorted(((t, n) for t, n in names.items() if grants.find(t) is None), key=lambda item: (-item[1], item[0]))
