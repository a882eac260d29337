"""Changing a division: add, rename, merge (撤并), retire, restore — each a dated `DivisionChange`.

Called by the list importer and the admin screens alike. Nothing is deleted: a merged or retired
division stays (inactive), so complaints keep the place they were filed under.
"""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from hotline import audit
from hotline.county.codelist import URBAN_RURAL_CODES
from models.divisions import ChangeKind, DivisionChange, DivisionLevel, Township, Village
from models.users import Actor

Division = Township | Village


class DivisionError(ValueError):
    """A change that cannot be made; the message says why, in Chinese."""


def level_of(division: Division) -> DivisionLevel:
    return DivisionLevel.township if isinstance(division, Township) else DivisionLevel.village


def label(division: Division) -> str:
    return "乡镇" if isinstance(division, Township) else "村（社区）"


def _record(session: Session, division: Division, kind: ChangeKind, *, effective_on: dt.date, source: str,
            actor: Actor, old_name: str | None = None, merged_into_id: int | None = None,
            old_code: str | None = None) -> DivisionChange:
    change = DivisionChange(level=level_of(division), division_id=division.id, kind=kind, code=division.code,
                            old_code=old_code, old_name=old_name, new_name=division.name, merged_into_id=merged_into_id,
                            effective_on=effective_on, source=source[:200], actor_id=getattr(actor, "id", None))
    session.add(change)
    if actor is not None:  # an admin's change is audited one by one; an import once, as a whole
        audit.record(session, actor=actor, action=f"division.{kind.value}", entity=level_of(division).value,
                     entity_id=division.id, detail={"code": division.code, "old_name": old_name,
                                                    "new_name": division.name, "merged_into_id": merged_into_id,
                                                    "effective_on": effective_on.isoformat()})
    return change


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise DivisionError("请填写名称")
    if len(name) > 40:
        raise DivisionError("名称过长（最多40字）")
    return name


def _check_township_name(session: Session, name: str, *, keep: Township | None = None) -> None:
    other = session.exec(select(Township).where(Township.name == name)).first()
    if other is not None and other is not keep:
        raise DivisionError(f"乡镇名称“{name}”已被代码 {other.code} 使用")


def _check_code(session: Session, cls, code: str, length: int) -> None:
    if not (code.isdigit() and len(code) == length):
        raise DivisionError(f"代码须为{length}位数字")
    if session.exec(select(cls).where(cls.code == code)).first() is not None:
        raise DivisionError(f"代码 {code} 已存在")


def add_township(session: Session, *, name: str, code: str, effective_on: dt.date, source: str,
                 actor: Actor = None) -> Township:
    name = _clean_name(name)
    _check_code(session, Township, code, 9)
    _check_township_name(session, name)
    township = Township(name=name, code=code)
    session.add(township)
    session.flush()
    _record(session, township, ChangeKind.add, effective_on=effective_on, source=source, actor=actor)
    return township


def add_village(session: Session, *, township: Township, name: str, code: str, effective_on: dt.date,
                source: str, urban_rural_code: str | None = None, actor: Actor = None) -> Village:
    name = _clean_name(name)
    _check_code(session, Village, code, 12)
    if not township.active:
        raise DivisionError(f"乡镇“{township.name}”已撤并或撤销，不能新增村（社区）")
    if not code.startswith(township.code):
        raise DivisionError(f"村（社区）代码须以所属乡镇的代码 {township.code} 开头")
    if urban_rural_code and urban_rural_code not in URBAN_RURAL_CODES:
        raise DivisionError("城乡分类代码应为111、112、121、122、123、210或220")
    village = Village(township_id=township.id, name=name, code=code, urban_rural_code=urban_rural_code)
    session.add(village)
    session.flush()
    _record(session, village, ChangeKind.add, effective_on=effective_on, source=source, actor=actor)
    return village


