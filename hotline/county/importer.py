"""Applying a code list to the database: what is new, renamed, merged or gone, as dated changes.

Divisions are matched by code. The list does not say where a vanished village went, so a
division missing from a newer list is merged only where the operator says into what
(`merges`: old code → new code) or retired when asked (`retire_missing`); otherwise the import
stops and names them, and nothing is applied. The same list imported again changes nothing.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, select

from hotline import audit
from hotline.county import changes, codelist
from hotline.county.codelist import CodeList, CodeListError
from models.divisions import Township, Village
from models.users import Actor


@dataclass
class ImportResult:
    added_townships: list[str] = field(default_factory=list)
    added_villages: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)  # "旧名 → 新名"
    merged: list[str] = field(default_factory=list)  # "旧名 → 并入名"
    recoded: list[str] = field(default_factory=list)  # "名称 旧代码 → 新代码"
    retired: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped_rows: list[int] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added_townships or self.added_villages or self.renamed or self.merged or self.retired
                    or self.recoded)

    def summary(self) -> str:
        parts = [f"新增乡镇 {len(self.added_townships)} 个", f"新增村（社区）{len(self.added_villages)} 个",
                 f"更名 {len(self.renamed)} 个", f"改码 {len(self.recoded)} 个", f"撤并 {len(self.merged)} 个",
                 f"撤销 {len(self.retired)} 个",
                 f"未变 {self.unchanged} 个"]
        if self.skipped_rows:
            parts.append(f"跳过外县行 {len(self.skipped_rows)} 行")
        return "，".join(parts)


def parse_merges(values) -> dict[str, str]:
    """'旧代码=新代码' items (one per CLI option or per line of the web form) as {old: new}; a
    township's 12-digit code (…TTT000) is stored as its 9 digits."""
    pairs, problems = {}, []
    for value in values:
        value = value.strip().replace("＝", "=")
        if not value:
            continue
        old, sep, new = (part.strip() for part in value.partition("="))
        if not sep or not old.isdigit() or not new.isdigit():
            problems.append(f"“{value[:40]}”应写成 旧代码=新代码（如 511234002003=511234002001）")
            continue
        pairs[_stored_code(old)] = _stored_code(new)
    if problems:
        raise CodeListError(problems)
    return pairs


def _stored_code(code: str) -> str:
    return code[:9] if len(code) == 12 and code.endswith("000") else code


def source_of(path: Path, name: str | None = None) -> str:
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    return f"导入 {name or Path(path).name}（sha256 {digest}）"


def import_file(session: Session, path: Path, *, county_code: str, effective_on: dt.date,
                merges: dict[str, str] | None = None, retire_missing: bool = False,
                skip_other_counties: bool = False, actor: Actor = None, name: str | None = None) -> ImportResult:
    """Read and apply the list in the caller's transaction; raises CodeListError with every problem.
    NAME is the file's own name when PATH is a temporary copy (a web upload)."""
    if not county_code:
        raise CodeListError(["未设置本县区划代码：请设置 COUNTY_CODE（6位数字，如 511234）"])
    listing = codelist.read(path, county_code=county_code, skip_other_counties=skip_other_counties)
    source = source_of(path, name)
    result = apply(session, listing, county_code=county_code, effective_on=effective_on, source=source,
                   merges=merges or {}, retire_missing=retire_missing, actor=actor)
    result.skipped_rows = listing.skipped_other_counties
    if result.changed:
        audit.record(session, actor=actor, action="division.import", entity="division", entity_id=None,
                     detail={"source": source, "effective_on": effective_on.isoformat(),
                             "added_townships": len(result.added_townships),
                             "added_villages": len(result.added_villages), "renamed": result.renamed,
                             "merged": result.merged, "retired": result.retired, "recoded": result.recoded})
    return result


