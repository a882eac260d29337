"""Entity extraction from a complaint: people, places, accused level, amounts, ID numbers,
phone numbers, programme names and dates.

Spans index the *normalised* text (`classifiers.normalize.normalize`), which is the text the
app shows with highlights. Entities of different kinds may nest (a title inside a person
mention) but never cross: where two would cross, the lower-priority one is trimmed or
dropped, so the spans can be rendered as nested HTML marks.

Everything here is rule-based and measured on hand-annotated samples (`bench/bench_extract.py`,
results in docs/triage.md). This module assembles the extractors: people (`people.py`),
places (`places.py`), dates (`dates.py`), amounts (`numerals.py`, cn2an parses the numerals),
ID numbers (`idnumber.py`), and here phone numbers, programme names and accused level.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from . import idnumber, numerals
from .dates import find_dates
from .definitions import untypo
from .entity import KINDS, Division, Entity
from .lexicon import ACCUSED_WORDS, PROGRAM_WORDS
from .normalize import normalize
from .people import find_people
from .places import DivisionIndex, as_division_index, find_places

__all__ = [
    "KINDS", "Division", "DivisionIndex", "Entity", "as_division_index", "extract_entities",
    "summarize_accused_level", "with_raw_spans",
]

# --- accused level, programmes -----------------------------------------------------------

_ACCUSED_RE = re.compile("|".join(sorted(map(re.escape, ACCUSED_WORDS), key=len, reverse=True)))
_PROGRAM_RE = re.compile("|".join(sorted(map(re.escape, PROGRAM_WORDS), key=len, reverse=True)))


# Titles named by their unit, which no word list can enumerate: 县交通运输局工程师, 县委统战部长,
# 镇建管所所长, 乡社会事务办主任, 村务监督委员会主任, 村报账员. The unit's prefix (县/镇/村) says the
# level; characters between may not cross into a lower unit (孟溪镇白泥凼村村主任 is a village
# title, not a township one), and the commission itself (县纪委, the addressee) is never accused.
_UNIT_TITLES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(
        r"(?:县|区|市|州)(?:委|政府)?[^\s，。、；：！？,.镇乡村街社组纪监]{0,6}?"
        r"(?:局长|部长|主任|科长|股长|工程师|工作人员|干部|领导|书记|局|办|部门|中心)"
    ), "county_department"),
    # A county unit's station or institute and its head: 县畜牧兽医站站长, 县农技站, 县医院院长
    # (站长/所长 alone read as township). Not after 城/超 or before 场 (市场监管所 is a township's).
    (re.compile(
        r"(?:县|区|州|(?<![城超])市(?!场))[^\s，。、；：！？,.镇乡村街社组纪监]{1,6}?(?:站长|所长|院长|站)"
    ), "county_department"),
    (re.compile(
        r"(?:镇|乡|街道|工业园区)(?:党委|政府)?[^\s，。、；：！？,.村县区市社组纪监]{0,6}?"
        r"(?:所长|站长|院长|主任|专干|干部|工作人员|助理|领导|书记|镇长|乡长|扶贫办|民政办|党政办|事务办|"
        r"民政所|财政所|建管所|林业站|农技站|畜牧站|经管站|服务中心)"
    ), "township_cadre"),
    (re.compile(
        r"(?:村|社区)(?:党总支|党支部|支部|委会|两委|务监督委员会)?[^\s，。、；：！？,.镇乡县区市]{0,4}?"
        r"(?:书记|主任|委员|会计|出纳|文书|协理员|报账员|专干|组长|干部)"
    ), "village_cadre"),
)


# The accused named without a title, by unit, role or collective — as callers who do not know
# the title say it: 村里管低保的, 村上管事的, 镇里当官的, 县民宗委的人, 县扶贫办那边.
_COLLECTIVES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?:村|社区)(?:上|里)(?:的|那几个|那些|那帮)?(?:管[^\s，。、；：！？,.]{0,4}?的|当官的|管事的|当家的|领导)"),
     "village_cadre"),
    (re.compile(r"(?:镇|乡)(?:上|里)(?:的|那几个|那些|那帮)?(?:管[^\s，。、；：！？,.]{0,4}?的|当官的|管事的)"),
     "township_cadre"),
    (re.compile(r"(?:县|区)(?:上|里)(?:的|那几个|那些|那帮)?(?:管[^\s，。、；：！？,.]{0,4}?的|当官的)"),
     "county_department"),
    (re.compile(r"(?:县|区)[^\s，。、；：！？,.镇乡村街社组纪监]{1,6}?(?:局|委|办|中心)(?:的人|的工作人员|那边|的干部)"),
     "county_department"),
)
# Where the complainant went to complain is not the accused: 跑到县民政局反映, 向镇里举报.
_COMPLAINED_TO = re.compile(r"(?:到|向|找|去|给|跟)$")
_COMPLAINT_VERB = re.compile(r"^[^，。！？]{0,6}?(?:反映|举报|投诉|信访|上访|告状|问过|问了)")


def _complained_to(text: str, start: int, end: int) -> bool:
    return bool(_COMPLAINED_TO.search(text[max(0, start - 2) : start])) and bool(
        _COMPLAINT_VERB.match(text[end : end + 12])
    )


def _accused_levels(text: str) -> list[Entity]:
    text = untypo(text)  # 村支书纪 → 村支书记; same length, so spans stay right
    found = [
        Entity("accused_level", m.group(), m.start(), m.end(), level, {"unit_title": True})
        for pattern, level in _UNIT_TITLES + _COLLECTIVES
        for m in pattern.finditer(text)
    ]
    for match in _ACCUSED_RE.finditer(text):
        word = match.group()
        if word in ("会计", "文书") and text[max(0, match.start() - 2) : match.start()].endswith("学校"):
            continue
        found.append(Entity("accused_level", word, match.start(), match.end(), ACCUSED_WORDS[word]))
    return [e for e in found if not _complained_to(text, e.start, e.end)]


def _programs(text: str) -> list[Entity]:
    return [
        Entity("program", m.group(), m.start(), m.end(), PROGRAM_WORDS[m.group()])
        for m in _PROGRAM_RE.finditer(text)
    ]


# --- numbers: IDs, phones, amounts, dates ------------------------------------------------

_ID_RE = re.compile(r"(?<![0-9A-Za-z])(?:\d{6}[ -]?\d{8}[ -]?\d{3}[0-9Xx]|\d{15})(?![0-9A-Za-z])")
_MOBILE_RE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?![0-9])")
_LANDLINE_RE = re.compile(r"(?<![0-9])(?:\(0\d{2,3}\)|0\d{2,3}[- ]?)[2-9]\d{6,7}(?![0-9])")


def _ids(text: str) -> list[Entity]:
    found = []
    for match in _ID_RE.finditer(text):
        result = idnumber.validate(match.group())
        attrs = result.to_dict()
        value = result.normalized or idnumber.clean(match.group())
        found.append(Entity("id_number", match.group(), match.start(), match.end(), value, attrs))
    return found


def _phones(text: str) -> list[Entity]:
    found = []
    for regex, kind in ((_MOBILE_RE, "mobile"), (_LANDLINE_RE, "landline")):
        for match in regex.finditer(text):
            digits = re.sub(r"\D", "", match.group())
            if kind == "mobile" and len(digits) == 13 and digits.startswith("86"):
                digits = digits[2:]
            found.append(Entity("phone", match.group(), match.start(), match.end(), digits, {"type": kind}))
    return found


def _amounts(text: str) -> list[Entity]:
    return [
        Entity("amount", a.text, a.start, a.end, a.yuan, {"approximate": a.approximate})
        for a in numerals.find_amounts(text)
    ]


# --- assembly ------------------------------------------------------------------------------

# At most this many entities per complaint (real ones have a few dozen at most).
MAX_ENTITIES = 300
MAX_CANDIDATES = 2 * MAX_ENTITIES

# Where two entities would cross, the earlier kind in this list wins.
_PRIORITY = {kind: rank for rank, kind in enumerate(
    ("id_number", "phone", "date", "amount", "place", "person", "program", "accused_level")
)}


def _resolve(entities: list[Entity]) -> list[Entity]:
    """Drop same-kind overlaps; let other kinds nest; trim (or drop) crossing spans.

    Numeric kinds (IDs, phones, dates, amounts) never share characters with another entity.
    """
    ordered = sorted(entities, key=lambda e: (_PRIORITY[e.kind], -(e.end - e.start), e.start))
    kept: list[Entity] = []
    for candidate in ordered:
        entity: Entity | None = candidate
        for other in kept:
            if entity is None:
                break
            if entity.end <= other.start or other.end <= entity.start:
                continue
            if entity.kind == other.kind or _NUMERIC & {entity.kind, other.kind}:
                entity = None
            elif entity.kind == "person" and other.kind == "place" and _nested(entity, other):
                entity = None  # 马坪 inside 马坪镇 is the place, not a person
            elif not _nested(entity, other):
                entity = _trim(entity, other)
        if entity is not None:
            kept.append(entity)
    return sorted(kept, key=lambda e: (e.start, -e.end, _PRIORITY[e.kind]))


_NUMERIC = {"id_number", "phone", "date", "amount"}


def _nested(a: Entity, b: Entity) -> bool:
    return (a.start <= b.start and b.end <= a.end) or (b.start <= a.start and a.end <= b.end)


def _trim(entity: Entity, other: Entity) -> Entity | None:
    """The part of `entity` outside `other`, or None if under two characters remain."""
    if entity.start < other.start:
        start, end = entity.start, other.start
    else:
        start, end = other.end, entity.end
    if end - start < 2:
        return None
    text = entity.text[start - entity.start : end - entity.start]
    return Entity(entity.kind, text, start, end, entity.value, entity.attrs)


def extract_entities(
    text: str,
    divisions: DivisionIndex | Iterable[str | Division] | None = None,
    *,
    normalized: bool = False,
    words: Sequence[str] | None = None,
) -> list[Entity]:
    """Extract all entities from a complaint.

    `divisions` are the county's townships, villages and groups (names, `Division`s or a
    prebuilt `DivisionIndex`); names matched there are marked known. Pass `normalized=True`
    when `text` is already the output of `normalize`, so spans are not computed twice, and
    `words` when its jieba segmentation is at hand (the Triage object has it).
    """
    if not normalized:
        text = normalize(text)
    if not text:
        return []
    index = as_division_index(divisions)
    # IDs and phone numbers need at least 7 digits; most complaints have none.
    numbers = _ids(text) + _phones(text) if sum(map(str.isdigit, text)) >= 7 else []
    entities = (
        numbers + find_dates(text) + _amounts(text) + find_people(text)
        + find_places(text, index, words) + _programs(text)
        + _accused_levels(text)
    )
    if len(entities) > MAX_CANDIDATES:
        # Hostile input ("王某" 25,000 times) must not make resolution quadratic in time or
        # flood the case page: keep the candidates that come first in the text.
        entities = sorted(entities, key=lambda e: e.start)[:MAX_CANDIDATES]
    return _resolve(_heads_take_unit_level(entities))[:MAX_ENTITIES]


def _heads_take_unit_level(entities: list[Entity]) -> list[Entity]:
    """A title right after the unit it heads takes the unit's level: the 站长 of
    县畜牧兽医站站长桑某 or 县畜牧兽医站的桑站长 is a county department's head, not a township's."""
    import dataclasses

    units = [e for e in entities if e.kind == "accused_level" and e.attrs.get("unit_title")]
    if not units:
        return entities
    out = []
    for entity in entities:
        if entity.kind in ("person", "accused_level") and not entity.attrs.get("unit_title"):
            level = entity.attrs.get("level") if entity.kind == "person" else entity.value
            unit = next((u for u in units if u.start < entity.start <= u.end + 1), None)
            if level and unit is not None and unit.value != level:
                if entity.kind == "person":
                    entity = dataclasses.replace(entity, attrs={**entity.attrs, "level": unit.value})
                else:
                    entity = dataclasses.replace(entity, value=unit.value)
        out.append(entity)
    return out


def summarize_accused_level(entities: Iterable[Entity]) -> str | None:
    """The accused level to route by: from titles attached to named people first, then the
    most frequent level word; None when nothing points to a level."""
    counts: dict[str, float] = {}
    first = True
    for entity in sorted(entities, key=lambda e: e.start):
        if entity.kind == "person" and entity.attrs.get("level"):
            weight, level = 3.0, entity.attrs["level"]
        elif entity.kind == "accused_level":
            weight, level = (2.0 if entity.attrs.get("unit_title") else 1.0), entity.value
        else:
            continue
        # The accused is usually named first; later titles are often who else was involved.
        counts[level] = counts.get(level, 0) + weight + (0.5 if first else 0)
        first = False
    return max(counts, key=lambda level: counts[level]) if counts else None


def with_raw_spans(entities: list[Entity], raw_text: str, normalized_text: str, *, max_chars: int | None = None) -> list[Entity]:
    """The entities with `raw_start`/`raw_end` set: their span in the text as received."""
    import dataclasses

    from .normalize import MAX_CHARS, normalize_with_offsets, raw_span

    if not entities:
        return entities
    if raw_text == normalized_text:
        return [Entity(e.kind, e.text, e.start, e.end, e.value, e.attrs, e.start, e.end) for e in entities]
    text, offsets = normalize_with_offsets(raw_text, max_chars=max_chars or MAX_CHARS)
    if text != normalized_text:  # not the same normalisation: leave raw spans unknown
        return entities
    out = []
    for entity in entities:
        start, end = raw_span(offsets, entity.start, entity.end)
        out.append(dataclasses.replace(entity, raw_start=start, raw_end=end))
    return out
