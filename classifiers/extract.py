"""Entity extraction from a complaint: people, places, accused level, amounts, ID numbers,
phone numbers, programme names and dates.

Spans index the *normalised* text (`classifiers.normalize.normalize`), which is the text the
app shows with highlights. Entities of different kinds may nest (a title inside a person
mention) but never cross: where two would cross, the lower-priority one is trimmed or
dropped, so the spans can be rendered as nested HTML marks.

Everything here is rule-based and measured on `bench/data/extraction_sample.jsonl`
(`bench/bench_extract.py`); cn2an parses numerals, `classifiers.idnumber` validates IDs.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import idnumber, numerals
from .lexicon import (
    ACCUSED_WORDS,
    COMPOUND_SURNAMES,
    PROGRAM_WORDS,
    SURNAMES,
    TITLE_LEVELS,
)
from .normalize import normalize

KINDS = ("person", "place", "accused_level", "amount", "id_number", "phone", "program", "date")


@dataclass(frozen=True)
class Entity:
    """One extracted entity. `value` is kind-specific; `attrs` holds the details.

    person: value = name (王某, 王德福, or the surname 王 for "王书记"), attrs title
    place: value = name, attrs level (township/village/group/county), known, ref
    accused_level: value = village_cadre | township_cadre | county_department | teacher_school
    amount: value = yuan (float), attrs approximate
    id_number: value = 18-character number (or the digits as written), attrs valid, error,
        birth_date, sex
    phone: value = digits, attrs type (mobile/landline)
    program: value = programme code (housing, dibao, ...)
    date: value = ISO date or partial date ("2023-04-12", "2023-04", "2023") or None for a
        relative date, attrs relative ("去年"), month
    """

    kind: str
    text: str
    start: int
    end: int
    value: Any
    attrs: Mapping[str, Any] = field(default_factory=dict)
    # The span in the text as received (before normalisation), when the caller asked for it
    # (Triage does): that is what the app stores and highlights.
    raw_start: int | None = None
    raw_end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form used by the CLI and the app."""
        return {
            "kind": self.kind,
            "text": self.text,
            "span": [self.start, self.end],
            "raw_span": None if self.raw_start is None else [self.raw_start, self.raw_end],
            "value": self.value,
            "attrs": dict(self.attrs),
        }


@dataclass(frozen=True)
class Division:
    """An administrative division the app knows (township, village, group)."""

    name: str
    level: str | None = None
    ref: Any = None


# --- divisions ---------------------------------------------------------------------------

_LEVEL_BY_SUFFIX = (
    ("街道", "township"),
    ("社区", "village"),
    ("乡", "township"),
    ("镇", "township"),
    ("村", "village"),
    ("屯", "village"),
    ("寨", "village"),
    ("组", "group"),
    ("县", "county"),
    ("区", "county"),
    ("市", "city"),
)


def _level_of(name: str) -> str | None:
    for suffix, level in _LEVEL_BY_SUFFIX:
        if name.endswith(suffix):
            return level
    return None


class DivisionIndex:
    """Compiled matcher for the county's known division names (build once, reuse)."""

    def __init__(self, divisions: Iterable[str | Division]) -> None:
        self.by_name: dict[str, Division] = {}
        for item in divisions:
            division = item if isinstance(item, Division) else Division(str(item))
            name = normalize(division.name, fillers=False)
            if len(name) >= 2:
                level = division.level or _level_of(name)
                self.by_name[name] = Division(name, level, division.ref)
        names = sorted(self.by_name, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, names))) if names else None

    def find(self, text: str) -> list[Entity]:
        """Known divisions in `text`, longest name first at each position."""
        if self.pattern is None:
            return []
        found = []
        for match in self.pattern.finditer(text):
            division = self.by_name[match.group()]
            attrs = {"level": division.level, "known": True, "ref": division.ref}
            found.append(Entity("place", match.group(), match.start(), match.end(), division.name, attrs))
        return found


@functools.lru_cache(maxsize=8)
def _index_for(names: tuple[str | Division, ...]) -> DivisionIndex:
    return DivisionIndex(names)


def as_division_index(divisions: DivisionIndex | Iterable[str | Division] | None) -> DivisionIndex:
    """Accept a prepared index or any iterable of names (cached by content)."""
    if isinstance(divisions, DivisionIndex):
        return divisions
    return _index_for(tuple(divisions or ()))