def apply(session: Session, listing: CodeList, *, county_code: str, effective_on: dt.date, source: str,
          merges: dict[str, str], retire_missing: bool, actor: Actor = None) -> ImportResult:
    townships = {t.code: t for t in session.exec(select(Township)).all()}
    villages = {v.code: v for v in session.exec(select(Village)).all()}
    town_recodes = _recodes(townships, listing.townships, county_code, merges, lambda old, new: True)

    def same_ground(old: str, new: str) -> bool:  # a village recoded stays in its township or its successor
        home = old[:9]
        home = town_recodes.get(home) or merges.get(home) or home
        return new[:9] == home
    village_recodes = _recodes(villages, listing.villages, county_code, merges, same_ground)
    _check(listing, townships, villages, county_code=county_code, merges=merges, retire_missing=retire_missing,
           recoded=set(town_recodes) | set(village_recodes))
    result = ImportResult()
    kw = {"effective_on": effective_on, "source": source, "actor": None}
    for existing, recodes in ((townships, town_recodes), (villages, village_recodes)):
        for old, new in sorted(recodes.items()):
            division = existing.pop(old)
            township = None
            if isinstance(division, Village):
                township = townships.get(new[:9])
                if township is None:  # the new township is new in this list too
                    row = listing.townships[new[:9]]
                    township = townships[new[:9]] = changes.add_township(session, name=row.name, code=row.code, **kw)
                    result.added_townships.append(row.name)
            changes.recode(session, division, new, township=township, **kw)
            existing[new] = division
            result.recoded.append(f"{division.name} {old} → {new}")
    for code, row in sorted(listing.townships.items()):
        township = townships.get(code)
        if township is None:
            townships[code] = changes.add_township(session, name=row.name, code=code, **kw)
            result.added_townships.append(row.name)
        else:
            _rename(session, township, row.name, result, kw)
    for code, row in sorted(listing.villages.items()):
        village = villages.get(code)
        if village is None:
            villages[code] = changes.add_village(session, township=townships[row.township_code], name=row.name,
                                                 code=code, urban_rural_code=row.urban_rural_code, **kw)
            result.added_villages.append(f"{townships[row.township_code].name}{row.name}")
        else:
            _rename(session, village, row.name, result, kw)
            if row.urban_rural_code and village.urban_rural_code != row.urban_rural_code:
                village.urban_rural_code = row.urban_rural_code
                session.add(village)
    # Villages end before townships (a township ends only without villages in use).
    for existing, listed in ((villages, listing.villages), (townships, listing.townships)):
        for code, division in sorted(existing.items()):
            if not division.active or code in listed or not code.startswith(county_code):
                continue
            if code in merges:
                into = existing[merges[code]]
                changes.merge(session, division, into, **kw)
                result.merged.append(f"{division.name} → {into.name}")
            else:
                changes.retire(session, division, **kw)
                result.retired.append(division.name)
    return result


def _recodes(existing: dict, listed: dict, county_code: str, merges: dict[str, str], same_ground) -> dict[str, str]:
    """Old code → new code for divisions the list gives under a new code: a division in use missing
    from the list whose exact name is, once and on the same ground, among the list's new codes.
    An explicit --merge wins; two candidates decide nothing (the operator says)."""
    new_codes = [code for code in listed if code not in existing]
    found = {}
    for code, division in existing.items():
        if not division.active or code in listed or code in merges or not code.startswith(county_code):
            continue
        candidates = [c for c in new_codes if listed[c].name == division.name and same_ground(code, c)]
        if len(candidates) == 1:
            found[code] = candidates[0]
    if len(set(found.values())) < len(found):  # two old codes claiming one new code: not a recode
        taken = [v for v in found.values() if list(found.values()).count(v) > 1]
        found = {k: v for k, v in found.items() if v not in taken}
    return found


def _rename(session: Session, division, name: str, result: ImportResult, kw: dict) -> None:
    old = division.name
    if changes.rename(session, division, name, **kw) is not None:
        result.renamed.append(f"{old} → {name}")
    else:
        result.unchanged += 1


def _check(listing: CodeList, townships: dict, villages: dict, *, county_code: str, merges: dict[str, str],
           retire_missing: bool, recoded: set[str]) -> None:
    """Every problem with applying the list, before anything is written."""
    problems = []
    for existing, listed in ((townships, listing.townships), (villages, listing.villages)):
        for code, row in listed.items():
            division = existing.get(code)
            if division is not None and not division.active:
                problems.append(f"第 {row.row} 行：代码 {code} 的“{division.name}”已撤并或撤销，不能重新启用"
                                "（如确有恢复，请在管理页面恢复后再导入）")
    names = {t.name: c for c, t in townships.items()}
    for code, row in listing.townships.items():
        holder = names.get(row.name)
        if holder is not None and holder != code and (holder in listing.townships or holder in recoded):
            continue  # the holder is renamed or recoded by this same list
        if holder is not None and holder != code:
            problems.append(f"第 {row.row} 行：乡镇名称“{row.name}”已被代码 {holder} 使用")
    missing = []
    for existing, listed, length in ((townships, listing.townships, 9), (villages, listing.villages, 12)):
        for code, division in sorted(existing.items()):
            if division.active and code.startswith(county_code) and code not in listed and code not in recoded:
                target = merges.get(code)
                if target is None:
                    missing.append(f"{division.name}（{code}）")
                elif len(target) != length or (target not in listed):
                    problems.append(f"--merge {code}={target}：并入的代码须是新表中同一级的区划")
    for old in merges:
        if old not in townships and old not in villages:
            problems.append(f"--merge {old}=…：库中没有代码 {old}")
    if missing and not retire_missing:
        problems.append(f"新表中没有以下 {len(missing)} 个区划：" + "、".join(missing[:40])
                        + "。请用 --merge 旧代码=新代码 说明各自并入了哪里（撤并），或加 --retire-missing 将其撤销")
    if problems:
        raise CodeListError(problems)