def rename(session: Session, division: Division, new_name: str, *, effective_on: dt.date, source: str,
           actor: Actor = None) -> DivisionChange | None:
    """Give the division a new name; the old one stays searchable. None when nothing changes."""
    new_name = _clean_name(new_name)
    if new_name == division.name:
        return None
    if not division.active:
        raise DivisionError(f"{label(division)}“{division.name}”已撤并或撤销，不能更名")
    if isinstance(division, Township):
        _check_township_name(session, new_name, keep=division)
    old_name, division.name = division.name, new_name
    session.add(division)
    session.flush()
    return _record(session, division, ChangeKind.rename, effective_on=effective_on, source=source, actor=actor,
                   old_name=old_name)


def merge(session: Session, division: Division, into: Division, *, effective_on: dt.date, source: str,
          actor: Actor = None) -> DivisionChange:
    """撤并: the division ends, its ground now part of INTO (same level, active)."""
    if type(division) is not type(into):
        raise DivisionError("只能并入同一级的区划")
    if division.id == into.id:
        raise DivisionError("不能并入自身")
    if not division.active:
        raise DivisionError(f"{label(division)}“{division.name}”已撤并或撤销")
    if not into.active:
        raise DivisionError(f"并入的{label(into)}“{into.name}”已撤并或撤销")
    if isinstance(division, Township):
        _no_active_villages(session, division)
    division.active, division.merged_into_id = False, into.id
    session.add(division)
    session.flush()
    return _record(session, division, ChangeKind.merge, effective_on=effective_on, source=source, actor=actor,
                   old_name=division.name, merged_into_id=into.id)


def retire(session: Session, division: Division, *, effective_on: dt.date, source: str,
           actor: Actor = None) -> DivisionChange:
    """撤销: the division ends without a successor."""
    if not division.active:
        raise DivisionError(f"{label(division)}“{division.name}”已撤并或撤销")
    if isinstance(division, Township):
        _no_active_villages(session, division)
    division.active = False
    session.add(division)
    session.flush()
    return _record(session, division, ChangeKind.retire, effective_on=effective_on, source=source, actor=actor,
                   old_name=division.name)


def restore(session: Session, division: Division, *, effective_on: dt.date, source: str,
            actor: Actor = None) -> DivisionChange:
    """Undo a merge or retirement made in error (the history keeps both)."""
    if division.active:
        raise DivisionError(f"{label(division)}“{division.name}”仍在使用")
    if isinstance(division, Village):
        township = session.get(Township, division.township_id)
        if township is not None and not township.active:
            raise DivisionError(f"所属乡镇“{township.name}”已撤并或撤销，请先恢复乡镇")
    division.active, division.merged_into_id = True, None
    session.add(division)
    session.flush()
    return _record(session, division, ChangeKind.restore, effective_on=effective_on, source=source, actor=actor)


def recode(session: Session, division: Division, new_code: str, *, effective_on: dt.date, source: str,
           township: Township | None = None, actor: Actor = None) -> DivisionChange:
    """改码: the same place under a new code (a village perhaps under another township, as when
    townships merge). The row, and so every complaint filed under it, stays."""
    length = 9 if isinstance(division, Township) else 12
    _check_code(session, type(division), new_code, length)
    if isinstance(division, Village):
        township = township or session.get(Township, division.township_id)
        if not new_code.startswith(township.code):
            raise DivisionError(f"村（社区）代码须以所属乡镇的代码 {township.code} 开头")
        division.township_id = township.id
    old_code, division.code = division.code, new_code
    session.add(division)
    session.flush()
    return _record(session, division, ChangeKind.recode, effective_on=effective_on, source=source, actor=actor,
                   old_code=old_code, old_name=division.name)


def _no_active_villages(session: Session, township: Township) -> None:
    count = len(session.exec(select(Village.id).where(Village.township_id == township.id,
                                                      Village.active == True)).all())  # noqa: E712
    if count:
        raise DivisionError(f"乡镇“{township.name}”还有 {count} 个在用的村（社区）：请先把它们并入其他村或撤销")


def history(session: Session, division: Division) -> list[DivisionChange]:
    return list(session.exec(select(DivisionChange).where(DivisionChange.level == level_of(division),
                                                          DivisionChange.division_id == division.id)
                             .order_by(DivisionChange.effective_on, DivisionChange.id)).all())