# Places the app does not know: a short name (2-4 characters) ending in a division suffix.
# Counties are left to the known-division list: "感谢县纪委" shows why.
_PLACE_SUFFIX_RE = re.compile(r"街道|社区|[乡镇村屯寨]")
_PLACE_STOP = set(
    "的地得我你他她它们在是了和与及跟到从去把被给向对这那该本全各每个同邻隔壁外里内有没无就都也还又"
    "说讲叫住于自映报告举问找称属位整个附近两一副，。、；：！？,.;:!?（）() \n\"'“”‘’《》0123456789"
    "乡镇村县市区省组"
)
_PLACE_BAD_NAMES = {"农村", "乡村", "城乡", "新农村", "贫困村", "行政村", "自然村", "乡镇", "城镇", "村村"}
_GROUP_RE = re.compile(r"(?<![\u4e00-\u9fff])?([一二三四五六七八九十]{1,3}|\d{1,2})(?:组|社)(?!长|织|成|建|员|合)")


# Words that never end a place name ("事后村支书", "道路由村里", "导致相关乡镇"): jieba's
# dictionary tags them as adverbs, prepositions, conjunctions, particles, pronouns, time
# words, verbs ... Loaded on first use from jieba's own dict.txt (about 17,000 short words).
_FUNCTION_TAGS = frozenset("d p c u ug uj ul uv uz r t v vn vd ad a an m q y e o l i".split())
# Single characters are judged by a short list instead: 东/西/南/北/上/下 end many names.
_FUNCTION_CHARS = frozenset("的地得了着过和与及或但而由从在于向对把被给将让后里内外间某该本每各其这那哪谁都也又就才还再")
_function_words: frozenset[str] | None = None


def _load_function_words() -> frozenset[str]:
    global _function_words
    if _function_words is None:
        import jieba

        words = set()
        path = Path(jieba.__file__).with_name("dict.txt")
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                parts = line.split()
                if len(parts) == 3 and 2 <= len(parts[0]) <= 3 and parts[2] in _FUNCTION_TAGS:
                    words.add(parts[0])
        _function_words = frozenset(words)
    return _function_words


def _ends_like_a_word(name: str) -> bool:
    """Whether the place-name candidate ends in a function word, so it is not a name."""
    if name[-1] in _FUNCTION_CHARS:
        return True
    function_words = _load_function_words()
    return name[-2:] in function_words or name[-3:] in function_words


def _unknown_places(text: str, words: Sequence[str] | None) -> list[Entity]:
    found = []
    boundaries: set[int] | None = None  # jieba word starts, computed only if needed
    for match in _PLACE_SUFFIX_RE.finditer(text):
        suffix_start, end = match.start(), match.end()
        start = suffix_start
        while start > 0 and suffix_start - start < 4 and text[start - 1] not in _PLACE_STOP:
            start -= 1
        if suffix_start - start > 2 and boundaries is None:
            boundaries = _word_boundaries(text, words)
        if suffix_start - start > 2 and start not in boundaries:
            # Prefer a start on a word boundary ("反映石桥镇" → 石桥镇), keeping ≥ 2 chars.
            for candidate in range(start + 1, suffix_start - 1):
                if candidate in boundaries:
                    start = candidate
                    break
        name = text[start:end]
        if suffix_start - start < 2 and not (suffix_start - start == 1 and match.group() in "乡镇"):
            continue
        if suffix_start - start < 1 or name in _PLACE_BAD_NAMES:
            continue
        if _ends_like_a_word(text[start:suffix_start]):
            continue
        if match.group() == "村" and text[end : end + 1] in ("民", "里", "委", "部", "干", "级"):
            # 某某村民 / 村里 / 村委会: the character is not a place suffix here
            if text[end : end + 1] in ("民", "里", "级"):
                continue
        found.append(
            Entity("place", name, start, end, name, {"level": _level_of(name), "known": False, "ref": None})
        )
    for match in _GROUP_RE.finditer(text):
        if match.start() > 0 and text[match.start() - 1] in "第":
            continue
        found.append(
            Entity("place", match.group(), match.start(), match.end(), match.group(),
                   {"level": "group", "known": False, "ref": None})
        )
    return found


# --- people ------------------------------------------------------------------------------

_SURNAME_ALT = "|".join(sorted(COMPOUND_SURNAMES, key=len, reverse=True)) + "|[" + "".join(SURNAMES) + "]"
_TITLE_ALT = "|".join(sorted(map(re.escape, TITLE_LEVELS), key=len, reverse=True))
# Characters that cannot be the last character of a given name in running text: after a
# title, "村支书王德把钱..." must give 王德, not 王德把.
_NAME_STOP = set(
    "把的给在说是和跟让私收将家等他她也就都又还拿要向从对为被以一了着不没利用找带多去来开领扣贪挪截冒骗吃"
    "每亲女儿子老妻媳弟兄哥姐妹父母爸妈今前后年月日们曾已竟却才只便刚经通过上下里中与及或虽但而因所之其此这那"
    "个位名户村镇乡县该书记主任会计长自硬私偷竟非擅以按替代帮负骗虚谎瞒多少很太最更再并早"
    "，。、；：！？,.;:!?（）() \n\"'“”"
)
_MOU_NAME = rf"(?:{_SURNAME_ALT})(?:某某|某[甲乙丙丁]?|X+|x+|\*+|×+)"
# Surnames that are also everyday words (学生和农户, 村主任于是...): only trusted with 某.
_AMBIGUOUS_SURNAMES = "和于向时成全应常连安明文高从"
_SHORT_TITLES = "书记|支书|主任|会计|村长|镇长|乡长|所长|站长|局长|校长|老师|组长|队长|文书|专干|科长|股长|经理|医生|院长|老板|师傅"
# One regex per way a person is written. Each starts with a small set of characters, which
# lets the regex engine skip most positions (one alternation starting with "any surname"
# tried every branch at every common character). Matches are then merged left to right
# in this order, as one alternation would.
_PERSON_RES = (
    # 村支书王某 / 张某某 (only texts containing 某, X or * need this one)
    ("mou", re.compile(rf"(?:(?P<title>{_TITLE_ALT}))?(?P<name>{_MOU_NAME})")),
    # 村主任李德福
    ("full", re.compile(
        rf"(?P<title>{_TITLE_ALT})(?![{_AMBIGUOUS_SURNAMES}])"
        rf"(?P<name>(?:{_SURNAME_ALT})(?!{_SHORT_TITLES})[\u4e00-\u9fff]{{1,2}})"
    )),
    # 我叫张桂兰
    ("cued", re.compile(
        rf"(?:叫|名叫|户主|村民|贫困户|低保户|老人|学生|家长|反映人|举报人|妻子|丈夫)(?![{_AMBIGUOUS_SURNAMES}])"
        rf"(?P<name>(?:{_SURNAME_ALT})[\u4e00-\u9fff]{{1,2}})"
    )),
    # 王书记
    ("surname_title", re.compile(rf"(?P<name>{_SURNAME_ALT})(?P<title>{_SHORT_TITLES})")),
    # 老周家
    ("old", re.compile(rf"老(?P<name>[{''.join(SURNAMES)}])(?=家|头|汉|太|婆|两口|一家|他|她|说|的|[，。,])")),
)
_MOU_MARKS = ("某", "X", "x", "*", "×")


def _trim_given_name(full: str) -> str:
    """Cut a greedy 3-character candidate back when its last character reads as a word."""
    if len(full) == 3 and full[2] in _NAME_STOP:
        full = full[:2]
    if len(full) >= 2 and full[1] in _NAME_STOP:
        return ""
    return full


def _person_matches(text: str) -> list[tuple[int, int, str, re.Match[str]]]:
    """Matches of every person pattern, merged left to right without overlaps."""
    candidates = []
    for order, (form, regex) in enumerate(_PERSON_RES):
        if form == "mou" and not any(mark in text for mark in _MOU_MARKS):
            continue
        for match in regex.finditer(text):
            candidates.append((match.start(), order, form, match))
    candidates.sort(key=lambda c: (c[0], c[1]))
    chosen, taken_until = [], 0
    for start, _, form, match in candidates:
        if start >= taken_until:
            chosen.append((start, match.end(), form, match))
            taken_until = match.end()
    return chosen


def _people(text: str) -> list[Entity]:
    found = []
    for start, end, form, match in _person_matches(text):
        title = match.groupdict().get("title")
        name = match.group("name")
        if form in ("full", "cued"):
            name = _trim_given_name(name)
            if not name:
                continue
            end = match.start("name") + len(name)
            if form == "cued":
                start = match.start("name")
        elif form == "surname_title":
            if start > 0 and text[start - 1] in "副正":
                start -= 1
        elif form == "old":
            name = "老" + name
        attrs = {"title": title, "level": TITLE_LEVELS.get(title) if title else None}
        found.append(Entity("person", text[start:end], start, end, name, attrs))
    return found


# --- accused level, programmes -----------------------------------------------------------

_ACCUSED_RE = re.compile("|".join(sorted(map(re.escape, ACCUSED_WORDS), key=len, reverse=True)))
_PROGRAM_RE = re.compile("|".join(sorted(map(re.escape, PROGRAM_WORDS), key=len, reverse=True)))


def _accused_levels(text: str) -> list[Entity]:
    found = []
    for match in _ACCUSED_RE.finditer(text):
        word = match.group()
        if word in ("会计", "文书") and text[max(0, match.start() - 2) : match.start()].endswith("学校"):
            continue
        found.append(Entity("accused_level", word, match.start(), match.end(), ACCUSED_WORDS[word]))
    return found


def _programs(text: str) -> list[Entity]:
    return [
        Entity("program", m.group(), m.start(), m.end(), PROGRAM_WORDS[m.group()])
        for m in _PROGRAM_RE.finditer(text)
    ]


# --- numbers: IDs, phones, amounts, dates ------------------------------------------------

_ID_RE = re.compile(r"(?<![0-9A-Za-z])(?:\d{6}[ -]?\d{8}[ -]?\d{3}[0-9Xx]|\d{15})(?![0-9A-Za-z])")
_MOBILE_RE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?![0-9])")
_LANDLINE_RE = re.compile(r"(?<![0-9])(?:\(0\d{2,3}\)|0\d{2,3}[- ]?)[2-9]\d{6,7}(?![0-9])")
_CN_NUM = "〇零一二三四五六七八九十"
_RELATIVE = r"去年|今年|前年|明年|大前年|同年|当年|次年"
_DATE_RES = (
    re.compile(r"(?P<y>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?![0-9])"),
    re.compile(
        rf"(?:(?P<rel>{_RELATIVE})|(?P<y>(?:19|20)\d{{2}}|[一二][〇零九][{_CN_NUM}]{{2}})年)?"
        rf"(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月份?"
        rf"(?:(?P<d>3[01]|[12]\d|0?[1-9]|[{_CN_NUM}]{{1,3}})[日号])?"
        rf"(?P<part>初|中旬|下旬|上旬|底|末)?"
    ),
    re.compile(r"(?P<y>(?:19|20)\d{2})年(?P<part>初|底|末|上半年|下半年)?"),
    re.compile(
        rf"(?P<rel>{_RELATIVE}|上个月|上月|这个月|本月)(?P<part>春节前后|春节前|春节后|年初|年底|年中)?"
        r"|(?P<part2>春节前后|春节前|春节后|国庆节?前后|年初|年底)"
    ),
)


# What a text must contain for each date pattern to match (None: a digit), checked first
# because `in` is far cheaper than running the pattern.
_DATE_NEEDS = (None, ("月",), ("年",), ("年", "月", "春节", "国庆"))
_DIGIT_RE = re.compile(r"\d")


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


def _cn_int(text: str | None) -> int | None:
    if not text:
        return None
    if text.isdigit():
        return int(text)
    digits = "".join(str("〇一二三四五六七八九".index(c)) if c in "〇一二三四五六七八九" else c for c in text.replace("零", "〇"))
    if digits.isdigit() and len(digits) == 4:  # 二〇二三 → 2023
        return int(digits)
    return int(numerals.parse_number(text) or 0) or None


def _dates(text: str) -> list[Entity]:
    found: list[Entity] = []
    taken: list[tuple[int, int]] = []
    has_digit = _DIGIT_RE.search(text) is not None
    for regex, needs in zip(_DATE_RES, _DATE_NEEDS):
        if needs is None and not has_digit or needs and not any(word in text for word in needs):
            continue
        for match in regex.finditer(text):
            start, end = match.span()
            if end - start < 2 or any(s < end and start < e for s, e in taken):
                continue
            groups = match.groupdict()
            year, month, day = _cn_int(groups.get("y")), _cn_int(groups.get("m")), _cn_int(groups.get("d"))
            if month is not None and not 1 <= month <= 12 or day is not None and not 1 <= day <= 31:
                continue
            value = None
            if year:
                value = f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if month and day else "")
            attrs = {"relative": groups.get("rel"), "month": month, "day": day}
            found.append(Entity("date", match.group(), start, end, value, attrs))
            taken.append((start, end))
    return found


# --- assembly ------------------------------------------------------------------------------

# Where two entities would cross, the earlier kind in this list wins.
_PRIORITY = {kind: rank for rank, kind in enumerate(
    ("id_number", "phone", "date", "amount", "place", "person", "program", "accused_level")
)}


def _word_boundaries(text: str, words: Sequence[str] | None) -> set[int]:
    from .segment import cut

    boundaries, position = {0}, 0
    for word in words if words is not None else cut(text):
        position += len(word)
        boundaries.add(position)
    return boundaries


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
    known = index.find(text)
    # IDs and phone numbers need at least 7 digits; most complaints have none.
    numbers = _ids(text) + _phones(text) if sum(map(str.isdigit, text)) >= 7 else []
    entities = (
        numbers + _dates(text) + _amounts(text) + _people(text)
        + known + _unknown_places(text, words) + _programs(text)
        + _accused_levels(text)
    )
    return _resolve(entities)


def summarize_accused_level(entities: Iterable[Entity]) -> str | None:
    """The accused level to route by: from titles attached to named people first, then the
    most frequent level word; None when nothing points to a level."""
    counts: dict[str, int] = {}
    for entity in entities:
        if entity.kind == "person" and entity.attrs.get("level"):
            counts[entity.attrs["level"]] = counts.get(entity.attrs["level"], 0) + 3
        elif entity.kind == "accused_level":
            counts[entity.value] = counts.get(entity.value, 0) + 1
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
